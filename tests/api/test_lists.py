"""List shape, page size and query counts that do not grow with the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from training.models import Material, TrainingDay, TrainingSession

from .. import factories as f


def _fill_roster(world, n):
    group = f.GroupFactory(congress=world.county)
    for _ in range(n):
        person = f.PersonFactory(township=world.area_a)
        f.SeatFactory(person=person, term=world.term)
        f.MembershipFactory(group=group, person=person)
    return group


def _fill_organization(world, n):
    for _ in range(n):
        f.UnitFactory(congress=world.county)
        f.CommitteeFactory(congress=world.county)
        f.CommitteeMemberFactory(congress=world.county)
        f.MeetingFactory(term=world.term)
        f.AreaFactory(parent=world.area_a, level="village")
        f.GroupFactory(congress=world.county)


def test_lists_answer_count_next_previous_results_and_take_page_size(api, make_user, world):
    _fill_roster(world, 25)
    client = api(make_user(Role.STAFF))
    body = client.get("/api/v1/deputies/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["previous"] is None and "page=2" in body["next"]
    small = client.get("/api/v1/deputies/?page_size=5").json()
    assert len(small["results"]) == 5
    capped = client.get("/api/v1/deputies/?page_size=1000").json()
    assert len(capped["results"]) == 25  # capped at 200, fewer rows here


def test_page_size_is_capped_at_200(api, make_user, world):
    _fill_organization(world, 0)
    for _ in range(205):
        f.AreaFactory(parent=world.area_a, level="village")
    body = api(make_user(Role.STAFF)).get("/api/v1/areas/?page_size=1000").json()
    assert body["count"] == 208
    assert len(body["results"]) == 200


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


ROSTER_URLS = ["/api/v1/deputies/", "/api/v1/seats/", "/api/v1/groups/"]
ORG_URLS = [
    "/api/v1/units/",
    "/api/v1/committees/",
    "/api/v1/committee-members/",
    "/api/v1/meetings/",
    "/api/v1/terms/",
    "/api/v1/areas/",
    "/api/v1/congresses/",
]


@pytest.mark.parametrize("url", ROSTER_URLS + ORG_URLS + ["/api/v1/users/"])
def test_list_query_count_does_not_grow_with_rows(api, make_user, world, url):
    admin_or_staff = make_user(Role.ADMIN, Role.STAFF)
    client = api(admin_or_staff)
    _fill_roster(world, 20)
    _fill_organization(world, 20)
    for _ in range(20):
        make_user(Role.STAFF)
    small = _count(client, url + "?page_size=200")
    _fill_roster(world, 180)
    _fill_organization(world, 180)
    for _ in range(180):
        make_user(Role.STAFF)
    large = _count(client, url + "?page_size=200")
    assert small == large
    assert large <= 8


def test_a_deputy_detail_reads_in_a_fixed_number_of_queries(api, make_user, world):
    group = _fill_roster(world, 3)
    person = group.members.first()
    client = api(make_user(Role.TOWN_STAFF, congress=world.town_a))
    few = _count(client, f"/api/v1/deputies/{person.pk}/")
    for i in range(10):
        f.MembershipFactory(group=f.GroupFactory(congress=world.town_a, name=f"小组{i}"), person=person)
    assert _count(client, f"/api/v1/deputies/{person.pk}/") == few


def _fill_training(world, n):
    """n county sessions, each with two days, a township, a group, two deputies and a material as its targets."""
    group = f.GroupFactory(congress=world.county)
    material = Material.objects.create(congress=world.county, title="代表履职学习手册", file="training/materials/m.pdf")
    start = dt.date(2026, 12, 1)
    for i in range(n):
        session = TrainingSession.objects.create(
            congress=world.county, kind="duty", title=f"履职培训{i}", planned_hours=Decimal("6")
        )
        for d in range(2):
            TrainingDay.objects.create(
                session=session,
                date=start + dt.timedelta(days=d),
                start_time=dt.time(9),
                end_time=dt.time(12),
                place="县人大常委会会议室",
                hours=Decimal("3"),
            )
        session.target_townships.set([world.area_a])
        session.target_groups.set([group])
        session.target_persons.set([f.PersonFactory(), f.PersonFactory()])
        session.materials.set([material])


# A county office's staff (not a system administrator): the office scope is resolved on every request.
STAFF_URLS = ROSTER_URLS + ORG_URLS + ["/api/v1/training/sessions/"]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_list_query_count_for_office_staff_does_not_grow_with_rows_and_stays_within_8(api, make_user, world, url):
    client = api(make_user(Role.STAFF))
    for fill in (_fill_roster, _fill_organization, _fill_training):
        fill(world, 20)
    small = _count(client, url + "?page_size=200")
    for fill in (_fill_roster, _fill_organization, _fill_training):
        fill(world, 180)
    large = _count(client, url + "?page_size=200")
    assert small == large
    assert large <= 8


def test_the_session_list_gives_the_same_targets_as_the_session_detail(api, make_user, world):
    _fill_training(world, 3)
    other = TrainingSession.objects.create(congress=world.county, kind="topic", title="无指定对象", planned_hours=2)
    client = api(make_user(Role.STAFF))
    listed = client.get("/api/v1/training/sessions/").json()["results"]
    assert [s["id"] for s in listed] == sorted(TrainingSession.objects.values_list("pk", flat=True), reverse=True)
    for row in listed:
        session = TrainingSession.objects.get(pk=row["id"])
        assert row["target_townships"] == sorted(session.target_townships.values_list("pk", flat=True))
        assert row["target_groups"] == sorted(session.target_groups.values_list("pk", flat=True))
        assert row["target_persons"] == sorted(session.target_persons.values_list("pk", flat=True))
        assert row["materials"] == sorted(session.materials.values_list("pk", flat=True))
        assert len(row["days"]) == session.days.count()
        assert client.get(f"/api/v1/training/sessions/{row['id']}/").json() == row
    assert listed[0]["id"] == other.pk and listed[0]["target_persons"] == [] and listed[0]["materials"] == []
    assert len(listed[1]["target_persons"]) == 2
