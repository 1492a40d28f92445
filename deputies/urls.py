from django.urls import path

from . import views

app_name = "deputies"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("groups/", views.group_list, name="group_list"),
]
