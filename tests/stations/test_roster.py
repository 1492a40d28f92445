"""The rotating duty roster: fair across the stationed deputies, never on a day of leave, editable."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from stations import roster, services
from stations.models import DutyLeave, DutySlot, StationDeputy

D = dt.date


def counts(plan):
    return Counter(p for people in plan.values() for p in people)


def test_plain_rotation_gives_every_deputy_the_same_number_of_duties_within_one():
    days = roster.reception_days(D(2026, 3, 1), D(2026, 5, 31), [3])  # Wednesdays of a quarter: 13 days
    plan = roster.plan(days, [1, 2, 3, 4, 5])
    c = counts(plan)
    assert len(days) == 13
    assert sum(c.values()) == 13
    assert max(c.values()) - min(c.values()) <= 1
    assert set(c) == {1, 2, 3, 4, 5}


def test_a_deputy_on_leave_is_not_scheduled_that_day_and_the_counts_stay_within_one():
    days = [D(2026, 3, d) for d in (4, 11, 18, 25)]
    # Deputy 1 is away for the last two reception days: a greedy rotation would leave them behind.
    leave = {D(2026, 3, 18): {1}, D(2026, 3, 25): {1}}
    plan = roster.plan(days, [1, 2], leave=leave)
    assert 1 not in plan[D(2026, 3, 18)]
    assert 1 not in plan[D(2026, 3, 25)]
    assert counts(plan) == {1: 2, 2: 2}


def test_two_deputies_a_day_are_never_the_same_person_twice():
    days = roster.reception_days(D(2026, 4, 1), D(2026, 4, 30), [1, 4])
    plan = roster.plan(days, [1, 2, 3], per_day=2, leave={days[0]: {2, 3}})
    assert all(len(set(p)) == len(p) for p in plan.values())
    assert plan[days[0]] == [1]
    c = counts(plan)
    assert max(c.values()) - min(c.values()) <= 1


def test_generated_roster_skips_leave_and_is_fair(make_station, staff):
    station = make_station(deputies=4)
    people = [m.person for m in StationDeputy.objects.filter(station=station)]
    DutyLeave.objects.create(person=people[0], start=D(2026, 7, 1), end=D(2026, 7, 15), reason="外出学习")
    r = services.generate_roster(station, actor=staff, start=D(2026, 7, 1), end=D(2026, 9, 30))
    slots = list(r.slots.all())
    assert not [s for s in slots if s.person_id == people[0].pk and s.date <= D(2026, 7, 15)]
    c = Counter(s.person_id for s in slots)
    assert len(c) == 4
    assert max(c.values()) - min(c.values()) <= 1
    assert all(s.date.isoweekday() == 3 for s in slots)


def test_an_overlapping_roster_is_refused_with_a_message(make_station, staff):
    station = make_station()
    services.generate_roster(station, actor=staff, start=D(2026, 7, 1), end=D(2026, 7, 31))
    with pytest.raises(ValidationError) as exc:
        services.generate_roster(station, actor=staff, start=D(2026, 7, 15), end=D(2026, 8, 15))
    assert "已有值班表" in str(exc.value)


def test_leave_recorded_later_hands_the_duty_to_a_free_deputy(make_station, staff):
    station = make_station(deputies=3)
    r = services.generate_roster(station, actor=staff, start=D(2026, 7, 1), end=D(2026, 7, 31))
    slot = r.slots.order_by("date").first()
    away = slot.person
    services.record_leave(away, actor=staff, start=slot.date, end=slot.date, reason="出差", station=station)
    slot.refresh_from_db()
    assert slot.person_id != away.pk
    assert not DutySlot.objects.filter(station=station, date=slot.date, person=away).exists()


def test_swapping_two_duties_trades_the_days(make_station, staff):
    station = make_station(deputies=2)
    r = services.generate_roster(station, actor=staff, start=D(2026, 7, 1), end=D(2026, 7, 31))
    first, second = r.slots.order_by("date")[:2]
    a, b = first.person_id, second.person_id
    assert a != b
    services.swap_slots(first, second, actor=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.person_id, second.person_id) == (b, a)
