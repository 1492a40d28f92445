from rest_framework.routers import DefaultRouter

from .views import ReportJobViewSet

router = DefaultRouter()
router.register("reports", ReportJobViewSet, basename="api-report")
urlpatterns = router.urls
