"""Duty-record operations: THE service every other app calls to put a duty in a deputy's archive, the deputy's own
logging with verification, meeting attendance, 述职, the assessment rules and interviews.

Each function is one atomic operation taking the acting user as `actor=`; it checks the rule, makes the change,
writes its audit entry in the same transaction and recomputes the scores the change touches.

Record states (one table): draft → submitted (the deputy) → verified | returned (a liaison or staff, with a
reason); returned → submitted again after editing. Records from other apps and from staff arrive verified.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.notifications import notify
from deputies.models import ActivityGroup, Person

from . import defaults, permissions
from .assessment import recompute_person, recompute_rule_set
from .models import (
    AssessmentItem,
    AssessmentRuleSet,
    DutyPhoto,
    DutyRecord,
    DutyType,
    Interview,
    MeetingAttendance,
    StandingMeeting,
    VoterReport,
)
from .photos import MAX_PHOTOS, compress

S = DutyRecord.Status
# The transition table: action → (states it may start from, state it leads to).
TRANSITIONS = {
    "submit": ((S.DRAFT, S.RETURNED), S.SUBMITTED),
    "verify": ((S.SUBMITTED,), S.VERIFIED),
    "return": ((S.SUBMITTED,), S.RETURNED),
}
ACTION_LABELS = {"submit": "提交", "verify": "审核通过", "return": "退回"}
RECORD_FIELDS = ["type", "date", "place", "title", "content", "hours", "group", "status"]


def duty_type(code_or_name: str) -> DutyType:
    """A duty type by its code ("reception") or its name ("接待选民")."""
    found = DutyType.objects.filter(code=code_or_name).first() or DutyType.objects.filter(name=code_or_name).first()
    if found is None:
        found = _restore_default_type(code_or_name)
    if found is None:
        raise ValidationError({"type": f"没有“{code_or_name}”这一履职类型。"})
    return found


def _restore_default_type(code_or_name: str) -> DutyType | None:
    """The standard types are seeded by a data migration; should one be missing (deleted by hand, or a flushed test
    database), the standard definition is restored rather than failing every app that records duties."""
    from .defaults import DUTY_TYPES

    for order, (code, name, self_reported) in enumerate(DUTY_TYPES, start=1):
        if code_or_name in (code, name):
            found, _ = DutyType.objects.get_or_create(
                code=code, defaults={"name": name, "order": order * 10, "self_reported": self_reported}
            )
            return found
    return None


def _check_date(date: dt.date) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": "履职日期不能晚于今天。"})


# --- the service every other app calls ------------------------------------------------------------------------


@transaction.atomic
def record_duty(
    *,
    person: Person,
    type_code: str | None = None,
    date: dt.date,
    title: str,
    source: str,
    hours=None,
    place: str = "",
    verified: bool = True,
    actor=None,
    content: str = "",
    co_participants=(),
    group: ActivityGroup | None = None,
    **extra,
) -> DutyRecord:
    """Put one duty in `person`'s archive, keyed by `source` ("training:12", "suggestion:34", "station_duty:5").
    Idempotent: a second call with the same person and source returns the record already there, whoever recorded
    it first. `type_code` is a DutyType code or name (`type=` is accepted as an alias)."""
    code = type_code or extra.pop("type", None)
    if not code:
        raise ValidationError({"type": "请指定履职类型。"})
    if not source or not source.strip():
        raise ValidationError({"source": "请指定来源。"})
    if source != DutyRecord.MANUAL:
        existing = DutyRecord.objects.filter(person=person, source=source).first()
        if existing is not None:
            return existing
    kind = duty_type(code)
    fields = {
        "person": person,
        "type": kind,
        "date": date,
        "title": title[:200],
        "place": place[:120],
        "content": content,
        "hours": Decimal(str(hours)) if hours is not None else None,
        "group": group,
        "source": source,
        "created_by": actor if getattr(actor, "pk", None) else None,
        "status": S.VERIFIED if verified else S.SUBMITTED,
    }
    if verified:
        fields["verified_by"] = fields["created_by"]
        fields["verified_at"] = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a concurrent first writer wins, this call returns its record
            record = DutyRecord.objects.create(**fields)
    except IntegrityError:
        return DutyRecord.objects.get(person=person, source=source)
    if co_participants:
        record.co_participants.set(co_participants)
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=record, note=f"履职记录（来源：{record.source_label}）"
    )
    if verified:
        recompute_person(person.pk, date.year)
    return record


@transaction.atomic
def remove_duty(*, person: Person, source: str, actor=None) -> bool:
    """Remove the record another app put in (e.g. attendance changed from present to leave). True if one was there."""
    record = DutyRecord.objects.filter(person=person, source=source).exclude(source=DutyRecord.MANUAL).first()
    if record is None:
        return False
    year = record.date.year
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=record, note=f"来源记录撤销：{source}")
    record.delete()
    recompute_person(person.pk, year)
    return True


# --- a deputy's own records and their verification ------------------------------------------------------------


def _clean_record_data(data: dict, person: Person) -> dict:
    clean = {k: data[k] for k in ("type", "date", "place", "title", "content", "hours", "group") if k in data}
    if "date" in clean:
        _check_date(clean["date"])
    group = clean.get("group")
    if group is not None and not group.memberships.filter(person=person).exists():
        raise ValidationError({"group": "该代表不是这个代表小组的成员。"})
    return clean


def _add_photos(record: DutyRecord, photos) -> None:
    photos = list(photos or [])
    if not photos:
        return
    if record.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"每条履职记录最多 {MAX_PHOTOS} 张照片。"})
    for upload in photos:
        content, width, height = compress(upload)
        photo = DutyPhoto(record=record, width=width, height=height, size=content.size)
        photo.image.save(content.name, content, save=False)
        photo.save()


@transaction.atomic
def log_duty(*, actor, person: Person, data: dict, photos=(), co_participants=(), submit: bool = False) -> DutyRecord:
    """A duty logged by hand. The deputy's own record starts as a draft (or submitted); a record that a liaison or
    staff logs for a deputy is verified at once (they are the ones who verify)."""
    if not permissions.can_record_for(actor, person):
        raise PermissionDenied("您不能为该代表记录履职")
    clean = _clean_record_data(data, person)
    own = actor.person_id == person.pk
    status = (S.SUBMITTED if submit else S.DRAFT) if own else S.VERIFIED
    record = DutyRecord.objects.create(
        person=person,
        source=DutyRecord.MANUAL,
        created_by=actor,
        status=status,
        verified_by=None if own else actor,
        verified_at=None if own else timezone.now(),
        **clean,
    )
    record.co_participants.set([p for p in co_participants if p.pk != person.pk])
    _add_photos(record, photos)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=record, changes=_snapshot(record))
    if status == S.SUBMITTED:
        _notify_verifiers(record)
    if status == S.VERIFIED:
        recompute_person(person.pk, record.date.year)
    return record


def _snapshot(record: DutyRecord) -> dict:
    return {k: [None, v] for k, v in audit.snapshot(record, RECORD_FIELDS).items()}


def _locked(record: DutyRecord) -> DutyRecord:
    return DutyRecord.objects.select_for_update().select_related("person", "type").get(pk=record.pk)


@transaction.atomic
def update_duty(record: DutyRecord, *, actor, data: dict, photos=(), co_participants=None) -> DutyRecord:
    record = _locked(record)
    if not permissions.can_edit_record(actor, record):
        if actor.person_id == record.person_id:
            raise IllegalTransition(f"记录{record.get_status_display()}，不能再修改")
        raise PermissionDenied("您不能修改这条履职记录")
    before = audit.snapshot(record, RECORD_FIELDS)
    old_year = record.date.year
    for key, value in _clean_record_data(data, record.person).items():
        setattr(record, key, value)
    record.save()
    if co_participants is not None:
        record.co_participants.set([p for p in co_participants if p.pk != record.person_id])
    _add_photos(record, photos)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=record,
        changes=audit.diff(before, audit.snapshot(record, RECORD_FIELDS)),
    )
    if record.status == S.VERIFIED:
        recompute_person(record.person_id, record.date.year)
        if old_year != record.date.year:
            recompute_person(record.person_id, old_year)
    return record


def _transition(record: DutyRecord, action: str, *, actor, note: str = "") -> DutyRecord:
    sources, target = TRANSITIONS[action]
    if record.status not in sources:
        raise IllegalTransition(f"记录{record.get_status_display()}，不能{ACTION_LABELS[action]}")
    old = record.status
    record.status = target
    audit.record(
        actor=actor,
        action=AuditEntry.Action.TRANSITION,
        obj=record,
        changes={"status": [S(old).label, S(target).label]},
        note=note,
    )
    return record


@transaction.atomic
def submit_duty(record: DutyRecord, *, actor) -> DutyRecord:
    """The deputy sends their draft (or a returned record after editing) for verification."""
    record = _locked(record)
    if actor.person_id != record.person_id:
        raise PermissionDenied("只有代表本人可以提交自己的履职记录")
    _transition(record, "submit", actor=actor)
    record.return_reason = ""
    record.save(update_fields=["status", "return_reason", "updated_at"])
    _notify_verifiers(record)
    return record


@transaction.atomic
def verify_duty(record: DutyRecord, *, actor) -> DutyRecord:
    record = _locked(record)
    if not permissions.can_verify(actor, record):
        raise PermissionDenied("您不能审核这条履职记录")
    _transition(record, "verify", actor=actor)
    record.verified_by, record.verified_at, record.return_reason = actor, timezone.now(), ""
    record.save(update_fields=["status", "verified_by", "verified_at", "return_reason", "updated_at"])
    recompute_person(record.person_id, record.date.year)
    return record


@transaction.atomic
def return_duty(record: DutyRecord, *, actor, reason: str) -> DutyRecord:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时请填写原因。"})
    record = _locked(record)
    if not permissions.can_verify(actor, record):
        raise PermissionDenied("您不能审核这条履职记录")
    _transition(record, "return", actor=actor, note=reason)
    record.return_reason = reason[:300]
    record.save(update_fields=["status", "return_reason", "updated_at"])
    user = getattr(record.person, "user", None)
    if user is not None:
        notify(
            user,
            event="duty.returned",
            key=f"duty.returned:record={record.pk}:at={timezone.now():%Y%m%d%H%M%S}",
            title=f"履职记录被退回：{record.title}",
            body=f"退回原因：{reason}",
            url=reverse("duties:m_record_detail", args=[record.pk]),
        )
    return record


@transaction.atomic
def delete_duty(record: DutyRecord, *, actor) -> None:
    record = _locked(record)
    if record.source != DutyRecord.MANUAL:
        raise IllegalTransition("该记录来自其他业务（如培训签到、会议考勤），请在原业务中更正")
    if not permissions.can_edit_record(actor, record):
        raise PermissionDenied("您不能删除这条履职记录")
    was_verified, year, person_id = record.status == S.VERIFIED, record.date.year, record.person_id
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=record, changes=_snapshot(record))
    for photo in record.photos.all():
        photo.image.delete(save=False)
    record.delete()
    if was_verified:
        recompute_person(person_id, year)


def _notify_verifiers(record: DutyRecord) -> None:
    """Tell the liaisons of the deputy's groups that a record waits for them (once per record and submission)."""
    groups = ActivityGroup.objects.filter(memberships__person_id=record.person_id, liaison_user__isnull=False)
    for group in groups.select_related("liaison_user"):
        notify(
            group.liaison_user,
            event="duty.submitted",
            key=f"duty.submitted:record={record.pk}:n={record.updated_at:%Y%m%d%H%M%S}",
            title=f"{record.person.name}代表提交了履职记录待审核",
            body=record.title,
            url=reverse("duties:record_detail", args=[record.pk]),
        )


# --- meeting attendance ---------------------------------------------------------------------------------------


@transaction.atomic
def create_standing_meeting(*, actor, congress, date: dt.date, title: str) -> StandingMeeting:
    if not permissions.can_keep_congress(actor, congress.pk):
        raise PermissionDenied("只能为本级人大登记常委会会议")
    meeting = StandingMeeting.objects.create(congress=congress, date=date, title=title.strip())
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=meeting)
    return meeting


def _meeting_congress_id(meeting=None, standing_meeting=None) -> int:
    return meeting.term.congress_id if meeting is not None else standing_meeting.congress_id


@transaction.atomic
def record_attendance(
    *,
    actor,
    person: Person,
    status: str,
    meeting=None,
    standing_meeting=None,
    leave_half_days: int = 0,
    note: str = "",
) -> MeetingAttendance:
    """Record (or correct) one deputy's attendance. Present → a verified duty record (出席人代会 / 列席常委会);
    leave counts its half days; a change away from present removes the duty record."""
    if (meeting is None) == (standing_meeting is None):
        raise ValidationError("请指定一次代表大会会议或常委会会议。")
    if not permissions.can_keep_congress(actor, _meeting_congress_id(meeting, standing_meeting)):
        raise PermissionDenied("只能记录本级人大会议的出席情况")
    if status not in MeetingAttendance.Status.values:
        raise ValidationError({"status": "出席情况无效。"})
    leave_half_days = int(leave_half_days or 0)
    if status == MeetingAttendance.Status.LEAVE and leave_half_days < 1:
        raise ValidationError({"leave_half_days": "请假时请填写请假天数（以半天计，至少 1 个半天）。"})
    if status != MeetingAttendance.Status.LEAVE:
        leave_half_days = 0
    lookup = {"meeting": meeting} if meeting is not None else {"standing_meeting": standing_meeting}
    attendance = MeetingAttendance.objects.select_for_update().filter(person=person, **lookup).first()
    before = {"status": attendance.status, "leave_half_days": attendance.leave_half_days} if attendance else {}
    if attendance is None:
        attendance = MeetingAttendance(person=person, **lookup)
    attendance.status, attendance.leave_half_days, attendance.note = status, leave_half_days, note[:200]
    attendance.recorded_by = actor
    attendance.save()
    after = {"status": status, "leave_half_days": leave_half_days}
    if before != after:
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
            obj=attendance,
            changes=audit.diff(before, after),
        )
    if meeting is not None:
        source, code, date, title = f"meeting:{meeting.pk}", DutyType.CONGRESS_SESSION, meeting.start, f"出席{meeting}"
    else:
        sm = standing_meeting
        source, code, date, title = f"standing_meeting:{sm.pk}", DutyType.STANDING_MEETING, sm.date, f"列席{sm.title}"
    if status == MeetingAttendance.Status.PRESENT:
        record_duty(person=person, type_code=code, date=date, title=title, source=source, actor=actor)
    else:
        remove_duty(person=person, source=source, actor=actor)
    recompute_person(person.pk, date.year)
    return attendance


# --- 述职 -----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_voter_report(*, actor, person: Person, data: dict, report_file=None) -> VoterReport:
    """A report to voters (向选民述职) recorded by staff or the liaison; it enters the archive as a verified duty."""
    if not (permissions.can_record_for(actor, person) and actor.person_id != person.pk):
        raise PermissionDenied("述职情况由代表小组联络员或人大工作人员记录")
    _check_date(data["date"])
    votes = data.get("satisfied", 0) + data.get("basically_satisfied", 0) + data.get("unsatisfied", 0)
    if votes > data["voters_present"]:
        raise ValidationError({"unsatisfied": "测评票数之和不能多于到会选民人数。"})
    report = VoterReport(person=person, recorded_by=actor, **data)
    if report_file is not None:
        report.report_file = report_file
    report.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=report)
    record_duty(
        person=person,
        type_code=DutyType.VOTER_REPORT,
        date=report.date,
        place=report.place,
        title=f"向选民述职（到会选民{report.voters_present}人）",
        content=report.note,
        source=f"voter_report:{report.pk}",
        actor=actor,
    )
    return report


# --- assessment rules, scores, interviews ---------------------------------------------------------------------


@transaction.atomic
def ensure_rule_set(*, actor, congress, year: int) -> AssessmentRuleSet:
    """The congress's rule set for `year`: a copy of last year's, or the defaults (domain notes) when none."""
    existing = AssessmentRuleSet.objects.filter(congress=congress, year=year).first()
    if existing is not None:
        return existing
    previous = AssessmentRuleSet.objects.filter(congress=congress, year__lt=year).order_by("-year").first()
    if previous is not None:
        rule_set = AssessmentRuleSet.objects.create(
            congress=congress,
            year=year,
            name=previous.name,
            base_points=previous.base_points,
            max_points=previous.max_points,
            good_threshold=previous.good_threshold,
            fair_threshold=previous.fair_threshold,
        )
        AssessmentItem.objects.bulk_create(
            AssessmentItem(
                rule_set=rule_set, duty_type_id=i.duty_type_id, special=i.special, points=i.points, cap=i.cap
            )
            for i in previous.items.all()
        )
    else:
        rule_set = AssessmentRuleSet.objects.create(
            congress=congress,
            year=year,
            base_points=defaults.BASE_POINTS,
            good_threshold=defaults.GOOD_THRESHOLD,
            fair_threshold=defaults.FAIR_THRESHOLD,
        )
        types = {t.code: t for t in DutyType.objects.all()}
        AssessmentItem.objects.bulk_create(
            AssessmentItem(
                rule_set=rule_set,
                duty_type=None if key in defaults.SPECIALS else types[key],
                special=key if key in defaults.SPECIALS else "",
                points=points,
                cap=cap,
            )
            for key, points, cap in defaults.ITEMS
            if key in defaults.SPECIALS or key in types
        )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=rule_set)
    recompute_rule_set(rule_set)
    return rule_set


RULE_FIELDS = ["name", "base_points", "max_points", "good_threshold", "fair_threshold"]


@transaction.atomic
def update_rule_set(rule_set: AssessmentRuleSet, *, actor, data: dict, items: list[dict]) -> AssessmentRuleSet:
    """Replace the rules (base, thresholds, items) and recompute every score under them."""
    if not permissions.can_keep_congress(actor, rule_set.congress_id):
        raise PermissionDenied("只能修改本级人大的考核办法")
    rule_set = AssessmentRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if data.get("good_threshold", rule_set.good_threshold) < data.get("fair_threshold", rule_set.fair_threshold):
        raise ValidationError({"good_threshold": "“好”的分数线不能低于“较好”的分数线。"})
    seen = set()
    for item in items:
        key = f"type:{item['duty_type'].pk}" if item.get("duty_type") else item.get("special")
        if not key:
            raise ValidationError({"items": "每个考核项目须选择履职类型或特殊项目之一。"})
        if key in seen:
            raise ValidationError({"items": "同一履职类型或特殊项目只能出现一次。"})
        seen.add(key)
    before = audit.snapshot(rule_set, RULE_FIELDS)
    old_items = sorted(f"{i.label}:{i.points}/{i.cap}" for i in rule_set.items.select_related("duty_type"))
    for key in RULE_FIELDS:
        if key in data:
            setattr(rule_set, key, data[key])
    rule_set.save()
    rule_set.items.all().delete()
    new_items = AssessmentItem.objects.bulk_create(
        AssessmentItem(
            rule_set=rule_set,
            duty_type=item.get("duty_type"),
            special="" if item.get("duty_type") else item["special"],
            points=item["points"],
            cap=item.get("cap"),
        )
        for item in items
    )
    changes = audit.diff(before, audit.snapshot(rule_set, RULE_FIELDS))
    new_labels = sorted(f"{i.label}:{i.points}/{i.cap}" for i in new_items)
    if new_labels != old_items:
        changes["items"] = [old_items, new_labels]
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=rule_set, changes=changes)
    recompute_rule_set(rule_set)
    return rule_set


@transaction.atomic
def recompute_scores(rule_set: AssessmentRuleSet, *, actor) -> int:
    n = recompute_rule_set(rule_set)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=rule_set, note=f"重新计算考核结果 {n} 人")
    return n


@transaction.atomic
def record_interview(*, actor, person: Person, congress, data: dict) -> Interview:
    if not permissions.can_keep_congress(actor, congress.pk):
        raise PermissionDenied("约谈记录由本级人大工作人员登记")
    if not permissions.office_persons(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("该代表不在您的管理范围内")
    _check_date(data["date"])
    interview = Interview.objects.create(person=person, congress=congress, recorded_by=actor, **data)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=interview,
        note="约谈并劝辞" if interview.advised_resignation else "约谈",
    )
    return interview
