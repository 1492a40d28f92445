from django.urls import path

from . import public

app_name = "stations_public"
urlpatterns = [
    path("", public.finder, name="finder"),
    path("track/", public.track, name="track_lookup"),
    path("track/<str:code>/", public.track, name="track"),
    path("sent/<str:code>/", public.sent, name="sent"),
    path("<int:pk>/", public.station_page, name="detail"),
    path("<int:pk>/message/", public.message_to_station, name="message"),
    path("<int:pk>/deputies/<int:person_id>/message/", public.message_to_deputy, name="message_deputy"),
    path("<int:pk>/qr.svg", public.station_qr, name="qr"),
    path("<int:pk>/deputies/<int:person_id>/qr.svg", public.deputy_qr, name="deputy_qr"),
]
