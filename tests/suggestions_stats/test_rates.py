"""The handling rates on known data sets (suggestions.stats), computed by the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions import stats
from suggestions.models import Assignment, Suggestion
from tests import factories as f

S = Suggestion.State
TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def scope(world):
    return stats.Scope(congress_ids={world.county.pk})


def figures(report, row=None):
    """{code: figure} of the total (or of one breakdown row)."""
    return {f["code"]: f for f in (row or report.total).figures}


def test_120_rated_with_2_unsatisfied_is_98_3_percent_satisfied_or_basically_satisfied(build, scope):
    answered = dt.date(2026, 5, 6)
    for value, n in (("satisfied", 100), ("basic", 18), ("unsatisfied", 2)):
        for _ in range(n):
            build(S.RATED, answered_on=answered, ratings=[(value, "survey")])
    report = stats.compute(scope, 2026, today=TODAY)
    fig = figures(report)
    assert (fig["first_positive_rate"]["numerator"], fig["first_positive_rate"]["denominator"]) == (118, 120)
    assert fig["first_positive_rate"]["rate"] == 98.3
    assert fig["first_positive_rate"]["display"] == "98.3%"
    assert fig["first_satisfied_rate"]["rate"] == 83.3  # 100/120
    assert fig["first_basic_rate"]["rate"] == 15.0  # 18/120
    assert fig["first_unsatisfied_rate"]["rate"] == 1.7  # 2/120
    assert "已测评件数" in fig["first_positive_rate"]["definition"]


def test_the_rates_of_a_small_known_year(build, scope):
    # 5 assigned: 1 handling (not yet due), 1 handling past due, 2 answered (A, B), 1 closed (A) with a contact.
    build(S.HANDLING, due=dt.date(2026, 9, 1))
    build(S.HANDLING, due=dt.date(2026, 6, 2))
    build(S.ANSWERED, answered_on=dt.date(2026, 5, 1), result_class="A", contact=True)
    build(S.RATED, answered_on=dt.date(2026, 6, 10), result_class="B", ratings=["basic"])  # after its due date
    build(S.CLOSED, answered_on=dt.date(2026, 4, 1), result_class="A", contact=True, ratings=["satisfied"])
    fig = figures(stats.compute(scope, 2026, today=TODAY))
    assert (fig["meet_rate"]["numerator"], fig["meet_rate"]["denominator"], fig["meet_rate"]["rate"]) == (2, 5, 40.0)
    assert (fig["answer_rate"]["numerator"], fig["answer_rate"]["denominator"]) == (3, 5)
    # On time: answered by the due date ÷ (answered + open past due) = 2 ÷ (3 + 1).
    assert (fig["ontime_rate"]["numerator"], fig["ontime_rate"]["denominator"], fig["ontime_rate"]["rate"]) == (
        2,
        4,
        50.0,
    )
    assert (fig["close_rate"]["numerator"], fig["close_rate"]["denominator"]) == (1, 5)
    assert (fig["solve_rate"]["numerator"], fig["solve_rate"]["denominator"], fig["solve_rate"]["rate"]) == (
        2,
        3,
        66.7,
    )
    assert (fig["class_b_share"]["numerator"], fig["class_c_share"]["numerator"]) == (1, 0)
    # One answered item was never rated: 未评价, outside the satisfaction denominator.
    assert (fig["unrated_rate"]["numerator"], fig["first_positive_rate"]["denominator"]) == (1, 2)


def test_a_merged_item_counts_once_per_original_through_its_main_item(build, scope):
    main = build(S.RATED, answered_on=dt.date(2026, 5, 1), contact=True, ratings=["satisfied"])
    build(S.MERGED, merged_into=main, ratings=["basic"])
    build(S.MERGED, merged_into=main)  # its deputy has not rated yet
    fig = figures(stats.compute(scope, 2026, today=TODAY))
    assert fig["answer_rate"]["denominator"] == 3
    assert fig["answer_rate"]["numerator"] == 3
    assert fig["meet_rate"]["numerator"] == 3
    assert fig["solve_rate"]["numerator"] == 3
    # Each original's own rating: one 满意, one 基本满意, one 未评价.
    assert (fig["first_satisfied_rate"]["numerator"], fig["first_basic_rate"]["numerator"]) == (1, 1)
    assert fig["first_positive_rate"]["denominator"] == 2
    assert fig["unrated_rate"]["numerator"] == 1


def test_a_merged_item_whose_main_item_is_not_yet_assigned_is_not_counted(build, scope):
    main = build(S.ACCEPTED)
    build(S.MERGED, merged_into=main)
    assert figures(stats.compute(scope, 2026, today=TODAY))["answer_rate"]["denominator"] == 0


def test_a_survey_rating_counts_over_the_deputys_own(build, scope):
    answered = dt.date(2026, 5, 1)
    build(S.RATED, answered_on=answered, ratings=[("unsatisfied", "deputy"), ("satisfied", "survey")])
    build(S.RATED, answered_on=answered, ratings=[("satisfied", "deputy"), ("unsatisfied", "survey")])
    build(S.RATED, answered_on=answered, ratings=[("basic", "deputy")])
    fig = figures(stats.compute(scope, 2026, today=TODAY))
    assert fig["first_satisfied_rate"]["numerator"] == 1
    assert fig["first_unsatisfied_rate"]["numerator"] == 1
    assert fig["first_basic_rate"]["numerator"] == 1
    assert fig["first_positive_rate"]["denominator"] == 3


def test_the_first_and_the_final_round_are_reported_apart(build, scope):
    # Unsatisfied, re-handled, then satisfied in round 2.
    build(
        S.RATED,
        round=2,
        answered_on=dt.date(2026, 5, 1),
        ratings=[("unsatisfied", "deputy", 1), ("satisfied", "deputy", 2)],
    )
    build(S.RATED, answered_on=dt.date(2026, 5, 1), ratings=["basic"])
    fig = figures(stats.compute(scope, 2026, today=TODAY))
    assert (fig["first_unsatisfied_rate"]["numerator"], fig["first_positive_rate"]["rate"]) == (1, 50.0)
    assert (fig["final_unsatisfied_rate"]["numerator"], fig["final_positive_rate"]["rate"]) == (0, 100.0)
    assert fig["final_satisfied_rate"]["numerator"] == 1


def test_unrated_items_are_deemed_satisfied_after_the_rules_working_days(build, scope, monkeypatch):
    build(S.ANSWERED, answered_on=dt.date(2026, 6, 1))  # long ago
    build(S.ANSWERED, answered_on=dt.date(2026, 6, 30))  # yesterday
    fig = figures(stats.compute(scope, 2026, today=TODAY))
    assert (fig["unrated_rate"]["numerator"], fig["first_positive_rate"]["denominator"]) == (2, 0)

    monkeypatch.setenv("RULE_RATING_DEEMED_WORKDAYS", "20")
    report = stats.compute(scope, 2026, today=TODAY)
    fig = figures(report)
    assert report.total.counts["deemed"] == 1
    assert (fig["unrated_rate"]["numerator"], fig["first_satisfied_rate"]["numerator"]) == (1, 1)
    assert fig["first_positive_rate"]["denominator"] == 1
    assert "20个工作日" in fig["first_satisfied_rate"]["definition"]


def test_a_year_covers_its_meetings_and_the_recess_items_assigned_that_year(build, scope, world):
    old_meeting = f.MeetingFactory(term=world.term, number=4, start=dt.date(2025, 1, 8), end=dt.date(2025, 1, 11))
    build(S.HANDLING)  # 2026 meeting
    build(S.HANDLING, meeting=old_meeting, assigned_on=dt.date(2026, 3, 2))  # raised in 2025: that year's
    build(S.HANDLING, meeting=None, assigned_on=dt.date(2026, 8, 3))  # recess, assigned 2026
    build(S.HANDLING, meeting=None, assigned_on=dt.date(2025, 11, 3))  # recess, assigned 2025
    build(S.SUBMITTED)  # never assigned
    assert stats.compute(scope, 2026, today=TODAY).total.counts["assigned"] == 2
    assert stats.compute(scope, 2025, today=TODAY).total.counts["assigned"] == 2


def test_by_unit_counts_lead_and_split_assignments_but_not_co_handling(build, scope, world):
    third = f.UnitFactory(congress=world.county, name="县住建局")
    build(S.ANSWERED, answered_on=dt.date(2026, 5, 1), co_unit=world.other_unit)
    split = build(S.HANDLING, role=Assignment.Role.SPLIT, unit=third)
    # The second part of the split item, answered by the other unit.
    Assignment.objects.create(
        suggestion=split,
        unit=world.other_unit,
        role=Assignment.Role.SPLIT,
        state=Assignment.State.ANSWERED,
        assigned_at=split.assigned_at,
        due_date=dt.date(2026, 6, 2),
        answered_at=split.assigned_at + dt.timedelta(days=30),
    )
    report = stats.compute(scope, 2026, "unit", today=TODAY)
    by_unit = {row.label: row for row in report.rows}
    assert set(by_unit) == {"县教育局", "县住建局", "县交通运输局"}
    assert by_unit["县教育局"].counts["assigned"] == 1
    # 县交通运输局 co-handles one item (not counted) and answered its split part of another.
    assert (by_unit["县交通运输局"].counts["assigned"], by_unit["县交通运输局"].counts["answered"]) == (1, 1)
    assert (by_unit["县住建局"].counts["assigned"], by_unit["县住建局"].counts["answered"]) == (1, 0)
    # The unit's own answer counts; the item as a whole is not answered until both parts are.
    assert report.total.counts["answered"] == 1


@pytest.mark.parametrize("breakdown", ["committee", "category", "meeting", "township"])
def test_each_breakdown_groups_the_same_items(build, scope, world, breakdown):
    from .conftest import CategoryFactory

    edu = CategoryFactory(congress=world.county, name="教育", committee=world.committee)
    traffic = CategoryFactory(congress=world.county, name="交通运输")
    person = f.PersonFactory(township=world.area_a)
    build(S.ANSWERED, answered_on=dt.date(2026, 5, 1), category=edu, lead_deputy=person)
    build(S.HANDLING, category=edu, lead_deputy=person)
    build(S.HANDLING, category=traffic, meeting=None)
    report = stats.compute(scope, 2026, breakdown, today=TODAY)
    rows = {row.label: row.counts["assigned"] for row in report.rows}
    expected = {
        "committee": {"教科文卫委员会": 2, "未指定委员会": 1},
        "category": {"教育": 2, "交通运输": 1},
        "meeting": {"第十八届第五次会议": 2, "闭会期间": 1},
        "township": {"城关镇": 2, "未填镇街": 1},
    }[breakdown]
    assert rows == expected
    assert sum(rows.values()) == report.total.counts["assigned"]


def _queries(callable_):
    with CaptureQueriesContext(connection) as ctx:
        callable_()
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_suggestions(build, scope, world):
    def make(n):
        for i in range(n):
            unit = world.unit if i % 2 else world.other_unit
            state = (S.HANDLING, S.ANSWERED, S.RATED, S.CLOSED)[i % 4]
            answered = dt.date(2026, 5, 1) if state != S.HANDLING else None
            main = build(
                state,
                unit=unit,
                answered_on=answered,
                contact=i % 3 == 0,
                ratings=["satisfied"] if state in (S.RATED, S.CLOSED) else [],
            )
            if i % 10 == 0:
                build(S.MERGED, merged_into=main)

    make(20)
    small = {b: _queries(lambda b=b: stats.compute(scope, 2026, b, today=TODAY)) for b in [None, *stats.BREAKDOWNS]}
    make(180)
    large = {b: _queries(lambda b=b: stats.compute(scope, 2026, b, today=TODAY)) for b in [None, *stats.BREAKDOWNS]}
    assert small == large
    assert max(large.values()) <= 6
    assert stats.compute(scope, 2026, today=TODAY).total.counts["assigned"] == 220


def test_a_rehandled_item_counts_once_for_its_unit(build, scope, world):
    sug = build(S.HANDLING, answered_on=dt.date(2026, 5, 1), ratings=[("unsatisfied", "deputy", 1)])
    Suggestion.objects.filter(pk=sug.pk).update(round=2)
    Assignment.objects.create(
        suggestion=sug,
        unit=world.unit,
        role=Assignment.Role.LEAD,
        state=Assignment.State.HANDLING,
        round=2,
        assigned_at=sug.assigned_at,
        due_date=dt.date(2026, 7, 20),
    )
    report = stats.compute(scope, 2026, "unit", today=TODAY)
    assert [(row.label, row.counts["assigned"], row.counts["answered"]) for row in report.rows] == [("县教育局", 1, 1)]


def test_each_unit_rows_rates_from_its_own_counts_rounded_half_up(build, scope, world):
    # 县教育局: 16 assigned, 1 answered (A), no contact, no rating. 县交通运输局: 3 assigned, 2 answered, 1 contact.
    build(S.ANSWERED, answered_on=dt.date(2026, 5, 1), result_class="A")
    for _ in range(15):
        build(S.HANDLING, due=dt.date(2026, 9, 1))
    build(S.RATED, unit=world.other_unit, answered_on=dt.date(2026, 5, 1), result_class="B", contact=True,
          ratings=["satisfied"])  # fmt: skip
    build(S.ANSWERED, unit=world.other_unit, answered_on=dt.date(2026, 5, 2), result_class="A")
    build(S.HANDLING, unit=world.other_unit, due=dt.date(2026, 9, 1))
    report = stats.compute(scope, 2026, "unit", today=TODAY)
    assert [row.label for row in report.rows] == ["县交通运输局", "县教育局"]  # by name (code points)
    traffic, edu = (figures(report, row) for row in report.rows)
    # 1/16 = 6.25 % → 6.3 % (half up, not to even); 0/16 → 0.0 %; nothing rated → no rate.
    assert (edu["answer_rate"]["rate"], edu["answer_rate"]["display"]) == (6.3, "6.3%")
    assert (edu["meet_rate"]["numerator"], edu["meet_rate"]["denominator"], edu["meet_rate"]["display"]) == (
        0, 16, "0.0%",
    )  # fmt: skip
    assert (edu["solve_rate"]["rate"], edu["first_satisfied_rate"]["rate"]) == (100.0, None)
    assert edu["first_satisfied_rate"]["display"] == "—"
    # 2/3 → 66.7 %, 1/3 → 33.3 %, 1 of 2 answered rated → unrated 50.0 %.
    assert (traffic["answer_rate"]["display"], traffic["meet_rate"]["display"]) == ("66.7%", "33.3%")
    assert (traffic["class_b_share"]["display"], traffic["unrated_rate"]["display"]) == ("50.0%", "50.0%")
    assert (traffic["first_satisfied_rate"]["numerator"], traffic["first_satisfied_rate"]["rate"]) == (1, 100.0)
    # The totals (by suggestion, their own statement): 3 of 19 answered → 15.8 %.
    total = figures(report)
    assert (total["answer_rate"]["numerator"], total["answer_rate"]["denominator"]) == (3, 19)
    assert total["answer_rate"]["display"] == "15.8%"
    # A breakdown whose totals are its groups' sums gives the same totals and rates.
    by_category = stats.compute(scope, 2026, "category", today=TODAY)
    assert by_category.total.counts == report.total.counts
    assert figures(by_category) == total
