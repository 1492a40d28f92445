"""PDF rendering with WeasyPrint, shared by every report and printable document.

The URL fetcher serves only the project's own static files: user text in a template cannot make the server read
local files (file://) or reach the network. Templates reference stylesheets and images with {% static %}; those
URLs resolve against a base that exists nowhere (BASE_URL) and are mapped to files found by the staticfiles finders.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
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


# While WeasyPrint renders, the cyclic garbage collector looks only at objects made during the render. A render makes
# millions of short-lived objects (boxes, computed styles, Pango wrappers); each burst of them triggers collections, and
# every full collection also walks the hundreds of thousands of objects the process already held (Django, the apps,
# WeasyPrint's own tables). Measured in-process on the county annual suggestions report (issue 9, B4): ~200 ms of a
# 1.4 s render was the collector, 130 ms of it one full collection. gc.freeze() sets the existing objects aside and
# gc.unfreeze() puts them back in the oldest generation afterwards: nothing is freed that would not be, nothing kept.
# A process that froze its objects itself (a pre-forking server against copy-on-write) stays frozen: then only the
# threshold changes. A higher first threshold makes the young collections rarer. Nested or concurrent renders
# (threads) share one pause.
RENDER_GC_THRESHOLD0 = 10_000
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[tuple[int, int, int], bool] | None = None


@contextmanager
def collect_only_new_objects():
    """The garbage collector's pause for a render (above): restored when the last render ends, even on error."""
    global _gc_depth, _gc_saved
    with _gc_lock:
        if _gc_depth == 0:
            threshold, we_freeze = gc.get_threshold(), gc.get_freeze_count() == 0
            _gc_saved = (threshold, we_freeze)
            if we_freeze:
                gc.freeze()
            gc.set_threshold(max(RENDER_GC_THRESHOLD0, threshold[0]), *threshold[1:])
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                threshold, we_froze = _gc_saved
                gc.set_threshold(*threshold)
                if we_froze:
                    gc.unfreeze()


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes."""
    html = render_to_string(template, context, request=request)
    with collect_only_new_objects():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
