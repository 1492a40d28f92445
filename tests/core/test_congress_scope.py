"""accounts.scopes: an office at the root of the only congress tree filters by `congress IS NOT NULL` instead of
sending every congress id, and sees exactly the rows it saw with the list of ids (bench/RESULTS.md, issue 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.scopes import office_congress_ids
from deputies import permissions as deputy_perms
from duties import permissions as duty_perms
from organization.models import Area, Congress
from stations import permissions as station_perms
from suggestions import permissions as suggestion_perms
from training import permissions as training_perms

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A county (the root) with two townships, and in each of the three congresses one of every scoped record."""
    from duties.models import DutyRecord, DutyType
    from stations.models import Station
    from suggestions.models import Suggestion
    from training.models import Kind, TrainingSession

    county_area = f.AreaFactory(name="清河县", level=Area.Level.COUNTY)
    county = f.CongressFactory(name="清河县人民代表大会", area=county_area)
    term = f.TermFactory(congress=county)
    towns = []
    for name in ("东关镇", "西山乡"):
        area = f.AreaFactory(name=name, level=Area.Level.TOWNSHIP, parent=county_area)
        town = f.CongressFactory(name=f"{name}人民代表大会", level=Congress.Level.TOWNSHIP, parent=county, area=area)
        towns.append((town, f.TermFactory(congress=town)))
    committee_a, committee_b = f.CommitteeFactory(congress=county), f.CommitteeFactory(congress=county)
    dtype = DutyType.objects.get_or_create(code="scope-visit", defaults={"name": "走访"})[0]
    now = timezone.now()
    number = iter(range(1, 1000))
    rows = {"suggestions": [], "persons": [], "groups": [], "stations": [], "sessions": [], "records": []}
    for congress, t in [(county, term), *towns]:
        seated = f.PersonFactory()
        f.SeatFactory(person=seated, congress=congress, term=t)
        rows["persons"].append(seated)
        for committee in (committee_a, committee_b):
            for state in (Suggestion.State.HANDLING, Suggestion.State.DRAFT):
                rows["suggestions"].append(
                    Suggestion.objects.create(
                        congress=congress, year=now.year, number=next(number), title="关于校园周边交通的建议",
                        content="建议增设护学岗。", committee=committee if congress == county else None,
                        lead_deputy=seated, state=state, submitted_at=now,
                    )
                )  # fmt: skip
        rows["groups"].append(f.GroupFactory(congress=congress))
        rows["stations"].append(Station.objects.create(congress=congress, kind=Station.Kind.HOME, name="代表之家"))
        rows["sessions"].append(
            TrainingSession.objects.create(congress=congress, kind=Kind.DUTY, title="履职培训班", planned_hours=4)
        )
        rows["records"].append(
            DutyRecord.objects.create(
                person=seated, type=dtype, date=dt.date(2026, 3, 1), title="走访选民",
                status=DutyRecord.Status.SUBMITTED,
            )
        )  # fmt: skip
    # Living in a township without a seat: seen by the offices above it. Neither seat nor township: by nobody.
    resident = f.PersonFactory(township=towns[0][0].area)
    stray = f.PersonFactory()
    users = {
        "staff": f.UserFactory(roles=[Role.STAFF], congress=county),
        "leader": f.UserFactory(roles=[Role.LEADER], congress=county),
        "committee": f.UserFactory(roles=[Role.COMMITTEE], congress=county, committee=committee_a),
        "town": f.UserFactory(roles=[Role.TOWN_STAFF], congress=towns[0][0]),
    }
    return {
        "county": county, "towns": towns, "rows": rows, "users": users, "resident": resident, "stray": stray,
        "committee_a": committee_a,
    }  # fmt: skip


def _visible(user) -> dict[str, set[int]]:
    _reset(user)  # as on a new request
    return {
        "suggestions": set(suggestion_perms.visible_suggestions(user).values_list("pk", flat=True)),
        "persons": set(deputy_perms.visible_persons(user).values_list("pk", flat=True)),
        "persons_per_row": set(deputy_perms.visible_persons(user, per_row=True).values_list("pk", flat=True)),
        "groups": set(deputy_perms.visible_groups(user).values_list("pk", flat=True)),
        "townships": set(deputy_perms.visible_townships(user).values_list("pk", flat=True)),
        "stations": set(station_perms.visible_stations(user).values_list("pk", flat=True)),
        "sessions": set(training_perms.visible_sessions(user).values_list("pk", flat=True)),
        "records": set(duty_perms.visible_records(user).values_list("pk", flat=True)),
    }


def test_the_root_of_the_only_tree_is_everything_and_a_second_tree_makes_it_a_list(tree):
    staff, town = tree["users"]["staff"], tree["users"]["town"]
    scope = office_congress_ids(staff)
    assert scope.everything
    assert set(scope) == set(Congress.objects.values_list("pk", flat=True))
    town_scope = office_congress_ids(town)
    assert not town_scope.everything and set(town_scope) == {tree["towns"][0][0].pk}

    f.CongressFactory(name="邻县人民代表大会")  # another tree: the county office no longer reads every congress
    del staff._congress_scope
    scope = office_congress_ids(staff)
    assert not scope.everything
    assert tree["county"].pk in scope and len(scope) == 3


@pytest.mark.parametrize("role", ["staff", "leader", "committee", "town"])
def test_every_congress_sees_the_same_rows_as_the_list_of_ids(tree, role):
    """The same user's visible rows with the root filter (one tree) and with the literal ids (after a second, empty
    tree is added): equal, for each scoped list."""
    user = tree["users"][role]
    assert office_congress_ids(user).everything == (role != "town")
    by_root = _visible(user)
    f.CongressFactory(name="邻县人民代表大会")
    assert not office_congress_ids(_reset(user)).everything
    by_ids = _visible(user)
    assert by_root == by_ids


def _reset(user):
    if hasattr(user, "_congress_scope"):
        del user._congress_scope
    return user


def test_what_the_root_office_sees(tree):
    """Computed from the fixture, not from the code under test: the county office sees every non-draft suggestion of
    the three congresses, every seated or resident deputy (not the stray one), and every group, station, session and
    duty record; its committee only its field's items; a township's office only its own township's."""
    rows = tree["rows"]
    staff = _visible(tree["users"]["staff"])
    non_draft = {s.pk for s in rows["suggestions"] if s.state != "draft"}
    assert staff["suggestions"] == non_draft
    assert staff["persons"] == {p.pk for p in rows["persons"]} | {tree["resident"].pk}
    assert tree["stray"].pk not in staff["persons"]
    for kind in ("groups", "stations", "sessions", "records"):
        assert staff[kind] == {row.pk for row in rows[kind]}, kind

    committee = _visible(tree["users"]["committee"])
    assert committee["suggestions"] == {
        s.pk for s in rows["suggestions"] if s.state != "draft" and s.committee_id == tree["committee_a"].pk
    }

    town_congress = tree["towns"][0][0]
    town = _visible(tree["users"]["town"])
    assert town["suggestions"] == {
        s.pk for s in rows["suggestions"] if s.state != "draft" and s.congress_id == town_congress.pk
    }
    assert town["stations"] == {s.pk for s in rows["stations"] if s.congress_id == town_congress.pk}


def test_the_root_filter_sends_no_list_of_ids(tree):
    """The SQL of a scoped list is the same size however many congresses the tree holds."""
    for _ in range(40):
        f.CongressFactory(level=Congress.Level.TOWNSHIP, parent=tree["county"])
    staff = _reset(tree["users"]["staff"])
    assert office_congress_ids(staff).everything
    for qs in (
        suggestion_perms.visible_suggestions(staff),
        deputy_perms.visible_persons(staff),
        station_perms.visible_stations(staff),
        training_perms.visible_sessions(staff),
    ):
        sql, params = qs.query.sql_with_params()
        assert len(params) < 10, (sql, len(params))
