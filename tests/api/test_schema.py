import re

import yaml
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from accounts.models import Role


def test_the_openapi_schema_is_served_and_lists_the_endpoints(client, make_user):
    client.force_login(make_user(Role.STAFF))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    for url in ("/api/v1/auth/token/", "/api/v1/deputies/", "/api/v1/meetings/", "/api/v1/users/"):
        assert url in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_foundation_endpoints_generate_a_valid_schema_without_warnings():
    patterns = [path("api/v1/", include(f"{app}.api.urls")) for app in ("accounts", "organization", "deputies")]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._warn_cache)
    assert "/api/v1/committee-members/{id}/" in schema["paths"]


def test_the_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in urls)
    assert not [u for u in urls if u.startswith(("http://", "https://", "//"))]
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script (the page's CSP forbids it)
