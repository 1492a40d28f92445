"""The daily reminder task: each threshold once per item and round, none before, overdue to staff too, and safe to
run twice."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from accounts.models import Role
from core.models import Delivery, Notification
from core.notifications import notify_bulk
from suggestions.models import Assignment, HandlingRequest, Rating, Suggestion
from suggestions.reminders import plan_reminders
from suggestions.tasks import DAILY_TASK, ensure_schedule, send_daily_reminders

S = Suggestion.State
DUE = dt.date(2026, 6, 2)


def run(day: dt.date):
    return send_daily_reminders.apply(kwargs={"today": day.isoformat()}).get()


@pytest.fixture
def people(make_user, world):
    return {
        "unit": make_user(Role.UNIT_STAFF, unit=world.unit),
        "head": make_user(Role.UNIT_HEAD, unit=world.unit),
        "other_unit": make_user(Role.UNIT_STAFF, unit=world.other_unit),
        "staff": make_user(Role.STAFF),
    }


def keys(user, event=None):
    qs = Notification.objects.filter(recipient=user)
    if event:
        qs = qs.filter(event=event)
    return sorted(qs.values_list("key", flat=True))


def test_no_reminder_before_the_first_threshold(build, people):
    build(S.HANDLING, due=DUE)
    run(DUE - dt.timedelta(days=16))
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("days_before", "threshold"), [(15, 15), (10, 15), (5, 5), (2, 5), (1, 1), (0, 1)])
def test_units_are_reminded_at_the_tightest_threshold_reached(build, people, days_before, threshold):
    sug = build(S.HANDLING, due=DUE)
    run(DUE - dt.timedelta(days=days_before))
    asg = sug.assignments.get()
    for user in (people["unit"], people["head"]):
        assert keys(user) == [f"sugg.due:{asg.pk}:r1:20260602:d{threshold}:u{user.pk}"]
    assert not Notification.objects.filter(recipient__in=[people["staff"], people["other_unit"]]).exists()


def test_each_threshold_is_sent_once_over_the_days_and_when_the_task_runs_twice(build, people):
    build(S.HANDLING, due=DUE)
    for days_before in range(20, -1, -1):
        day = DUE - dt.timedelta(days=days_before)
        run(day)
        run(day)  # a second run the same day (or after a worker died mid-run) sends nothing again
    titles = list(Notification.objects.filter(recipient=people["unit"]).order_by("id").values_list("title", flat=True))
    assert len(titles) == 3
    assert [t.rsplit("距答复期限", 1)[1] for t in titles] == ["还有15天", "还有5天", "还有1天"]


def test_overdue_goes_to_the_unit_and_to_office_staff_once(build, people):
    sug = build(S.HANDLING, due=DUE)
    run(DUE + dt.timedelta(days=1))
    run(DUE + dt.timedelta(days=2))
    assert len(keys(people["unit"], "suggestion.overdue")) == 1
    staff_notes = Notification.objects.filter(recipient=people["staff"], event="suggestion.overdue")
    assert staff_notes.count() == 1
    assert "已超过答复期限" in staff_notes.get().title and str(sug.pk) in staff_notes.get().url


def test_an_answered_assignment_or_a_co_handler_gets_no_due_reminder(build, people, world):
    build(S.HANDLING, due=DUE, answered_on=dt.date(2026, 5, 20))  # its assignment is answered
    build(S.HANDLING, due=DUE, unit=world.other_unit, co_unit=world.unit)
    run(DUE - dt.timedelta(days=1))
    assert keys(people["unit"], "suggestion.due") == []
    assert len(keys(people["other_unit"], "suggestion.due")) == 1


def test_a_new_deadline_after_an_extension_is_reminded_afresh(build, people):
    sug = build(S.HANDLING, due=DUE)
    run(DUE - dt.timedelta(days=5))
    sug.assignments.update(due_date=DUE + dt.timedelta(days=30))
    run(DUE + dt.timedelta(days=25))
    assert len(keys(people["unit"], "suggestion.due")) == 2


def test_a_rehandling_round_is_reminded_afresh(build, people):
    sug = build(S.HANDLING, due=DUE)
    run(DUE - dt.timedelta(days=1))
    sug.assignments.update(round=2)
    run(DUE - dt.timedelta(days=1))
    assert [k.split(":")[2] for k in keys(people["unit"], "suggestion.due")] == ["r1", "r2"]


def test_co_handlers_are_reminded_before_their_opinion_is_due(build, people, world):
    sug = build(S.HANDLING, due=DUE, unit=world.other_unit, co_unit=world.unit)
    co = sug.assignments.get(role=Assignment.Role.CO)
    run(co.opinion_due - dt.timedelta(days=5))
    run(co.opinion_due - dt.timedelta(days=5))
    assert len(keys(people["unit"], "suggestion.opinion_due")) == 1
    co.opinion_at = co.assigned_at
    co.save()
    run(co.opinion_due - dt.timedelta(days=1))
    assert len(keys(people["unit"], "suggestion.opinion_due")) == 1


def test_the_deputy_is_asked_to_rate_when_answered_and_again_after_the_rules_days(build, make_user):
    answered = dt.date(2026, 5, 4)
    sug = build(S.ANSWERED, answered_on=answered)
    deputy = make_user(Role.DEPUTY, person=sug.lead_deputy)
    run(answered + dt.timedelta(days=1))
    run(answered + dt.timedelta(days=3))
    assert [k.split(":")[3] for k in keys(deputy, "suggestion.rate")] == ["first"]
    run(answered + dt.timedelta(days=7))
    run(answered + dt.timedelta(days=8))
    assert sorted(k.split(":")[3] for k in keys(deputy, "suggestion.rate")) == ["again", "first"]


def test_a_rated_item_asks_for_nothing_but_a_merged_original_waits_for_its_own_rating(build, make_user):
    answered = dt.date(2026, 5, 4)
    main = build(S.RATED, answered_on=answered, ratings=["satisfied"])
    original = build(S.MERGED, merged_into=main)
    main_deputy = make_user(Role.DEPUTY, person=main.lead_deputy)
    original_deputy = make_user(Role.DEPUTY, person=original.lead_deputy)
    run(answered + dt.timedelta(days=1))
    assert keys(main_deputy) == []
    assert len(keys(original_deputy, "suggestion.rate")) == 1
    Rating.objects.create(suggestion=original, round=1, value="basic")
    run(answered + dt.timedelta(days=9))
    assert len(keys(original_deputy, "suggestion.rate")) == 1


def test_staff_are_told_once_when_a_return_or_extension_request_waits(build, people):
    sug = build(S.HANDLING, due=DUE)
    HandlingRequest.objects.create(assignment=sug.assignments.get(), kind="extension", reason="需协调多个部门")
    run(dt.date(2026, 3, 20))
    run(dt.date(2026, 3, 21))
    notes = Notification.objects.filter(recipient=people["staff"], event="suggestion.request_waiting")
    assert notes.count() == 1 and "申请延期待审批" in notes.get().title


def test_the_number_of_queries_does_not_grow_with_the_items_beyond_one_insert_each(
    build, people, django_assert_max_num_queries
):
    for _ in range(30):
        build(S.HANDLING, due=DUE)
    run(DUE - dt.timedelta(days=5))
    # Everything already sent: the rerun reads the due items, recipients and existing keys in bulk.
    with django_assert_max_num_queries(12):
        assert run(DUE - dt.timedelta(days=5)) == {}


def _queries_of_a_first_run(day):
    with CaptureQueriesContext(connection) as ctx:
        sent = run(day)
    return sent, len(ctx.captured_queries)


def test_the_first_run_costs_the_same_queries_for_10_or_100_due_items(build, people, world):
    for _ in range(10):
        build(S.HANDLING, due=DUE)
    few_sent, few = _queries_of_a_first_run(DUE - dt.timedelta(days=5))
    for _ in range(90):
        build(S.HANDLING, due=DUE + dt.timedelta(days=1))  # a later deadline: the same threshold, a fresh key
    many_sent, many = _queries_of_a_first_run(DUE - dt.timedelta(days=4))
    # Two unit users per item (the unit's staff and its head); the 10 reminded before are not sent again.
    assert few_sent == {"suggestion.due": 20} and many_sent == {"suggestion.due": 180}
    assert Notification.objects.filter(event="suggestion.due").count() == 200
    assert many == few  # one chunk either way: no query per item or per notification


def test_a_run_that_died_after_some_chunks_is_completed_by_the_next_without_doubles(build, people):
    from suggestions.reminders import send_reminders

    for _ in range(6):
        build(S.HANDLING, due=DUE)
    day = DUE - dt.timedelta(days=5)
    plan = plan_reminders(day)
    notify_bulk(plan.messages[:5], chunk_size=2)  # what a run that died after two chunks and a half left behind
    assert send_reminders(day, chunk_size=2) == {"suggestion.due": 7}
    assert send_reminders(day, chunk_size=2) == {}
    assert Notification.objects.filter(event="suggestion.due").count() == 12
    notes = Notification.objects.filter(event="suggestion.due")
    assert Delivery.objects.filter(notification__in=notes, channel="sms").count() == 12


def test_the_daily_schedule_is_registered_once_after_migrate(db):
    ensure_schedule()
    ensure_schedule()
    tasks = PeriodicTask.objects.filter(task=DAILY_TASK)
    assert tasks.count() == 1
    crontab = tasks.get().crontab
    assert (crontab.hour, crontab.minute, str(crontab.timezone)) == ("8", "0", "Asia/Shanghai")
