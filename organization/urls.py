from django.urls import path

from . import views

app_name = "organization"
urlpatterns = [
    path("", views.congress_list, name="congress_list"),
    path("congresses/<int:pk>/", views.congress_detail, name="congress_detail"),
    path("congresses/<int:congress_pk>/terms/new/", views.term_create, name="term_create"),
    path("terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("terms/<int:term_pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("congresses/<int:congress_pk>/units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("committees/", views.committee_list, name="committee_list"),
    path("congresses/<int:congress_pk>/committees/new/", views.committee_create, name="committee_create"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("members/", views.member_list, name="member_list"),
    path("congresses/<int:congress_pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
]
