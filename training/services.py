"""Training operations. Each function is one atomic operation taking the acting user as `actor=`; it checks the
rule, makes the change and writes its audit entry in the same transaction. Notifications go through
core.notifications.notify (in-app + SMS), whose key makes each one happen once.

Enrolment transitions (one table, below): invited → confirmed | leave requested; leave requested → approved |
refused (by staff); a refused or approved leave may be turned back into "confirmed" by the deputy.

Attendance feeds the deputy's archive: `attendance_duty_payload(checkin)` says what a duty record (学习培训) needs,
and `record_duty(**payload)` is called when the duty archive's service exists (`deputies.duties`, or
`duties.services` where the duties issue put it; looked up with importlib, so without it check-in works the same
and nothing is recorded).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import os
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from core import audit, uploads
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.notifications import notify
from deputies.models import GroupMembership, Person, Seat
from organization.models import Area, Congress

from . import permissions
from .models import CheckIn, Enrolment, Material, MaterialHandout, TrainingDay, TrainingSession
from .qr import CheckInRefused, verify_token

S = Enrolment.Status

SESSION_FIELDS = ("congress", "kind", "title", "lecturers", "planned_hours", "description", "target_levels")
SESSION_M2M = ("target_townships", "target_groups", "target_persons", "materials")
DAY_FIELDS = ("date", "start_time", "end_time", "place", "hours")

# name → (allowed source states, target state)
TRANSITIONS = {
    "confirm": ({S.INVITED, S.LEAVE_REQUESTED, S.LEAVE_REFUSED, S.LEAVE_APPROVED}, S.CONFIRMED),
    "request_leave": ({S.INVITED, S.CONFIRMED, S.LEAVE_REFUSED}, S.LEAVE_REQUESTED),
    "approve_leave": ({S.LEAVE_REQUESTED}, S.LEAVE_APPROVED),
    "refuse_leave": ({S.LEAVE_REQUESTED}, S.LEAVE_REFUSED),
}

OUTSIDE_REFUSE, OUTSIDE_FLAG = "refuse", "flag"
MSG_OUTSIDE = "您不在本次培训的参训名单中，不能签到。如有疑问请联系工作人员。"
MSG_NO_PERSON = "您的账号未关联代表信息，不能签到。"
MSG_NOT_TODAY = "今天不是本场培训的签到日期。"


def outside_target_policy() -> str:
    policy = getattr(settings, "TRAINING_OUTSIDE_TARGET", OUTSIDE_FLAG)
    return policy if policy in (OUTSIDE_REFUSE, OUTSIDE_FLAG) else OUTSIDE_FLAG


# --- target ---------------------------------------------------------------------------------------------------


def active_seats(on: dt.date | None = None):
    on = on or timezone.localdate()
    return Seat.objects.filter(status=Seat.Status.ACTIVE, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


def target_persons(session: TrainingSession, on: dt.date | None = None):
    """The persons with an active seat that `session` targets.

    Levels, townships and groups combine with AND among the organiser's deputies (a seat in the organiser's congress
    or one below it, or living in one of its townships); an empty criterion does not restrict. Hand-picked deputies
    are added. With no criterion and nobody hand-picked the target is empty."""
    seats = active_seats(on)
    levels = list(session.target_levels or [])
    townships = list(session.target_townships.values_list("pk", flat=True))
    groups = list(session.target_groups.values_list("pk", flat=True))
    picked = list(session.target_persons.values_list("pk", flat=True))
    has_seat = Exists(seats.filter(person=OuterRef("pk")))
    cond = Q(pk__in=[])
    if levels or townships or groups:
        scope = session.congress.descendant_ids()
        scope_areas = Congress.objects.filter(pk__in=scope, area__isnull=False).values("area_id")
        local_areas = Area.objects.filter(Q(pk__in=scope_areas) | Q(parent_id__in=scope_areas)).values("pk")
        criteria = Q(Exists(seats.filter(person=OuterRef("pk"), congress_id__in=scope))) | (
            Q(township_id__in=local_areas) & Q(has_seat)
        )
        if levels:
            criteria &= Q(Exists(seats.filter(person=OuterRef("pk"), congress__level__in=levels)))
        if townships:
            criteria &= Q(township_id__in=townships) | Q(
                Exists(seats.filter(person=OuterRef("pk"), delegation_id__in=townships))
            )
        if groups:
            criteria &= Q(Exists(GroupMembership.objects.filter(person=OuterRef("pk"), group_id__in=groups)))
        cond |= criteria
    if picked:
        cond |= Q(pk__in=picked) & Q(has_seat)
    return Person.objects.filter(cond)


# --- sessions -------------------------------------------------------------------------------------------------


def _require_manager(actor, session: TrainingSession | None = None, congress: Congress | None = None) -> None:
    if session is not None and not permissions.can_manage(actor, session):
        raise PermissionDenied("只有主办人大的工作人员可以办理此事项。")
    if congress is not None and not permissions.organiser_congresses(actor).filter(pk=congress.pk).exists():
        raise PermissionDenied("您不能以该人大的名义举办培训。")


def _clean_days(days: list[dict], planned_hours: Decimal) -> list[dict]:
    if not days:
        raise ValidationError({"days": "请至少安排一天培训日程。"})
    dates = [d["date"] for d in days]
    if len(set(dates)) != len(dates):
        raise ValidationError({"days": "同一天只能安排一条日程。"})
    for d in days:
        if d["end_time"] <= d["start_time"]:
            raise ValidationError({"days": f"{d['date']:%Y-%m-%d} 的结束时间应晚于开始时间。"})
    # A day without its own hours gets an even share of the planned hours.
    share = (Decimal(planned_hours) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return [{**d, "hours": d.get("hours") or share} for d in days]


def _set_m2m(session: TrainingSession, data: dict) -> dict:
    changes = {}
    for name in SESSION_M2M:
        if name in data:
            manager = getattr(session, name)
            before = sorted(str(o) for o in manager.all())
            manager.set(data[name])
            after = sorted(str(o) for o in manager.all())
            if before != after:
                changes[name] = [before, after]
    return changes


@transaction.atomic
def create_session(*, actor, days: list[dict], **data) -> TrainingSession:
    """Create a session with its days. `data` holds SESSION_FIELDS and optionally SESSION_M2M lists."""
    _require_manager(actor, congress=data["congress"])
    days = _clean_days(days, data["planned_hours"])
    session = TrainingSession.objects.create(created_by=actor, **{k: data[k] for k in SESSION_FIELDS if k in data})
    TrainingDay.objects.bulk_create([TrainingDay(session=session, **{k: d[k] for k in DAY_FIELDS}) for d in days])
    _set_m2m(session, data)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=session,
        changes=audit.diff({}, audit.snapshot(session, SESSION_FIELDS)),
        note=f"日程 {len(days)} 天",
    )
    return session


@transaction.atomic
def update_session(session: TrainingSession, *, actor, days: list[dict] | None = None, **data) -> TrainingSession:
    """Change a session. `days` (when given) replaces the schedule: items with an "id" update that day, items
    without one are added, days left out are removed — unless someone has checked in on them."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    _require_manager(actor, session=session)
    if "congress" in data and data["congress"].pk != session.congress_id:
        _require_manager(actor, congress=data["congress"])
    before = audit.snapshot(session, SESSION_FIELDS)
    for k in SESSION_FIELDS:
        if k in data:
            setattr(session, k, data[k])
    session.save()
    changes = audit.diff(before, audit.snapshot(session, SESSION_FIELDS))
    changes.update(_set_m2m(session, data))
    if days is not None:
        days = _clean_days(days, session.planned_hours)
        existing = {d.pk: d for d in session.days.all()}
        keep = {d["id"] for d in days if d.get("id")}
        unknown = keep - existing.keys()
        if unknown:
            raise ValidationError({"days": "日程不属于本培训班。"})
        gone = [pk for pk in existing if pk not in keep]
        if CheckIn.objects.filter(day_id__in=gone).exists():
            raise ValidationError({"days": "已有签到记录的日程不能删除。"})
        TrainingDay.objects.filter(pk__in=gone).delete()
        for d in days:
            if d.get("id"):
                day = existing[d["id"]]
                for k in DAY_FIELDS:
                    setattr(day, k, d[k])
                day.save()
        try:
            with transaction.atomic():
                TrainingDay.objects.bulk_create(
                    [TrainingDay(session=session, **{k: d[k] for k in DAY_FIELDS}) for d in days if not d.get("id")]
                )
        except IntegrityError:
            raise ValidationError({"days": "同一天只能安排一条日程。"}) from None
        if gone or any(not d.get("id") for d in days):
            changes["days"] = [len(existing), len(days)]
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=session, changes=changes)
    return session


def _notify_enrolment(enrolment: Enrolment, *, event: str, key: str, title: str, body: str) -> bool:
    user = getattr(enrolment.person, "user", None)
    if user is None:
        return False
    return notify(user, event=event, key=key, title=title, body=body, url=reverse("training:my")) is not None


def _schedule_text(session: TrainingSession) -> str:
    return "；".join(str(d) for d in session.days.all())


@transaction.atomic
def invite_target(session: TrainingSession, *, actor) -> int:
    """Put every targeted deputy not yet on the list on it and notify each (in-app + SMS, once per session and
    person). Returns the number of newly invited deputies. Safe to run again after the target grows."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    _require_manager(actor, session=session)
    on_list = Enrolment.objects.filter(session=session, person=OuterRef("pk"))
    persons = list(target_persons(session).exclude(Exists(on_list)).select_related("user"))
    now = timezone.now()
    created = Enrolment.objects.bulk_create(
        [Enrolment(session=session, person=p, invited_at=now) for p in persons], ignore_conflicts=True
    )
    schedule = _schedule_text(session)
    for enrolment in created:
        _notify_enrolment(
            enrolment,
            event="training.invited",
            key=f"training.invite:session={session.pk}:person={enrolment.person_id}",
            title=f"培训通知：{session.title}",
            body=f"请参加{session.get_kind_display()}“{session.title}”（{schedule}），请确认参加或请假。",
        )
    session.invited_at = now
    session.save(update_fields=["invited_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=session, note=f"通知参训代表 {len(persons)} 人")
    return len(persons)


def _session_over(session: TrainingSession) -> bool:
    last = session.days.order_by("-date", "-end_time").first()
    return last is None or last.is_past()


def _transition(enrolment: Enrolment, name: str, *, actor, changes: dict | None = None, **fields) -> Enrolment:
    sources, target = TRANSITIONS[name]
    locked = Enrolment.objects.select_for_update().select_related("session", "person").get(pk=enrolment.pk)
    if locked.status not in sources:
        raise IllegalTransition(f"当前状态为“{locked.get_status_display()}”，不能办理此事项。")
    before = locked.status
    locked.status = target
    for k, v in fields.items():
        setattr(locked, k, v)
    locked.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.TRANSITION,
        obj=locked,
        changes={"status": [S(before).label, S(target).label], **(changes or {})},
    )
    return locked


def _require_self_or_manager(actor, enrolment: Enrolment) -> None:
    if actor.person_id and actor.person_id == enrolment.person_id:
        return
    if not permissions.can_manage(actor, enrolment.session):
        raise PermissionDenied("只能为自己确认参训或请假。")


@transaction.atomic
def _not_checked_in(enrolment: Enrolment, what: str) -> None:
    """Once the deputy has checked in there is nothing left to confirm or ask leave for (我的培训 offers neither)."""
    if enrolment.checkins.exists():
        raise IllegalTransition(f"您已签到，不能再{what}。")


def confirm(enrolment: Enrolment, *, actor) -> Enrolment:
    _require_self_or_manager(actor, enrolment)
    if _session_over(enrolment.session):
        raise IllegalTransition("培训已结束，不能再确认参加。")
    _not_checked_in(enrolment, "确认参加")
    return _transition(enrolment, "confirm", actor=actor, responded_at=timezone.now())


@transaction.atomic
def request_leave(enrolment: Enrolment, *, actor, reason: str) -> Enrolment:
    _require_self_or_manager(actor, enrolment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写请假事由。"})
    if _session_over(enrolment.session):
        raise IllegalTransition("培训已结束，不能再请假。")
    _not_checked_in(enrolment, "请假")
    locked = _transition(
        enrolment,
        "request_leave",
        actor=actor,
        changes={"leave_reason": ["", reason]},
        leave_reason=reason[:300],
        responded_at=timezone.now(),
        leave_decided_by=None,
        leave_decided_at=None,
        leave_note="",
    )
    return locked


def _decide_leave(enrolment: Enrolment, name: str, *, actor, note: str, approved: bool) -> Enrolment:
    if not permissions.can_manage(actor, enrolment.session):
        raise PermissionDenied("只有主办人大的工作人员可以审批请假。")
    locked = _transition(
        enrolment,
        name,
        actor=actor,
        leave_decided_by=actor,
        leave_decided_at=timezone.now(),
        leave_note=(note or "").strip()[:300],
    )
    verdict = "已批准" if approved else "未获批准"
    _notify_enrolment(
        locked,
        event="training.leave_decided",
        key=f"training.leave:enrolment={locked.pk}:at={locked.leave_decided_at:%Y%m%d%H%M%S%f}",
        title=f"请假{verdict}：{locked.session.title}",
        body=f"您的请假申请{verdict}。{locked.leave_note}",
    )
    return locked


@transaction.atomic
def approve_leave(enrolment: Enrolment, *, actor, note: str = "") -> Enrolment:
    return _decide_leave(enrolment, "approve_leave", actor=actor, note=note, approved=True)


@transaction.atomic
def refuse_leave(enrolment: Enrolment, *, actor, note: str = "") -> Enrolment:
    if not (note or "").strip():
        raise ValidationError({"note": "不准假时请填写理由。"})
    return _decide_leave(enrolment, "refuse_leave", actor=actor, note=note, approved=False)


# --- check-in -------------------------------------------------------------------------------------------------


def attendance_duty_payload(checkin: CheckIn) -> dict:
    """What a verified duty record (学习培训) for the deputy's archive needs, for one day's check-in."""
    day = checkin.day
    session = day.session
    return {
        "person": checkin.enrolment.person,
        "date": day.date,
        "type": "学习培训",
        "title": session.title if session.days.count() == 1 else f"{session.title}（{day.date:%m月%d日}）",
        "hours": day.hours,
        "source": f"training:{checkin.pk}",
    }


# Where the duty archive's service may live: the name this app was promised first, then the duties app's service.
DUTY_SERVICE_MODULES = ("deputies.duties", "duties.services")


def _duty_service():
    for name in DUTY_SERVICE_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            record_duty = getattr(importlib.import_module(name), "record_duty", None)
            if record_duty is not None:
                return record_duty
    return None


def _record_duty(checkin: CheckIn, *, actor) -> None:
    """Hand the attendance to the duty archive when its service exists (`record_duty` in deputies.duties or
    duties.services), looked up at run time so this app works with or without it. Called inside the check-in's
    transaction: a check-in and its duty record are saved together or not at all. The duty service is idempotent
    on `source`, so a repeated call never makes a second record."""
    record_duty = _duty_service()
    if record_duty is None:
        return
    payload = attendance_duty_payload(checkin)
    accepted = inspect.signature(record_duty).parameters
    if "actor" in accepted:
        # A scanned code is the system's proof of attendance; a manual check-in is vouched for by the staff member.
        payload["actor"] = actor if checkin.method == CheckIn.Method.MANUAL else None
    if "place" in accepted:
        payload["place"] = checkin.day.place
    record_duty(**payload)


def _enrol_on_the_spot(session: TrainingSession, person: Person, *, outside: bool) -> Enrolment:
    enrolment, _ = Enrolment.objects.get_or_create(
        session=session,
        person=person,
        defaults={"status": S.CONFIRMED, "outside_target": outside, "responded_at": timezone.now()},
    )
    return enrolment


def _create_checkin(enrolment: Enrolment, day: TrainingDay, *, actor, note: str, **fields) -> tuple[CheckIn, bool]:
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(enrolment=enrolment, day=day, by=actor, **fields)
    except IntegrityError:
        return CheckIn.objects.select_related("day__session", "enrolment__person").get(
            enrolment=enrolment, day=day
        ), False
    checkin.enrolment = enrolment
    checkin.day = day
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=checkin, note=note)
    if not checkin.flagged:
        # A flagged check-in (outside the target) reaches the archive only when staff accept it.
        _record_duty(checkin, actor=actor)
    return checkin, True


@transaction.atomic
def check_in_by_qr(*, actor, day_id: int, token: str, now: dt.datetime | None = None) -> tuple[CheckIn, bool]:
    """Check the deputy `actor` in on day `day_id` with a scanned code. Returns (check-in, created); scanning
    twice keeps the first check-in. Raises CheckInRefused (a Chinese message) for a bad code or a refused deputy."""
    now = now or timezone.now()
    verify_token(token, day_id, now)
    if not actor.person_id:
        raise CheckInRefused(MSG_NO_PERSON, code="no_person")
    day = TrainingDay.objects.select_related("session__congress").filter(pk=day_id).first()
    if day is None:
        raise CheckInRefused("签到码无效，请扫描培训现场大屏上的二维码。", code="forged")
    if timezone.localdate(now) != day.date:
        raise CheckInRefused(MSG_NOT_TODAY, code="not_today")
    session = day.session
    person = actor.person
    enrolment = Enrolment.objects.filter(session=session, person=person).select_related("person").first()
    if enrolment is None:
        inside = target_persons(session, on=day.date).filter(pk=person.pk).exists()
        if not inside and outside_target_policy() == OUTSIDE_REFUSE:
            raise CheckInRefused(MSG_OUTSIDE, code="outside_target")
        enrolment = _enrol_on_the_spot(session, person, outside=not inside)
    return _create_checkin(
        enrolment,
        day,
        actor=actor,
        note="扫码签到" + ("（非参训对象）" if enrolment.outside_target else ""),
        checked_at=now,
        method=CheckIn.Method.QR,
        flagged=enrolment.outside_target,
    )


@transaction.atomic
def check_in_by_hand(
    day: TrainingDay, *, actor, person: Person, reason: str, at: dt.datetime | None = None
) -> tuple[CheckIn, bool]:
    """Staff check a deputy in by hand (人工补签), with a reason: a phone without signal, a forgotten phone."""
    session = day.session
    _require_manager(actor, session=session)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写补签原因。"})
    at = at or timezone.now()
    if timezone.localdate(at) < day.date or at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": "签到时间应在培训当天且不晚于现在。"})
    if timezone.localdate(at) != day.date:
        at = timezone.make_aware(dt.datetime.combine(day.date, day.start_time))
    enrolment = Enrolment.objects.filter(session=session, person=person).first()
    if enrolment is None:
        if not active_seats(day.date).filter(person=person).exists():
            raise ValidationError({"person": "该人员没有有效的代表资格。"})
        inside = target_persons(session, on=day.date).filter(pk=person.pk).exists()
        enrolment = _enrol_on_the_spot(session, person, outside=not inside)
    return _create_checkin(
        enrolment,
        day,
        actor=actor,
        note=f"人工补签：{reason}",
        checked_at=at,
        method=CheckIn.Method.MANUAL,
        manual_reason=reason[:200],
    )


@transaction.atomic
def clear_flag(checkin: CheckIn, *, actor) -> CheckIn:
    """Staff have looked at an outside-target check-in and accept it."""
    checkin = CheckIn.objects.select_for_update().select_related("day__session", "enrolment__person").get(pk=checkin.pk)
    _require_manager(actor, session=checkin.day.session)
    if not checkin.flagged:
        raise IllegalTransition("该签到记录无需核实。")
    checkin.flagged = False
    checkin.save(update_fields=["flagged"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=checkin, changes={"flagged": [True, False]})
    _record_duty(checkin, actor=actor)
    return checkin


# --- reminders ------------------------------------------------------------------------------------------------


@transaction.atomic
def send_reminders(*, today: dt.date | None = None) -> int:
    """Remind the invited and confirmed deputies of every session that has a day tomorrow. Once per deputy and
    session (the notification key), however often this runs and however many days the session has."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    days = {d.session_id: d for d in TrainingDay.objects.filter(date=tomorrow).select_related("session")}
    if not days:
        return 0
    enrolments = Enrolment.objects.filter(
        session_id__in=days.keys(), status__in=[S.INVITED, S.CONFIRMED], person__user__is_active=True
    ).select_related("person__user")
    sent = 0
    for enrolment in enrolments:
        day = days[enrolment.session_id]
        sent += _notify_enrolment(
            enrolment,
            event="training.reminder",
            key=f"training.remind:session={enrolment.session_id}:person={enrolment.person_id}",
            title=f"明天培训：{day.session.title}",
            body=f"{day.date:%m月%d日} {day.start_time:%H:%M} 在{day.place}，请准时参加并扫码签到。",
        )
    return sent


# --- study materials ------------------------------------------------------------------------------------------

MATERIAL_TYPES = {"pdf", "docx", "xlsx", "pptx", "jpg", "png", "txt"}
MATERIAL_MAX_BYTES = 30 * 1024 * 1024


@transaction.atomic
def add_material(*, actor, congress: Congress, title: str, file, description: str = "") -> Material:
    _require_manager(actor, congress=congress)
    # Size, type by content, zip bombs, images re-encoded (core.uploads); stored under a name of our own.
    try:
        checked = uploads.check_upload(file, allowed=MATERIAL_TYPES, max_bytes=MATERIAL_MAX_BYTES)
    except uploads.UploadRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    original = os.path.basename(getattr(file, "name", "") or "")
    material = Material(congress=congress, title=title, description=description, uploaded_by=actor)
    material.file.save(f"{uuid.uuid4().hex[:12]}.{checked.ext}", ContentFile(checked.data), save=False)
    material.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=material, note=f"文件：{original[:200]}")
    return material


@transaction.atomic
def record_handout(material: Material, *, actor, persons, session: TrainingSession | None = None) -> int:
    """Record that `material` was handed out to `persons` (at `session`). Returns the number of new records."""
    if session is not None:
        _require_manager(actor, session=session)
    elif not permissions.visible_materials(actor).filter(pk=material.pk).exists() or not permissions.can_manage_any(
        actor
    ):
        raise PermissionDenied("您不能登记该资料的发放。")
    existing = set(
        MaterialHandout.objects.filter(material=material, session=session).values_list("person_id", flat=True)
    )
    new = [p for p in persons if p.pk not in existing]
    MaterialHandout.objects.bulk_create(
        [MaterialHandout(material=material, person=p, session=session, by=actor) for p in new]
    )
    if new:
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=material, note=f"发放给 {len(new)} 名代表")
    return len(new)
