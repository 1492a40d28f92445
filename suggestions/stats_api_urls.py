from django.urls import path

from .stats_api import SuggestionStatsView

urlpatterns = [
    path("stats/suggestions/", SuggestionStatsView.as_view(), name="stats-suggestions"),
]
