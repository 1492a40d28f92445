from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("training/sessions", views.SessionViewSet, basename="training-session")
router.register("training/enrolments", views.EnrolmentViewSet, basename="training-enrolment")
router.register("training/checkins", views.CheckInViewSet, basename="training-checkin")
urlpatterns = router.urls
