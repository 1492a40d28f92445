from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("stations/rosters", views.RosterViewSet, basename="station-roster")
router.register("stations/receptions", views.ReceptionViewSet, basename="station-reception")
router.register("stations/messages", views.MessageViewSet, basename="station-message")
router.register("stations", views.StationViewSet, basename="station")
router.register("public/stations", views.PublicStationViewSet, basename="public-station")
urlpatterns = router.urls
