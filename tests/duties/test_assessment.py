"""Scores on a known set of records, by a rule set with caps and deductions; the bands; the two-years-running list."""

import datetime as dt
from decimal import Decimal

import pytest

from duties import services
from duties.assessment import poor_two_years, recompute_rule_set
from duties.models import AssessmentItem, AssessmentRuleSet, DutyType, Score, StandingMeeting
from tests import factories as f

YEAR = 2025


def make_rules(congress, year=YEAR):
    rules = AssessmentRuleSet.objects.create(
        congress=congress, year=year, base_points=50, max_points=100, good_threshold=80, fair_threshold=60
    )
    types = {t.code: t for t in DutyType.objects.all()}
    AssessmentItem.objects.create(rule_set=rules, duty_type=types["reception"], points=2, cap=8)
    AssessmentItem.objects.create(rule_set=rules, duty_type=types["inspection"], points=3)
    AssessmentItem.objects.create(rule_set=rules, special="leave_half_day", points=-1)
    AssessmentItem.objects.create(rule_set=rules, special="absent", points=-5, cap=10)
    return rules


def duty(person, code, n, *, year=YEAR, prefix="x"):
    for i in range(n):
        services.record_duty(
            person=person, type_code=code, date=dt.date(year, 3, 1 + i), title=code, source=f"{prefix}{code}:{i}"
        )


@pytest.fixture
def scored(duties, world):
    alice, bob, carol = duties.alice, duties.bob, duties.carol
    # alice: 5 receptions (10, capped at 8) + 2 inspections (6) − 3 half days of leave − 3 absences (15, capped
    # at 10) = 50 + 8 + 6 − 3 − 10 = 51 → 差. Not counted: a submitted inspection, a reception the year before.
    duty(alice, "reception", 5)
    duty(alice, "inspection", 2)
    duty(alice, "reception", 1, year=YEAR - 1, prefix="old")
    services.log_duty(
        actor=duties.alice_user,
        person=alice,
        data={"type": DutyType.objects.get(code="inspection"), "date": dt.date(YEAR, 6, 1), "title": "视察"},
        submit=True,
    )
    meeting = f.MeetingFactory(term=world.term, start=dt.date(YEAR, 1, 10), end=dt.date(YEAR, 1, 13))
    services.record_attendance(actor=duties.staff, person=alice, meeting=meeting, status="leave", leave_half_days=3)
    for day in (3, 4, 5):
        sm = StandingMeeting.objects.create(congress=world.county, date=dt.date(YEAR, day, 20), title=f"常委会{day}")
        services.record_attendance(actor=duties.staff, person=alice, standing_meeting=sm, status="absent")
    # bob: 20 inspections = 60 → 110, held at the maximum 100 → 好.
    duty(bob, "inspection", 20)
    # carol: 3 inspections (9) + 2 receptions (4) = 63 → 较好.
    duty(carol, "inspection", 3)
    duty(carol, "reception", 2)
    rules = make_rules(world.county)
    recompute_rule_set(rules)
    return rules


def score(person, rules):
    return Score.objects.get(person=person, rule_set=rules)


def test_scores_match_the_hand_computed_values(scored, duties):
    assert score(duties.alice, scored).points == Decimal("51")
    assert score(duties.bob, scored).points == Decimal("100")
    assert score(duties.carol, scored).points == Decimal("63")


def test_caps_and_deductions_show_in_the_breakdown(scored, duties):
    rows = {r["label"]: r for r in score(duties.alice, scored).breakdown}
    assert rows["接待选民"] == {"label": "接待选民", "count": 5, "points": "8.0", "capped": True}
    assert rows["视察/执法检查"]["points"] == "6.0" and not rows["视察/执法检查"]["capped"]
    assert rows["代表大会请假（每半天）"]["points"] == "-3.0"
    absent = rows["无故缺席会议（每次）"]
    assert (absent["count"], absent["points"], absent["capped"]) == (3, "-10.0", True)


def test_bands_follow_the_thresholds(scored, duties):
    assert score(duties.alice, scored).band == "poor"
    assert score(duties.bob, scored).band == "good"
    assert score(duties.carol, scored).band == "fair"


def test_a_verified_record_recomputes_the_score(scored, duties):
    pending = duties.alice.duty_records.get(status="submitted")
    services.verify_duty(pending, actor=duties.liaison1)
    assert score(duties.alice, scored).points == Decimal("54")


def test_changing_the_rules_recomputes_every_score(scored, duties):
    items = [{"duty_type": DutyType.objects.get(code="inspection"), "points": Decimal("5"), "cap": Decimal("20")}]
    services.update_rule_set(
        scored,
        actor=duties.staff,
        data={"base_points": Decimal("60"), "good_threshold": Decimal("80"), "fair_threshold": Decimal("60")},
        items=items,
    )
    # carol: 60 + min(3 × 5, 20) = 75; bob: 60 + 20 = 80.
    assert (score(duties.carol, scored).points, score(duties.carol, scored).band) == (Decimal("75"), "fair")
    assert (score(duties.bob, scored).points, score(duties.bob, scored).band) == (Decimal("80"), "good")


def test_poor_two_years_running_lists_only_those_poor_in_both_years(scored, duties, world):
    previous = make_rules(world.county, YEAR - 1)
    duty(duties.carol, "inspection", 1, year=YEAR - 1, prefix="prev")  # carol: 53 the year before → 差 then 较好 now
    recompute_rule_set(previous)
    assert score(duties.alice, previous).band == "poor"  # alice: 50 + 2 (one reception) = 52
    assert score(duties.carol, previous).band == "poor"
    assert poor_two_years(scored) == {duties.alice.pk}


def test_default_rules_follow_the_domain_notes(duties, world):
    rules = services.ensure_rule_set(actor=duties.staff, congress=world.county, year=YEAR)
    assert (rules.good_threshold, rules.fair_threshold) == (Decimal("80"), Decimal("60"))
    items = {i.key: i for i in rules.items.select_related("duty_type")}
    proposal = DutyType.objects.get(code="proposal")
    assert items[f"type:{proposal.pk}"].points == Decimal("3")
    assert items["leave_half_day"].points == Decimal("-1")
    # Next year's rules start as a copy of this year's.
    nxt = services.ensure_rule_set(actor=duties.staff, congress=world.county, year=YEAR + 1)
    assert nxt.items.count() == rules.items.count()
