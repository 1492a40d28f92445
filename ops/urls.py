from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/detail", views.healthz_detail, name="healthz_detail"),
    path("ops/work/", views.work, name="work"),
    path("ops/work/runs/<int:pk>/retry/", views.retry, name="retry"),
    path("ops/errors/", views.errors, name="errors"),
]
