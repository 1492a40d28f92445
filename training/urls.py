from django.urls import path

from . import mobile, views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/invite/", views.session_invite, name="invite"),
    path("<int:pk>/manual-checkin/", views.manual_checkin, name="manual_checkin"),
    path("<int:pk>/handout/", views.handout, name="handout"),
    path("<int:pk>/signin.pdf", views.signin_pdf, name="signin_pdf"),
    path("<int:pk>/attendance.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path("enrolments/<int:pk>/leave/<str:decision>/", views.leave_decide, name="leave_decide"),
    path("checkins/<int:pk>/accept/", views.clear_flag, name="clear_flag"),
    path("days/<int:day_pk>/qr/", views.day_qr, name="day_qr"),
    path("days/<int:day_pk>/qr.svg", views.day_qr_svg, name="day_qr_svg"),
    path("materials/", views.material_list, name="materials"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("materials/<int:pk>/handouts/", views.material_handouts, name="material_handouts"),
    # The deputy's phone.
    path("my/", mobile.my_trainings, name="my"),
    path("my/<int:pk>/confirm/", mobile.my_confirm, name="my_confirm"),
    path("my/<int:pk>/leave/", mobile.my_leave, name="my_leave"),
    path("checkin/<int:day_pk>/", mobile.checkin, name="checkin"),
]
