"""PDF rendering with WeasyPrint, shared by every report and printable document.

The URL fetcher serves only the project's own static files: user text in a template cannot make the server read
local files (file://) or reach the network. Templates reference stylesheets and images with {% static %}; those
URLs resolve against a base that exists nowhere (BASE_URL) and are mapped to files found by the staticfiles finders.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

BASE_URL = "http://renda.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Fetches the project's static files and data: URLs; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(settings.STATIC_URL):
            raise ValueError(f"PDF may not fetch {url[:80]}")
        rel = unquote(parts.path[len(settings.STATIC_URL) :])
        if ".." in Path(rel).parts:
            raise ValueError(f"PDF may not fetch {url[:80]}")
        found = finders.find(rel)
        if not found:
            raise ValueError(f"No static file {rel[:80]}")
        return super().fetch(Path(found).resolve().as_uri(), headers)


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes."""
    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
