"""Every URL that answers without a login is on an explicit allow-list: a new public route fails this test until it
is listed here (and reviewed: rate limit, CSRF, no personal data)."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Route patterns (as written in the URLconf, joined) that may answer an anonymous visitor.
PUBLIC_ALLOW_LIST = {
    "accounts/login/",
    "accounts/login/otp/",  # only continues a login whose password was right (else back to the login page)
    "accounts/logout/",
    "api/v1/auth/token/",  # POST logs in (throttled per username, django-axes)
    "api/schema/",
    "api/docs/",
    "healthz",
    "healthz/",
}
# Files served through a permission check: 404 to anybody who may not see the object, anonymous visitors included
# (never a public media URL). Listed so that each was looked at.
ANSWERS_404_TO_ANYONE_WITHOUT_ACCESS = {
    "duties/photos/<int:pk>/",
    "duties/voter-reports/<int:pk>/file/",
}
PUBLIC_PREFIXES = (
    "public/",
    "api/v1/public/",
    "static/",
    "django-admin/",
)  # public pages (no personal data); admin has its login


def _piece(pattern) -> str:
    text = str(pattern)
    if text.startswith("^"):  # a regex (DRF router): named groups become placeholders
        text = text[1:].removesuffix("$").removesuffix("\\Z")
        text = re.sub(r"\(\?P<pk>[^)]*\)", "<int:pk>", text)
        text = re.sub(r"\(\?P<(\w+)>\\d[^)]*\)", r"<int:\1>", text)
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", text)
        text = text.replace("\\.", ".").replace("\\", "")
    return text


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + _piece(p.pattern))
        elif isinstance(p, URLPattern) and "format" not in _piece(p.pattern):
            yield prefix + _piece(p.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "999999", route)
    route = re.sub(r"<uuid:[^>]+>", str(uuid.uuid4()), route)
    route = re.sub(r"<[^>]+>", "x", route)
    return "/" + route


def _needs_login(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


def test_every_route_that_answers_without_login_is_allow_listed(client, world):
    routes = sorted(set(_walk(get_resolver().url_patterns)))
    assert len(routes) > 50
    open_routes = []
    for route in routes:
        clean = route.lstrip("^")
        if clean in PUBLIC_ALLOW_LIST or clean.startswith(PUBLIC_PREFIXES):
            continue
        url = _concrete(route)
        response = client.get(url)
        for method in ("post", "delete"):  # POST- or DELETE-only actions
            if response.status_code == 405:
                response = getattr(client, method)(url)
        if response.status_code == 404 and route in ANSWERS_404_TO_ANYONE_WITHOUT_ACCESS:
            continue
        if not _needs_login(response):
            open_routes.append((route, response.status_code))
    assert open_routes == [], "\n".join(f"{r} {c}" for r, c in open_routes)
