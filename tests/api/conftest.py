import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import services

from .. import factories as f


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The test settings run with DEBUG off, whose manifest storage needs collectstatic; pages here need plain URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counters live in this run's own Redis db; start every test from zero.
    cache.clear()


@pytest.fixture
def api():
    """api(user) → an APIClient that sends a freshly issued token of `user`; api() → an anonymous client."""

    def _client(user=None):
        client = APIClient()
        if user is not None:
            key, _token = services.issue_api_token(user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _client


@pytest.fixture
def roster(world):
    """Deputies in and out of each scope:
    county: a county deputy living in 城关镇; town_a: a 城关镇 township deputy; town_b: a 河西镇 township deputy;
    a county group with the county deputy, a 河西镇 group with the 河西镇 deputy."""
    county_person = f.PersonFactory(name="张伟", township=world.area_a)
    f.SeatFactory(person=county_person, term=world.term)
    town_a_person = f.PersonFactory(name="李娜", township=world.area_a)
    f.SeatFactory(person=town_a_person, term=world.town_a_term)
    town_b_term = f.TermFactory(congress=world.town_b)
    town_b_person = f.PersonFactory(name="王芳", township=world.area_b)
    f.SeatFactory(person=town_b_person, term=town_b_term)
    county_group = f.GroupFactory(congress=world.county, name="城关代表小组")
    f.MembershipFactory(group=county_group, person=county_person)
    town_b_group = f.GroupFactory(congress=world.town_b, name="河西镇第一小组")
    f.MembershipFactory(group=town_b_group, person=town_b_person)
    return {
        "county": county_person,
        "town_a": town_a_person,
        "town_b": town_b_person,
        "county_group": county_group,
        "town_b_group": town_b_group,
        "town_b_term": town_b_term,
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
