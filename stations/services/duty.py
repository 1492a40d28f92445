"""The rotating duty roster: generation, publication, swaps, reassignments, leave, duty done, and the reminder the
day before."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.exceptions import IllegalTransition
from core.notifications import notify
from deputies.models import Person

from .. import permissions
from .. import roster as roster_plan
from ..models import (
    DutyLeave,
    DutySlot,
    Roster,
    Station,
    StationDeputy,
)
from ._common import A, _require

__all__ = [
    "period_bounds",
    "generate_roster",
    "publish_roster",
    "delete_roster",
    "reassign_slot",
    "swap_slots",
    "record_leave",
    "confirm_duty",
    "send_duty_reminders",
]


# --- roster ----------------------------------------------------------------------------------------------------------


def _on_leave(person_ids, start: dt.date, end: dt.date) -> dict[dt.date, set[int]]:
    out: dict[dt.date, set[int]] = {}
    for leave in DutyLeave.objects.filter(person_id__in=person_ids, start__lte=end, end__gte=start):
        day = max(leave.start, start)
        while day <= min(leave.end, end):
            out.setdefault(day, set()).add(leave.person_id)
            day += dt.timedelta(days=1)
    return out


def period_bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """A month (number 1–12) or a quarter (number 1–4) as (first day, last day)."""
    if kind == "quarter":
        if not 1 <= number <= 4:
            raise ValidationError({"number": "季度应为 1 至 4。"})
        first_month, months = 3 * (number - 1) + 1, 3
    else:
        if not 1 <= number <= 12:
            raise ValidationError({"number": "月份应为 1 至 12。"})
        first_month, months = number, 1
    start = dt.date(year, first_month, 1)
    end_month = first_month + months
    end = dt.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


@transaction.atomic
def generate_roster(station: Station, *, actor, start: dt.date, end: dt.date, publish: bool = False) -> Roster:
    """The rotating roster of `station` from `start` to `end` on its fixed reception days."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require(permissions.can_keep_records(actor, station))
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if (end - start).days > 92:
        raise ValidationError({"end": "值班表最长排一个季度。"})
    if not station.weekdays:
        raise ValidationError({"start": "请先在站点信息中设置固定接待日。"})
    if Roster.objects.filter(station=station, start__lte=end, end__gte=start).exists():
        raise ValidationError({"start": "该期间已有值班表，请先删除原值班表再重新生成。"})
    members = list(
        StationDeputy.objects.filter(station=station, is_active=True)
        .order_by("order", "id")
        .values_list("person_id", flat=True)
    )
    if not members:
        raise ValidationError({"start": "本站还没有进站代表，无法排班。"})
    days = roster_plan.reception_days(start, end, station.weekdays)
    if not days:
        raise ValidationError({"start": "该期间没有固定接待日。"})
    schedule = roster_plan.plan(days, members, per_day=station.deputies_per_day, leave=_on_leave(members, start, end))
    roster = Roster.objects.create(
        station=station, start=start, end=end, created_by=actor, published_at=timezone.now() if publish else None
    )
    DutySlot.objects.bulk_create(
        DutySlot(roster=roster, station=station, date=day, person_id=pid)
        for day, pids in schedule.items()
        for pid in pids
    )
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"生成{roster}")
    return roster


@transaction.atomic
def publish_roster(roster: Roster, *, actor) -> Roster:
    _require(permissions.can_keep_records(actor, roster.station))
    if roster.published_at:
        raise IllegalTransition("该值班表已公布。")
    roster.published_at = timezone.now()
    roster.save(update_fields=["published_at"])
    audit.record(actor=actor, action=A.TRANSITION, obj=roster.station, note=f"公布{roster}")
    return roster


@transaction.atomic
def delete_roster(roster: Roster, *, actor) -> None:
    _require(permissions.can_keep_records(actor, roster.station))
    if roster.slots.exclude(status=DutySlot.Status.SCHEDULED).exists():
        raise IllegalTransition("值班表中已有履职记录，不能删除。")
    audit.record(actor=actor, action=A.DELETE, obj=roster.station, note=f"删除{roster}")
    roster.delete()


def _lock_slot(slot) -> DutySlot:
    return DutySlot.objects.select_for_update().select_related("station", "person").get(pk=slot.pk)


def _check_free(person_id: int, slot: DutySlot, day: dt.date) -> None:
    if DutyLeave.objects.filter(person_id=person_id, start__lte=day, end__gte=day).exists():
        raise ValidationError({"person": f"该代表 {day:%m月%d日} 请假，不能安排值班。"})
    if DutySlot.objects.filter(station_id=slot.station_id, date=day, person_id=person_id).exclude(pk=slot.pk).exists():
        raise ValidationError({"person": f"该代表 {day:%m月%d日} 已有值班安排。"})


@transaction.atomic
def reassign_slot(slot: DutySlot, person: Person, *, actor) -> DutySlot:
    slot = _lock_slot(slot)
    _require(permissions.can_keep_records(actor, slot.station))
    if slot.status != DutySlot.Status.SCHEDULED:
        raise IllegalTransition("已履职的值班不能调整。")
    if not StationDeputy.objects.filter(station_id=slot.station_id, person=person, is_active=True).exists():
        raise ValidationError({"person": f"{person} 不是本站进站代表。"})
    _check_free(person.pk, slot, slot.date)
    old = slot.person
    slot.person = person
    slot.save(update_fields=["person"])
    audit.record(actor=actor, action=A.UPDATE, obj=slot.station, note=f"{slot.date} 值班由 {old} 调整为 {person}")
    return slot


@transaction.atomic
def swap_slots(first: DutySlot, second: DutySlot, *, actor) -> None:
    """Two deputies trade their duty days (换班)."""
    a, b = sorted([first, second], key=lambda s: s.pk)
    a, b = _lock_slot(a), _lock_slot(b)
    _require(permissions.can_keep_records(actor, a.station))
    if a.station_id != b.station_id:
        raise ValidationError({"other": "只能与本站的值班对调。"})
    if a.status != DutySlot.Status.SCHEDULED or b.status != DutySlot.Status.SCHEDULED:
        raise IllegalTransition("已履职的值班不能对调。")
    if a.person_id == b.person_id:
        raise ValidationError({"other": "两个值班是同一位代表，无需对调。"})
    _check_free(b.person_id, a, a.date)
    _check_free(a.person_id, b, b.date)
    pa, pb = a.person, b.person
    # Free the unique (station, date, person) first: the two rows change persons in two steps.
    a.person, b.person = pb, pa
    DutySlot.objects.filter(pk=a.pk).update(person=pb)
    DutySlot.objects.filter(pk=b.pk).update(person=pa)
    audit.record(actor=actor, action=A.UPDATE, obj=a.station, note=f"换班：{a.date} {pa}↔{b.date} {pb}")


def _substitute(slot: DutySlot) -> bool:
    """Give `slot` to another stationed deputy free that day with the fewest duties in the roster; delete the slot
    when nobody is free. Returns whether a substitute was found."""
    members = list(
        StationDeputy.objects.filter(station_id=slot.station_id, is_active=True)
        .exclude(person_id=slot.person_id)
        .order_by("order", "id")
        .values_list("person_id", flat=True)
    )
    busy = set(DutySlot.objects.filter(station_id=slot.station_id, date=slot.date).values_list("person_id", flat=True))
    away = _on_leave(members, slot.date, slot.date).get(slot.date, set())
    free = [p for p in members if p not in busy and p not in away]
    if not free:
        slot.delete()
        return False
    counts = {p: 0 for p in free}
    for pid in DutySlot.objects.filter(roster_id=slot.roster_id, person_id__in=free).values_list(
        "person_id", flat=True
    ):
        counts[pid] += 1
    slot.person_id = min(free, key=lambda p: (counts[p], free.index(p)))
    slot.save(update_fields=["person"])
    return True


@transaction.atomic
def record_leave(person: Person, *, actor, start: dt.date, end: dt.date, reason: str, station: Station | None = None):
    """A deputy's leave: their scheduled duties in the period go to substitutes. Returns (leave, uncovered days)."""
    if station is not None:
        _require(permissions.can_keep_records(actor, station) or actor.person_id == person.pk)
    else:
        _require(permissions.can_manage_any(actor) or actor.person_id == person.pk)
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写请假事由。"})
    leave = DutyLeave.objects.create(person=person, start=start, end=end, reason=reason.strip(), created_by=actor)
    uncovered = []
    slots = DutySlot.objects.select_for_update().filter(
        person=person, status=DutySlot.Status.SCHEDULED, date__gte=start, date__lte=end
    )
    if station is not None:
        slots = slots.filter(station=station)
    for slot in slots.order_by("date"):
        if not _substitute(slot):
            uncovered.append(slot.date)
    audit.record(actor=actor, action=A.CREATE, obj=person, note=f"值班请假 {start} 至 {end}：{leave.reason}")
    return leave, uncovered


@transaction.atomic
def confirm_duty(slot: DutySlot, *, actor, done: bool = True, note: str = "") -> DutySlot:
    """Record whether the deputy came (履职) or not; a duty done goes to the deputy's archive as 接待选民."""
    slot = _lock_slot(slot)
    _require(permissions.can_keep_records(actor, slot.station))
    if slot.status != DutySlot.Status.SCHEDULED:
        raise IllegalTransition("该值班已登记。")
    if slot.date > timezone.localdate():
        raise IllegalTransition("值班日尚未到，不能登记履职。")
    _mark_done(slot, actor=actor, done=done, note=note)
    return slot


def _mark_done(slot: DutySlot, *, actor, done: bool = True, note: str = "") -> None:
    from duties.models import DutyType
    from duties.services import record_duty

    slot.status = DutySlot.Status.DONE if done else DutySlot.Status.MISSED
    slot.note = note[:200]
    slot.save(update_fields=["status", "note"])
    if done:
        record_duty(
            person=slot.person,
            type_code=DutyType.RECEPTION,
            date=slot.date,
            title=f"在{slot.station.name}值班接待选民",
            place=slot.station.address,
            source=f"station_duty:{slot.pk}",
            actor=actor,
        )
    audit.record(
        actor=actor,
        action=A.TRANSITION,
        obj=slot.station,
        note=f"{slot.date} {slot.person} {slot.get_status_display()}",
    )


# --- reminders (called by tasks) -------------------------------------------------------------------------------------


def send_duty_reminders(today: dt.date | None = None) -> int:
    """Tell each deputy on duty tomorrow, once per duty (the notification key names the slot)."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    slots = (
        DutySlot.objects.filter(date=tomorrow, status=DutySlot.Status.SCHEDULED, station__is_active=True)
        .select_related("station", "person")
        .order_by("id")
    )
    users = {u.person_id: u for u in User.objects.filter(person_id__in=[s.person_id for s in slots], is_active=True)}
    sent = 0
    for slot in slots:
        user = users.get(slot.person_id)
        if user is None:
            continue
        with transaction.atomic():
            station = slot.station
            note = notify(
                user,
                event="station.duty.reminder",
                key=f"station.duty.reminder:slot={slot.pk}",
                title=f"明天（{slot.date:%m月%d日}）请到{station.name}值班接待选民",
                body=f"地址：{station.address}；接待时段：{station.reception_hours or station.opening_hours}",
                url="/stations/my/",
            )
        sent += note is not None
    return sent
