from rest_framework.routers import DefaultRouter

from .views import (
    AreaViewSet,
    CommitteeMemberViewSet,
    CommitteeViewSet,
    CongressViewSet,
    MeetingViewSet,
    TermViewSet,
    UnitViewSet,
)

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("congresses", CongressViewSet, basename="congress")
router.register("terms", TermViewSet, basename="term")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("committees", CommitteeViewSet, basename="committee")
router.register("units", UnitViewSet, basename="unit")
router.register("committee-members", CommitteeMemberViewSet, basename="committee-member")
urlpatterns = router.urls
