"""The permission matrix: roles × the main resources × list, detail, export and API. Rules checked here:
anonymous visitors get the login page (web) or 401 (API); the roles that administer or audit the system
(secadmin, auditor) open no business records; objects outside a user's scope answer 404 on the web and in the API
while the same object answers 200 to the office that owns it."""

import pytest
from django.urls import reverse

from accounts.models import Role

from .. import factories as f

pytestmark = pytest.mark.django_db

WEB_LISTS = [
    "deputies:list",
    "deputies:export",
    "deputies:group_list",
    "suggestions:list",
    "suggestions:export",
    "training:list",
    "duties:record_list",
    "duties:record_export",
    "organization:unit_list",
]
API_LISTS = [
    "/api/v1/deputies/",
    "/api/v1/groups/",
    "/api/v1/suggestions/",
    "/api/v1/assignments/",
    "/api/v1/training/sessions/",
    "/api/v1/duty-records/",
    "/api/v1/units/",
]


@pytest.mark.parametrize("name", WEB_LISTS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", API_LISTS)
def test_anonymous_api_calls_are_refused(client, url):
    assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize("role", [Role.SECADMIN, Role.AUDITOR])
def test_security_administrators_and_auditors_open_no_business_records(make_user, client, world, role):
    person = f.PersonFactory()
    f.SeatFactory(person=person, congress=world.county, term=world.term)
    client.force_login(make_user(role))
    # Handling units are the congress's organisation chart (no personal data), readable by its own logins.
    for name in [n for n in WEB_LISTS if n != "organization:unit_list"]:
        response = client.get(reverse(name))
        if response.status_code == 200 and name.endswith("list"):
            assert person.name not in response.content.decode(), name
        else:
            assert response.status_code in (403, 404), (name, response.status_code)
    for url in [u for u in API_LISTS if u != "/api/v1/units/"]:
        response = client.get(url)
        assert response.status_code in (403, 404) or response.json().get("count") == 0, (url, response.status_code)
    assert client.get(reverse("deputies:detail", args=[person.pk])).status_code in (403, 404)
    assert client.get(f"/api/v1/deputies/{person.pk}/").status_code in (403, 404)


def test_a_township_office_gets_404_for_another_townships_deputy_and_group(make_user, client, world):
    person = f.PersonFactory()
    f.SeatFactory(person=person, congress=world.town_a, term=world.town_a_term)
    group = f.GroupFactory(congress=world.town_a)
    owner = make_user(Role.TOWN_STAFF, congress=world.town_a)
    other = make_user(Role.TOWN_STAFF, congress=world.town_b)
    urls = [
        reverse("deputies:detail", args=[person.pk]),
        f"/api/v1/deputies/{person.pk}/",
        f"/api/v1/groups/{group.pk}/",
    ]
    client.force_login(owner)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(other)
    for url in urls:
        assert client.get(url).status_code == 404, url
    listed = client.get("/api/v1/deputies/").json()
    assert person.pk not in [row["id"] for row in listed["results"]]


def test_a_handling_unit_never_opens_the_deputy_roster(make_user, client, world):
    person = f.PersonFactory()
    f.SeatFactory(person=person, congress=world.county, term=world.term)
    client.force_login(make_user(Role.UNIT_STAFF, unit=world.unit))
    assert client.get(reverse("deputies:list")).status_code in (403, 404)
    assert client.get(reverse("deputies:export")).status_code in (403, 404)
    assert client.get(reverse("deputies:detail", args=[person.pk])).status_code in (403, 404)
