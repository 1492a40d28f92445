from django.urls import path

from . import stats_views

app_name = "suggestions_stats"
urlpatterns = [
    path("suggestions/", stats_views.stats_page, name="page"),
    path("suggestions/export/", stats_views.stats_export, name="export"),
]
