"""The project's URLs plus /bench/ping/, the baseline of B1: no query, no template, the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), path("", include("renda.urls"))]
