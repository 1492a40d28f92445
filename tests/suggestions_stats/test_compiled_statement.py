"""suggestions.stats compiles its counting statement once per shape of query and binds the year, scope and day at
each run: one statement serves every year, congress, unit and day with its own values."""

import datetime as dt
from zoneinfo import ZoneInfo

from suggestions import stats
from suggestions.models import Assignment, Suggestion
from tests import factories as f

S = Suggestion.State
SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 7, 1)


def test_one_statement_serves_each_year_with_its_own_bounds_in_local_time(build, world):
    scope = stats.Scope(congress_ids={world.county.pk})
    # Recess items assigned just before and just after midnight of New Year, Beijing time.
    late = build(S.HANDLING, meeting=None, assigned_on=dt.date(2025, 12, 31))
    early = build(S.HANDLING, meeting=None, assigned_on=dt.date(2026, 1, 1))
    Suggestion.objects.filter(pk=late.pk).update(assigned_at=dt.datetime(2025, 12, 31, 23, 59, tzinfo=SH))
    Suggestion.objects.filter(pk=early.pk).update(assigned_at=dt.datetime(2026, 1, 1, 0, 0, tzinfo=SH))
    build(S.HANDLING)  # raised at the 2026 meeting
    counts = {year: stats.compute(scope, year, today=TODAY).total.counts["assigned"] for year in (2026, 2025, 2024)}
    assert counts == {2026: 2, 2025: 1, 2024: 0}
    # And again in the other order, from the statements already compiled.
    assert stats.compute(scope, 2025, today=TODAY).total.counts["assigned"] == 1
    assert stats.compute(scope, 2026, today=TODAY).total.counts["assigned"] == 2


def test_one_statement_serves_each_congress_unit_and_day(build, world):
    other = f.CongressFactory(name="邻县人民代表大会", short_name="邻县人大")
    other_unit = f.UnitFactory(congress=other, name="邻县教育局")
    build(S.HANDLING, due=dt.date(2026, 6, 2))  # past due on 2026-07-01, not yet on 2026-06-01
    moved = build(S.HANDLING, due=dt.date(2026, 6, 2))
    Suggestion.objects.filter(pk=moved.pk).update(congress=other)
    Assignment.objects.filter(suggestion=moved).update(unit=other_unit)

    def overdue(scope, today):
        return stats.compute(scope, 2026, today=today).total.counts["overdue_open"]

    county, neighbour = stats.Scope(congress_ids={world.county.pk}), stats.Scope(congress_ids={other.pk})
    assert (overdue(county, TODAY), overdue(neighbour, TODAY)) == (1, 1)
    assert (overdue(county, dt.date(2026, 6, 1)), overdue(neighbour, dt.date(2026, 6, 1))) == (0, 0)
    both = stats.Scope(congress_ids={world.county.pk, other.pk})
    assert overdue(both, TODAY) == 2
    assert overdue(stats.Scope(congress_ids=set()), TODAY) == 0

    mine = stats.compute(stats.Scope(congress_ids={world.county.pk}, unit_id=world.unit.pk), 2026, today=TODAY)
    theirs = stats.compute(stats.Scope(congress_ids={other.pk}, unit_id=other_unit.pk), 2026, today=TODAY)
    assert (mine.total.label, mine.total.counts["assigned"]) == ("县教育局", 1)
    assert (theirs.total.label, theirs.total.counts["assigned"]) == ("邻县教育局", 1)
    nothing = stats.compute(stats.Scope(congress_ids={world.county.pk}, unit_id=world.other_unit.pk), 2026)
    assert (nothing.total.label, nothing.total.counts["assigned"]) == ("县交通运输局", 0)
