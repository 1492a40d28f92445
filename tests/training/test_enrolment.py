"""Inviting the target, confirming, leave (请假) and its decision, absence, and the day-before reminders."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.exceptions import IllegalTransition
from core.models import AuditEntry, Delivery, Notification
from tests import factories as f
from training import attendance, services
from training.apps import REMINDER_TASK, register_schedule
from training.models import CheckIn, Enrolment
from training.tasks import send_training_reminders

TZ = timezone.get_default_timezone()


def test_inviting_resolves_levels_townships_and_groups_together_plus_hand_picked(
    world, make_deputy, make_session, staff
):
    in_group = make_deputy(world.county, township=world.area_a, name="组内城关")
    other_town = make_deputy(world.county, township=world.area_b, name="组内河西")
    not_in_group = make_deputy(world.county, township=world.area_a, name="组外城关")
    town_level = make_deputy(world.town_a, township=world.area_a, name="镇代表")
    resigned = make_deputy(world.county, township=world.area_a, name="已辞职", status="resigned")
    picked = make_deputy(world.town_b, township=world.area_b, name="指定")
    group = f.GroupFactory(congress=world.county)
    for p in (in_group, other_town, town_level, resigned):
        f.MembershipFactory(group=group, person=p)
    session = make_session([timezone.localdate() + dt.timedelta(days=7)], target_levels=["county"])
    session.target_townships.set([world.area_a])
    session.target_groups.set([group])
    session.target_persons.set([picked])

    assert services.invite_target(session, actor=staff) == 2
    invited = set(session.enrolments.values_list("person__name", flat=True))
    assert invited == {"组内城关", "指定"}
    assert not_in_group.name not in invited
    note = Notification.objects.get(recipient=picked.user)
    assert note.key == f"training.invite:session={session.pk}:person={picked.pk}:u{picked.user.pk}"
    assert Delivery.objects.filter(notification=note, channel="sms").exists()
    assert AuditEntry.objects.filter(object_id=str(session.pk), note__contains="2 人").exists()
    # Inviting again adds nobody and notifies nobody twice.
    assert services.invite_target(session, actor=staff) == 0
    assert Notification.objects.filter(event="training.invited").count() == 2


def test_a_township_office_cannot_invite_to_a_county_session(world, make_session, make_user):
    town_staff = make_user("town_staff", congress=world.town_a)
    with pytest.raises(PermissionDenied):
        services.invite_target(make_session(), actor=town_staff)


@pytest.fixture
def invited(world, make_deputy, make_session, enrol):
    session = make_session([dt.date(2026, 6, 1)])
    person = make_deputy(township=world.area_a)
    return enrol(session, person)


def test_a_deputy_asks_for_leave_and_staff_approve_it(invited, staff):
    person = invited.person
    with time_machine.travel(dt.datetime(2026, 5, 30, 10, tzinfo=TZ)):
        with pytest.raises(ValidationError, match="请填写请假事由"):
            services.request_leave(invited, actor=person.user, reason="  ")
        services.request_leave(invited, actor=person.user, reason="外出开会")
        decided = services.approve_leave(invited, actor=staff)
    assert (decided.status, decided.leave_reason, decided.leave_decided_by) == (
        Enrolment.Status.LEAVE_APPROVED,
        "外出开会",
        staff,
    )
    assert Notification.objects.filter(recipient=person.user, event="training.leave_decided").count() == 1


def test_refusing_leave_needs_a_reason(invited, staff):
    with time_machine.travel(dt.datetime(2026, 5, 30, 10, tzinfo=TZ)):
        services.request_leave(invited, actor=invited.person.user, reason="家中有事")
        with pytest.raises(ValidationError, match="不准假时请填写理由"):
            services.refuse_leave(invited, actor=staff, note="")
        refused = services.refuse_leave(invited, actor=staff, note="本次为必训内容")
    assert refused.status == Enrolment.Status.LEAVE_REFUSED


def test_leave_cannot_be_approved_unless_requested(invited, staff):
    with pytest.raises(IllegalTransition):
        services.approve_leave(invited, actor=staff)


def test_a_deputy_cannot_answer_for_another_deputy(invited, make_deputy):
    other = make_deputy()
    with pytest.raises(PermissionDenied):
        services.confirm(invited, actor=other.user)


def test_leave_cannot_be_asked_after_the_session(invited):
    with (
        time_machine.travel(dt.datetime(2026, 6, 2, 10, tzinfo=TZ)),
        pytest.raises(IllegalTransition, match="培训已结束"),
    ):
        services.request_leave(invited, actor=invited.person.user, reason="忘了")


def test_approved_leave_is_never_counted_as_absence(invited, make_deputy, enrol, world):
    session = invited.session
    absent = enrol(session, make_deputy(township=world.area_b))
    refused = enrol(session, make_deputy(), status=Enrolment.Status.LEAVE_REFUSED, leave_reason="私事")
    Enrolment.objects.filter(pk=invited.pk).update(status=Enrolment.Status.LEAVE_APPROVED)
    came = enrol(session, make_deputy(), status=Enrolment.Status.LEAVE_APPROVED)
    day = session.days.get()
    CheckIn.objects.create(
        enrolment=came, day=day, checked_at=dt.datetime(2026, 6, 1, 8, 55, tzinfo=TZ), method=CheckIn.Method.QR
    )
    rows, totals = attendance.grid(session, now=dt.datetime(2026, 6, 2, 9, tzinfo=TZ))
    states = {r.enrolment.pk: r.cells[0].state for r in rows}
    assert states == {
        invited.pk: attendance.LEAVE,
        absent.pk: attendance.ABSENT,
        refused.pk: attendance.ABSENT,
        came.pk: attendance.PRESENT,
    }
    assert (totals[0].counts["absent"], totals[0].counts["leave"], totals[0].counts["present"]) == (2, 1, 1)
    # Before the day is over nobody is absent yet.
    rows, totals = attendance.grid(session, now=dt.datetime(2026, 6, 1, 10, tzinfo=TZ))
    assert totals[0].counts["absent"] == 0


def test_reminders_go_out_once_per_deputy_and_session_however_often_the_task_runs(
    world, make_deputy, make_session, enrol
):
    tomorrow = dt.date(2026, 6, 1)
    two_days = make_session([tomorrow, tomorrow + dt.timedelta(days=1)])
    confirmed = enrol(two_days, make_deputy(), status=Enrolment.Status.CONFIRMED)
    invited = enrol(two_days, make_deputy())
    on_leave = enrol(two_days, make_deputy(), status=Enrolment.Status.LEAVE_APPROVED)
    later = enrol(make_session([tomorrow + dt.timedelta(days=5)]), make_deputy())
    with time_machine.travel(dt.datetime(2026, 5, 31, 9, tzinfo=TZ)):
        assert send_training_reminders() == 2
        assert send_training_reminders() == 0
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=TZ)):
        # The second day is tomorrow now: still no second reminder for the same session.
        assert send_training_reminders() == 0
    reminded = set(Notification.objects.filter(event="training.reminder").values_list("recipient__person", flat=True))
    assert reminded == {confirmed.person_id, invited.person_id}
    assert on_leave.person_id not in reminded and later.person_id not in reminded


def test_the_reminder_schedule_is_registered_once(db):
    from django_celery_beat.models import PeriodicTask

    register_schedule(sender=None)
    register_schedule(sender=None)
    assert PeriodicTask.objects.filter(task=REMINDER_TASK).count() == 1
