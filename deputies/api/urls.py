from rest_framework.routers import DefaultRouter

from .views import GroupViewSet, PersonViewSet, SeatViewSet

router = DefaultRouter()
router.register("deputies", PersonViewSet, basename="person")
router.register("seats", SeatViewSet, basename="seat")
router.register("groups", GroupViewSet, basename="group")
urlpatterns = router.urls
