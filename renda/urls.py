from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("core.urls")),
    path("", include("ops.urls")),
    path("accounts/", include("accounts.urls")),
    path("organization/", include("organization.urls")),
    path("deputies/", include("deputies.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("stations/", include("stations.urls")),
    path("training/", include("training.urls")),
    path("duties/", include("duties.urls")),
    path("engagement/", include("engagement.urls")),
    path("reports/", include("reports.urls")),
    path("public/stations/", include("stations.public_urls")),
    path("public/", include("suggestions.public_urls")),
    path("stats/", include("suggestions.stats_urls")),
    path("api/v1/", include("renda.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

handler404 = "core.api.exceptions.page_not_found"  # JSON under /api/
