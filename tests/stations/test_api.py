"""The stations API: same scopes as the pages, masked contacts, services behind every write; the public endpoints
show only what the public pages show."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from stations import services
from stations.models import Message, Reception, StationDeputy


@pytest.fixture
def api():
    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


@pytest.fixture
def station(make_station, staff):
    station = make_station(deputies=2)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    roster = services.generate_roster(station, actor=staff, start=monday, end=monday + dt.timedelta(days=6))
    services.publish_roster(roster, actor=staff)
    return station


def test_the_public_endpoint_shows_names_and_the_week_without_personal_data(api, station):
    response = api().get("/api/v1/public/stations/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    people = [m.person for m in StationDeputy.objects.filter(station=station)]
    assert sorted(row["deputies"]) == sorted(p.name for p in people)
    assert row["this_week"] and row["this_week"][0]["deputies"][0] in row["deputies"]
    body = response.content.decode()
    for p in people:
        assert p.phone not in body and p.address not in body
    assert set(row) == {"id", "name", "kind", "kind_display", "township_name", "sector", "address", "opening_hours",
                        "reception_days", "reception_hours", "phone", "deputies", "this_week"}  # fmt: skip


def test_the_staff_api_needs_a_login_and_a_role(api, station, make_user, world):
    assert api().get("/api/v1/stations/").status_code in (401, 403)
    assert api(make_user(Role.UNIT_STAFF, unit=world.unit)).get("/api/v1/stations/").status_code == 403


def test_another_townships_station_is_404_in_the_api(api, station, town_b_staff, town_a_staff):
    assert api(town_b_staff).get(f"/api/v1/stations/{station.pk}/").status_code == 404
    assert api(town_b_staff).get("/api/v1/stations/").json()["count"] == 0
    assert api(town_a_staff).get(f"/api/v1/stations/{station.pk}/").status_code == 200


def test_a_reception_through_the_api_is_masked_for_a_leader_and_turns_into_a_suggestion(
    api, station, make_liaison, make_user
):
    liaison = make_liaison(station)
    deputy = StationDeputy.objects.filter(station=station).first().person
    response = api(liaison).post(
        "/api/v1/stations/receptions/",
        {"station": station.pk, "deputy": deputy.pk, "visitor_name": "钱七", "visitor_phone": "13300001111",
         "topic": "农田灌溉", "content": "水渠年久失修"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    leader = api(make_user(Role.LEADER)).get(f"/api/v1/stations/receptions/{pk}/").json()
    assert leader["visitor_phone"] == "133****1111"
    turned = api(liaison).post(f"/api/v1/stations/receptions/{pk}/suggestion/", {}, format="json")
    assert turned.status_code == 200
    reception = Reception.objects.get(pk=pk)
    assert reception.suggestion_id is not None
    assert turned.json()["suggestion"] == reception.suggestion_id
    assert reception.suggestion.lead_deputy_id == deputy.pk
    again = api(liaison).post(f"/api/v1/stations/receptions/{pk}/suggestion/", {}, format="json")
    assert again.status_code == 409


def test_messages_are_answered_through_the_api(api, station, make_liaison):
    liaison = make_liaison(station)
    message = services.submit_message(station, topic="路灯", content="路灯坏了", consent=True)
    response = api(liaison).post(f"/api/v1/stations/messages/{message.pk}/reply/", {"text": "已报修"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == Message.Status.REPLIED
    empty = api(liaison).post(f"/api/v1/stations/messages/{message.pk}/close/", {"text": ""}, format="json")
    assert empty.status_code == 400
    assert "请填写办理结果" in empty.content.decode()


def test_a_roster_is_generated_through_the_api(api, make_station, staff):
    station = make_station(deputies=3)
    response = api(staff).post(
        f"/api/v1/stations/{station.pk}/generate-roster/", {"kind": "quarter", "year": 2026, "number": 3}, format="json"
    )
    assert response.status_code == 201
    # The Wednesdays of July–September 2026: 5 + 4 + 5.
    assert len(response.json()["slots"]) == 14


def test_the_stations_endpoints_generate_a_valid_schema():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include("stations.api.urls"))]).get_schema(
        request=None, public=True
    )
    validate_schema(schema)
    assert not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._error_cache)
    assert "/api/v1/public/stations/" in schema["paths"]
    assert "/api/v1/stations/receptions/{id}/suggestion/" in schema["paths"]
