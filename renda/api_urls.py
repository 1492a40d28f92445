"""Every API route under /api/v1/. Each app contributes its router in <app>/api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("organization.api.urls")),
    path("", include("deputies.api.urls")),
    path("", include("suggestions.api.urls")),
    path("", include("suggestions.stats_api_urls")),
    path("", include("core.api.urls")),
    path("", include("duties.api.urls")),
    path("", include("training.api.urls")),
    path("", include("stations.api.urls")),
    path("", include("engagement.api.urls")),
    path("", include("reports.api.urls")),
]
