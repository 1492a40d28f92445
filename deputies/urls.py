from django.urls import path

from .views import groups, imports, persons

app_name = "deputies"
urlpatterns = [
    path("", persons.person_list, name="list"),
    path("export.xlsx", persons.person_export, name="export"),
    path("new/", persons.person_create, name="create"),
    path("<int:pk>/", persons.person_detail, name="detail"),
    path("<int:pk>/edit/", persons.person_edit, name="edit"),
    path("<int:pk>/delete/", persons.person_delete, name="delete"),
    path("<int:pk>/seats/new/", persons.seat_create, name="seat_create"),
    path("seats/<int:pk>/edit/", persons.seat_edit, name="seat_edit"),
    path("seats/<int:pk>/delete/", persons.seat_delete, name="seat_delete"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template.xlsx", imports.import_template_download, name="import_template"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", groups.group_delete, name="group_delete"),
    path("groups/<int:pk>/members/add/", groups.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:person_pk>/remove/", groups.member_remove, name="member_remove"),
]
