"""The duty-record service and the verification rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from core.exceptions import IllegalTransition
from core.models import AuditEntry, Notification
from duties import services
from duties.models import DutyRecord, MeetingAttendance
from tests import factories as f

DAY = dt.date(2025, 5, 6)


def own_record(user, person, *, submit=True, **data):
    data = {"type": services.duty_type("voter_contact"), "date": DAY, "title": "走访选民", **data}
    return services.log_duty(actor=user, person=person, data=data, submit=submit)


def test_record_duty_twice_with_the_same_source_keeps_one_record(duties):
    first = services.record_duty(
        person=duties.alice, type_code="training", date=DAY, title="履职培训", source="training:12", hours=3
    )
    second = services.record_duty(
        person=duties.alice, type_code="学习培训", date=DAY, title="重复签到", source="training:12"
    )
    assert first.pk == second.pk
    assert DutyRecord.objects.filter(person=duties.alice, source="training:12").count() == 1
    assert second.title == "履职培训"
    assert first.status == DutyRecord.Status.VERIFIED


def test_the_same_source_for_another_deputy_is_another_record(duties):
    services.record_duty(person=duties.alice, type_code="training", date=DAY, title="培训", source="training:1")
    services.record_duty(person=duties.bob, type_code="training", date=DAY, title="培训", source="training:1")
    assert DutyRecord.objects.filter(source="training:1").count() == 2


def test_record_duty_accepts_the_type_name_as_other_apps_pass_it(duties):
    record = services.record_duty(person=duties.alice, type="学习培训", date=DAY, title="培训", source="training:9")
    assert record.type.code == "training"


def test_an_unknown_duty_type_is_refused_in_chinese(duties):
    with pytest.raises(ValidationError) as exc:
        services.record_duty(person=duties.alice, type_code="nope", date=DAY, title="x", source="x:1")
    assert "履职类型" in str(exc.value)


def test_a_deputy_logs_a_draft_then_submits_it(duties):
    record = own_record(duties.alice_user, duties.alice, submit=False)
    assert record.status == DutyRecord.Status.DRAFT
    services.submit_duty(record, actor=duties.alice_user)
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.SUBMITTED
    # The liaison of the deputy's group is told a record waits.
    assert Notification.objects.filter(recipient=duties.liaison1, event="duty.submitted").count() == 1


def test_a_deputy_cannot_log_a_record_for_another_deputy(duties):
    with pytest.raises(PermissionDenied):
        own_record(duties.alice_user, duties.bob)


def test_a_deputy_cannot_verify_their_own_record(duties):
    record = own_record(duties.alice_user, duties.alice)
    with pytest.raises(PermissionDenied):
        services.verify_duty(record, actor=duties.alice_user)
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.SUBMITTED


def test_the_groups_liaison_verifies_a_members_record(duties):
    record = own_record(duties.alice_user, duties.alice)
    services.verify_duty(record, actor=duties.liaison1)
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.VERIFIED
    assert record.verified_by == duties.liaison1
    assert AuditEntry.objects.filter(object_id=str(record.pk), action=AuditEntry.Action.TRANSITION).exists()


def test_another_groups_liaison_cannot_verify(duties):
    record = own_record(duties.alice_user, duties.alice)
    with pytest.raises(PermissionDenied):
        services.verify_duty(record, actor=duties.liaison2)


def test_township_staff_verify_only_deputies_of_their_township(duties, world, make_user):
    town_a = make_user(Role.TOWN_STAFF, congress=world.town_a)
    town_b = make_user(Role.TOWN_STAFF, congress=world.town_b)
    record = own_record(duties.alice_user, duties.alice)  # alice lives in 城关镇 (town_a)
    with pytest.raises(PermissionDenied):
        services.verify_duty(record, actor=town_b)
    services.verify_duty(record, actor=town_a)
    assert DutyRecord.objects.get(pk=record.pk).status == DutyRecord.Status.VERIFIED


def test_a_returned_record_needs_a_reason_and_tells_the_deputy(duties):
    record = own_record(duties.alice_user, duties.alice)
    with pytest.raises(ValidationError):
        services.return_duty(record, actor=duties.liaison1, reason="  ")
    services.return_duty(record, actor=duties.liaison1, reason="请补充照片")
    record.refresh_from_db()
    assert record.status == DutyRecord.Status.RETURNED
    assert record.return_reason == "请补充照片"
    assert Notification.objects.get(recipient=duties.alice_user, event="duty.returned").body == "退回原因：请补充照片"


def test_a_returned_record_is_edited_and_submitted_again(duties):
    record = own_record(duties.alice_user, duties.alice)
    services.return_duty(record, actor=duties.staff, reason="日期有误")
    services.update_duty(record, actor=duties.alice_user, data={"date": dt.date(2025, 5, 7)})
    services.submit_duty(record, actor=duties.alice_user)
    record.refresh_from_db()
    assert (record.status, record.date, record.return_reason) == (DutyRecord.Status.SUBMITTED, dt.date(2025, 5, 7), "")


def test_a_deputy_cannot_edit_a_submitted_or_verified_record(duties):
    record = own_record(duties.alice_user, duties.alice)
    with pytest.raises(IllegalTransition):
        services.update_duty(record, actor=duties.alice_user, data={"title": "改"})
    services.verify_duty(record, actor=duties.staff)
    with pytest.raises(IllegalTransition):
        services.update_duty(record, actor=duties.alice_user, data={"title": "改"})


def test_verifying_twice_is_an_illegal_transition(duties):
    record = own_record(duties.alice_user, duties.alice)
    services.verify_duty(record, actor=duties.staff)
    with pytest.raises(IllegalTransition):
        services.verify_duty(record, actor=duties.staff)


def test_a_draft_cannot_be_verified_before_the_deputy_submits_it(duties):
    record = own_record(duties.alice_user, duties.alice, submit=False)
    with pytest.raises(IllegalTransition):
        services.verify_duty(record, actor=duties.staff)


def test_a_record_staff_log_for_a_deputy_is_verified_at_once(duties):
    record = own_record(duties.staff, duties.carol)
    assert record.status == DutyRecord.Status.VERIFIED
    assert record.verified_by == duties.staff


def test_a_future_date_is_refused(duties):
    with pytest.raises(ValidationError) as exc:
        own_record(duties.alice_user, duties.alice, date=dt.date.today() + dt.timedelta(days=2))
    assert "不能晚于今天" in str(exc.value)


def test_a_record_from_another_app_cannot_be_deleted_here(duties):
    record = services.record_duty(person=duties.alice, type_code="training", date=DAY, title="培训", source="t:1")
    with pytest.raises(IllegalTransition):
        services.delete_duty(record, actor=duties.staff)


def test_attendance_present_enters_the_archive_and_leave_takes_it_out(duties, world):
    meeting = f.MeetingFactory(term=world.term, start=dt.date(2025, 1, 10), end=dt.date(2025, 1, 13))
    services.record_attendance(actor=duties.staff, person=duties.alice, meeting=meeting, status="present")
    record = DutyRecord.objects.get(person=duties.alice, source=f"meeting:{meeting.pk}")
    assert record.type.code == "congress_session" and record.status == DutyRecord.Status.VERIFIED
    services.record_attendance(
        actor=duties.staff, person=duties.alice, meeting=meeting, status="leave", leave_half_days=2
    )
    assert not DutyRecord.objects.filter(person=duties.alice, source=f"meeting:{meeting.pk}").exists()
    attendance = MeetingAttendance.objects.get(person=duties.alice, meeting=meeting)
    assert (attendance.status, attendance.leave_half_days) == ("leave", 2)


def test_leave_without_half_days_is_refused(duties, world):
    meeting = f.MeetingFactory(term=world.term)
    with pytest.raises(ValidationError):
        services.record_attendance(actor=duties.staff, person=duties.alice, meeting=meeting, status="leave")


def test_township_staff_cannot_record_attendance_at_the_county_congress(duties, world, make_user):
    meeting = f.MeetingFactory(term=world.term)
    town = make_user(Role.TOWN_STAFF, congress=world.town_a)
    with pytest.raises(PermissionDenied):
        services.record_attendance(actor=town, person=duties.alice, meeting=meeting, status="present")


def test_a_voter_report_is_a_verified_duty_and_votes_cannot_exceed_voters(duties):
    data = {"date": DAY, "place": "城关镇代表之家", "voters_present": 60, "satisfied": 50, "basically_satisfied": 8}
    with pytest.raises(ValidationError):
        services.record_voter_report(actor=duties.staff, person=duties.alice, data={**data, "unsatisfied": 5})
    report = services.record_voter_report(actor=duties.staff, person=duties.alice, data={**data, "unsatisfied": 2})
    record = DutyRecord.objects.get(source=f"voter_report:{report.pk}")
    assert record.type.code == "voter_report" and record.status == DutyRecord.Status.VERIFIED
    assert str(report.satisfaction_rate) == "96.7"
