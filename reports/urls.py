from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    path("request/", views.job_request, name="request"),
    path("issue/", views.issue, name="issue"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/download/", views.job_download, name="download"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
]
