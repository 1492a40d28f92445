"""Figures on a known data set; every expected value is worked out by hand in the docstring of `data`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from organization.models import Congress
from tests import factories as f
from training import stats
from training.models import CheckIn, Enrolment, Kind, TrainingSession

TZ = timezone.get_default_timezone()


def attend(enrolment, day):
    at = dt.datetime.combine(day.date, day.start_time, tzinfo=TZ)
    return CheckIn.objects.create(enrolment=enrolment, day=day, checked_at=at, method=CheckIn.Method.QR)


@pytest.fixture
def data(world, make_deputy, make_session, enrol):
    """Active deputies: A, B (area_a, county), C, D (area_b, county), F (area_a, town_a) = 5; E resigned.
    New (no seat in an earlier term of the same congress): A, C, D, F = 4 (B also sat in the 17th term).
    Groups: G1 = {A, B}, G2 = {C}.

    2026: S1 初任 (county) 2 days × 3 h: A both days, C day 1, D approved leave.
          S2 履职 (county) 1 day × 4 h: A, B.
          S3 专题 (town_a) 1 day × 2 h: F, A.
    2025: S4 履职 (county) 1 day × 4 h: B.

    2026 → sessions 3, planned hours 6 + 4 + 2 = 12; person-times S1 {A, C} + S2 {A, B} + S3 {F, A} = 6;
    person-days 3 + 2 + 2 = 7; person-hours 3·3 + 2·4 + 2·2 = 21; coverage {A, B, C, F} = 4 of 5;
    new deputies with an 初任 session {A, C} = 2 of 4."""
    earlier = f.TermFactory(congress=world.county, number=17, start=dt.date(2016, 10, 1), end=dt.date(2021, 9, 30))
    a = make_deputy(world.county, township=world.area_a, name="甲")
    b = make_deputy(world.county, township=world.area_a, name="乙")
    f.SeatFactory(person=b, term=earlier, congress=world.county, start=dt.date(2016, 10, 1), status="terminated")
    c = make_deputy(world.county, township=world.area_b, name="丙")
    d = make_deputy(world.county, township=world.area_b, name="丁")
    e = make_deputy(world.county, township=world.area_b, name="戊", status="resigned")
    fp = make_deputy(world.town_a, township=world.area_a, name="己")
    g1 = f.GroupFactory(congress=world.county, name="第一小组")
    g2 = f.GroupFactory(congress=world.county, name="第二小组")
    for group, person in ((g1, a), (g1, b), (g2, c)):
        f.MembershipFactory(group=group, person=person)

    s1 = make_session([dt.date(2026, 3, 2), dt.date(2026, 3, 3)], kind=Kind.INDUCTION, hours="3")
    s2 = make_session([dt.date(2026, 4, 10)], kind=Kind.DUTY, hours="4")
    s3 = make_session([dt.date(2026, 5, 20)], kind=Kind.TOPIC, hours="2", congress=world.town_a)
    s4 = make_session([dt.date(2025, 6, 1)], kind=Kind.DUTY, hours="4")
    d1, d2 = s1.days.all()
    attend(enrol(s1, a), d1)
    attend(Enrolment.objects.get(session=s1, person=a), d2)
    attend(enrol(s1, c), d1)
    enrol(s1, d, status=Enrolment.Status.LEAVE_APPROVED)
    enrol(s1, e)
    for p in (a, b):
        attend(enrol(s2, p), s2.days.get())
    for p in (fp, a):
        attend(enrol(s3, p), s3.days.get())
    attend(enrol(s4, b), s4.days.get())
    return world


def county_figures(world, year=2026):
    ids = world.county.descendant_ids()
    scope = TrainingSession.objects.filter(congress_id__in=ids)
    return stats.figures(stats.sessions_in(scope, year=year), congress_ids=ids, all_sessions=scope)


def test_person_times_count_each_deputy_once_per_session_and_days_apart(data):
    figs = county_figures(data)
    assert figs.sessions == 3
    assert figs.planned_hours == Decimal("12")
    assert figs.person_times == 6
    assert figs.person_days == 7
    assert figs.person_hours == Decimal("21")
    assert figs.leave == 1


def test_coverage_of_deputies_and_of_new_deputies(data):
    figs = county_figures(data)
    assert (figs.covered, figs.deputies) == (4, 5)
    assert (figs.new_covered, figs.new_deputies) == (2, 4)
    assert sorted(p.name for p in figs.new_untrained) == ["丁", "己"]


def test_figures_by_kind_township_group_and_year(data):
    figs = county_figures(data)
    by_kind = {r["kind"]: (r["sessions"], r["person_times"], r["person_hours"]) for r in figs.by_kind}
    assert by_kind == {
        "初任培训": (1, 2, Decimal("9")),
        "履职培训": (1, 2, Decimal("8")),
        "专题培训": (1, 2, Decimal("4")),
    }
    by_town = {r["township"]: (r["deputies"], r["covered"], r["person_times"]) for r in figs.by_township}
    assert by_town == {"城关镇": (3, 3, 5), "河西镇": (2, 1, 1)}
    by_group = {r["group"]: (r["members"], r["covered"], r["person_times"]) for r in figs.by_group}
    assert by_group == {"第一小组": (2, 2, 4), "第二小组": (1, 1, 1)}
    assert [(r["year"], r["sessions"], r["person_times"]) for r in figs.by_year] == [(2025, 1, 1), (2026, 3, 6)]


def test_a_township_counts_only_its_own_sessions_and_deputies(data):
    ids = {data.town_a.pk}
    scope = TrainingSession.objects.filter(congress_id__in=ids)
    figs = stats.figures(stats.sessions_in(scope, year=2026), congress_ids=ids, all_sessions=scope)
    assert (figs.sessions, figs.person_times, figs.deputies, figs.covered) == (1, 2, 1, 1)
    assert Congress.objects.get(pk=data.town_a.pk).level == "township"


def test_a_deputys_history_lists_days_attended_and_hours(data):
    a = Enrolment.objects.get(session__kind=Kind.INDUCTION, person__name="甲").person
    history = list(stats.person_history(a))
    assert [(e.first_date, e.attended_days, e.day_count, e.hours) for e in history] == [
        (dt.date(2026, 5, 20), 1, 1, Decimal("2")),
        (dt.date(2026, 4, 10), 1, 1, Decimal("4")),
        (dt.date(2026, 3, 2), 2, 2, Decimal("6")),
    ]
    assert stats.person_summary(a, year=2026) == {"sessions": 3, "hours": Decimal("12")}


def test_the_figures_page_shows_the_definitions(data, staff, login):
    response = login(staff).get("/training/figures/?year=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert "每名代表每个培训班计 1 人次" in html
    assert "4 / 5" in html
