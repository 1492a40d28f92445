"""GET /api/v1/stats/suggestions/, the stats page and its Excel export: who may read what, and the same numbers."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import Role
from core.models import AuditEntry
from suggestions.models import Suggestion

S = Suggestion.State
URL = "/api/v1/stats/suggestions/"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def year_2026(build, world):
    build(S.RATED, answered_on=dt.date(2026, 5, 1), contact=True, ratings=["satisfied"])
    build(S.RATED, answered_on=dt.date(2026, 5, 1), ratings=["unsatisfied"])
    build(S.HANDLING, unit=world.other_unit, co_unit=world.unit)


def test_staff_read_each_figure_with_numerator_denominator_rate_and_definition(client, make_user, year_2026):
    client.force_login(make_user(Role.STAFF))
    body = client.get(URL, {"year": 2026}).json()
    meet = body["total"]["figures"]["meet_rate"]
    assert (meet["numerator"], meet["denominator"], meet["rate"], meet["display"]) == (1, 3, 33.3, "33.3%")
    assert meet["label"] == "见面率" and "见面" in meet["definition"]
    assert body["total"]["figures"]["first_positive_rate"]["rate"] == 50.0
    assert body["total"]["counts"]["assigned"] == 3 and body["rows"] == []


def test_the_unit_breakdown_lists_each_handling_unit(client, make_user, year_2026):
    client.force_login(make_user(Role.LEADER))
    rows = client.get(URL, {"year": 2026, "breakdown": "unit"}).json()["rows"]
    assert {r["label"]: r["counts"]["assigned"] for r in rows} == {"县教育局": 2, "县交通运输局": 1}


def test_a_unit_sees_only_its_own_row(client, make_user, world, year_2026):
    client.force_login(make_user(Role.UNIT_STAFF, unit=world.other_unit))
    body = client.get(URL, {"year": 2026, "breakdown": "category"}).json()
    assert body["breakdown"] == "unit"
    assert [r["label"] for r in body["rows"]] == ["县交通运输局"]
    # Its co-handling of 县教育局's item does not count; the total is its own row.
    assert body["total"]["counts"]["assigned"] == 1


def test_a_deputy_is_refused(client, make_user, year_2026):
    client.force_login(make_user(Role.DEPUTY))
    assert client.get(URL, {"year": 2026}).status_code == 403


def test_an_anonymous_request_is_refused(client):
    assert client.get(URL, {"year": 2026}).status_code in (401, 403)


def test_a_committee_reads_only_its_field(client, make_user, build, world):
    build(S.HANDLING, committee=world.committee)
    build(S.HANDLING)
    client.force_login(make_user(Role.COMMITTEE, committee=world.committee))
    assert client.get(URL, {"year": 2026}).json()["total"]["counts"]["assigned"] == 1


def test_another_congress_is_refused(client, make_user, world, year_2026):
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    assert client.get(URL, {"year": 2026, "congress": world.county.pk}).status_code == 403


def test_a_township_office_does_not_see_the_countys_items(client, make_user, world, year_2026):
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    assert client.get(URL, {"year": 2026}).json()["total"]["counts"]["assigned"] == 0


@pytest.mark.parametrize(
    ("params", "field"), [({"year": "20x6"}, "year"), ({"year": 2026, "breakdown": "x"}, "breakdown")]
)
def test_bad_parameters_answer_400_in_chinese(client, make_user, params, field):
    client.force_login(make_user(Role.STAFF))
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_endpoints_query_count_is_constant_in_the_number_of_suggestions(client, make_user, build, world):
    client.force_login(make_user(Role.STAFF))

    def make(n):
        for i in range(n):
            build(
                S.RATED if i % 2 else S.HANDLING,
                answered_on=dt.date(2026, 5, 1) if i % 2 else None,
                ratings=["basic"] if i % 2 else [],
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"year": 2026, "breakdown": "unit"}).status_code == 200
        return len(ctx.captured_queries)

    make(20)
    small = count()
    make(180)
    assert count() == small


def test_the_stats_page_shows_the_figures_with_their_definitions(client, make_user, year_2026):
    client.force_login(make_user(Role.STAFF))
    html = client.get("/stats/suggestions/", {"year": 2026, "breakdown": "unit"}).content.decode()
    assert "见面率" in html and "33.3%" in html
    assert "主办或分办单位登记了与领衔代表见面或沟通记录的件数 ÷ 交办件数" in html
    assert "县交通运输局" in html


def test_the_stats_page_refuses_a_deputy(client, make_user):
    client.force_login(make_user(Role.DEPUTY))
    assert client.get("/stats/suggestions/").status_code == 403


def test_the_excel_export_has_the_same_numbers_and_is_audited(client, make_user, year_2026):
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    response = client.get("/stats/suggestions/export/", {"year": 2026, "breakdown": "unit"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = {r[0]: r for r in book["办理统计"].iter_rows(values_only=True) if r and r[0]}
    assert rows["见面率"][1:4] == (1, 3, "33.3%")
    assert "见面" in rows["见面率"][4]
    by_unit = {r[0]: r for r in book["按承办单位"].iter_rows(values_only=True) if r and r[0]}
    assert by_unit["县教育局"][1] == 2
    assert AuditEntry.objects.filter(actor=staff, action="export").exists()
