from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("suggestions/", public.public_list, name="suggestion_list"),
    path("suggestions/<int:pk>/", public.public_detail, name="suggestion_detail"),
]
