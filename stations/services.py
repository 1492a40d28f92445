"""Station operations: one atomic function per action, each taking the acting user as `actor=` and writing its audit
entry in the same transaction. Views, the API and tasks call these; none of them holds a rule of its own.

Bad input raises django.core.exceptions.ValidationError with Chinese messages keyed by field; an action the role never
has raises PermissionDenied; an action the record's state does not allow raises core.exceptions.IllegalTransition.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core import audit
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.notifications import notify
from deputies.models import Person, Seat

from . import permissions
from . import roster as roster_plan
from .models import (
    CONSENT_TEXT,
    Activity,
    ActivityPhoto,
    Checklist,
    ChecklistItem,
    DutyLeave,
    DutySlot,
    Equipment,
    Evidence,
    Inspection,
    InspectionResult,
    Message,
    MessageNote,
    Reception,
    ReceptionNote,
    Roster,
    Station,
    StationDeputy,
    StationDocument,
    StationPhoto,
)

A = AuditEntry.Action
STATION_FIELDS = (
    "congress",
    "kind",
    "name",
    "area",
    "sector",
    "address",
    "opening_hours",
    "reception_weekdays",
    "reception_hours",
    "deputies_per_day",
    "phone",
    "description",
    "checklist",
    "is_active",
)


def _require(condition: bool, message: str = "您没有执行此操作的权限。") -> None:
    if not condition:
        raise PermissionDenied(message)


def _township_of(area):
    """The township/street an area belongs to (itself for a township, its parent for a village)."""
    if area is None:
        return None
    if area.level == "township":
        return area
    if area.level == "village":
        return area.parent
    return None


# --- registry --------------------------------------------------------------------------------------------------------


def _validate_station(station: Station, actor) -> None:
    errors = {}
    if not (station.name or "").strip():
        errors["name"] = "请填写站点名称。"
    if station.kind == Station.Kind.HOME and station.area_id and station.area.level != "township":
        errors["area"] = "代表之家应设在乡镇（街道），请选择乡镇（街道）。"
    if station.kind == Station.Kind.WORKSTATION and station.area_id and station.area.level != "village":
        errors["area"] = "代表工作站应设在村（社区），请选择村（社区）。"
    if station.kind == Station.Kind.SECTOR and not (station.sector or "").strip():
        errors["sector"] = "行业代表联络站请填写所属行业。"
    if station.reception_weekdays and not station.weekdays:
        errors["reception_weekdays"] = "固定接待日请填写 1 至 7 的数字，如：3 或 1,4。"
    if not station.deputies_per_day or station.deputies_per_day < 1:
        errors["deputies_per_day"] = "每个接待日至少安排 1 名代表。"
    if station.congress_id and not permissions.can_manage(actor, station):
        errors["congress"] = "您不能为该人大登记站点。"
    if station.congress_id and station.name:
        clash = Station.objects.filter(congress_id=station.congress_id, name=station.name.strip())
        if clash.exclude(pk=station.pk).exists():
            errors["name"] = "该人大已有同名站点。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_station(*, actor, liaisons=(), **data) -> Station:
    _require(permissions.can_manage_any(actor))
    station = Station(**{k: v for k, v in data.items() if k in STATION_FIELDS})
    station.name = (station.name or "").strip()
    _validate_station(station, actor)
    station.township = _township_of(station.area)
    station.save()
    if liaisons:
        _set_liaisons(station, liaisons)
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"登记站点（{station.get_kind_display()}）")
    return station


@transaction.atomic
def update_station(station: Station, *, actor, liaisons=None, **data) -> Station:
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require(permissions.can_manage(actor, station))
    before = audit.snapshot(station, STATION_FIELDS)
    for key, value in data.items():
        if key in STATION_FIELDS:
            setattr(station, key, value)
    _validate_station(station, actor)
    station.township = _township_of(station.area)
    station.save()
    if liaisons is not None:
        _set_liaisons(station, liaisons)
    audit.record(
        actor=actor, action=A.UPDATE, obj=station, changes=audit.diff(before, audit.snapshot(station, STATION_FIELDS))
    )
    return station


def _set_liaisons(station: Station, users) -> None:
    users = list(users)
    for user in users:
        if not user.has_role(Role.LIAISON):
            raise ValidationError({"liaisons": f"{user} 不是站点联络员角色，请先在用户管理中赋予“站点联络员”角色。"})
    station.liaisons.set(users)


@transaction.atomic
def station_deputy(station: Station, person: Person, *, actor, since=None, order: int = 0) -> StationDeputy:
    """Station a deputy (进站), or bring a deputy who left back."""
    _require(permissions.can_keep_records(actor, station))
    if not Seat.objects.filter(person=person, status=Seat.Status.ACTIVE).exists():
        raise ValidationError({"person": f"{person} 没有在任的代表资格，不能进站。"})
    member, created = StationDeputy.objects.get_or_create(
        station=station, person=person, defaults={"since": since or timezone.localdate(), "order": order}
    )
    if not created and not member.is_active:
        member.is_active = True
        member.save(update_fields=["is_active"])
    elif not created:
        raise ValidationError({"person": f"{person} 已是本站进站代表。"})
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"进站代表：{person}")
    return member


@transaction.atomic
def remove_deputy(member: StationDeputy, *, actor) -> None:
    _require(permissions.can_keep_records(actor, member.station))
    member.is_active = False
    member.save(update_fields=["is_active"])
    # Their future duties go to the others.
    future = DutySlot.objects.filter(
        station=member.station, person=member.person, status=DutySlot.Status.SCHEDULED, date__gt=timezone.localdate()
    )
    for slot in future:
        _substitute(slot)
    audit.record(actor=actor, action=A.UPDATE, obj=member.station, note=f"代表离站：{member.person}")


@transaction.atomic
def add_photo(station: Station, upload, *, actor, caption: str = "") -> StationPhoto:
    from duties.photos import compress

    _require(permissions.can_keep_records(actor, station))
    content, _w, _h = compress(upload)
    photo = StationPhoto(station=station, caption=caption.strip())
    photo.image.save(content.name, content, save=False)
    photo.save()
    audit.record(actor=actor, action=A.CREATE, obj=station, note="上传站点照片")
    return photo


@transaction.atomic
def add_equipment(station: Station, *, actor, name: str, quantity: int = 1, note: str = "") -> Equipment:
    _require(permissions.can_keep_records(actor, station))
    if not (name or "").strip():
        raise ValidationError({"name": "请填写设备名称。"})
    item = Equipment.objects.create(station=station, name=name.strip(), quantity=quantity or 1, note=note)
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"登记设备：{item.name}×{item.quantity}")
    return item


@transaction.atomic
def add_document(station: Station, *, actor, title: str, upload=None, content: str = "") -> StationDocument:
    _require(permissions.can_keep_records(actor, station))
    if not (title or "").strip():
        raise ValidationError({"title": "请填写制度名称。"})
    if upload is None and not content.strip():
        raise ValidationError({"content": "请上传制度文件或填写制度内容。"})
    doc = StationDocument(station=station, title=title.strip(), content=content)
    if upload is not None:
        doc.file.save(upload.name, upload, save=False)
    doc.save()
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"上传制度：{doc.title}")
    return doc


# --- standards -------------------------------------------------------------------------------------------------------


@transaction.atomic
def save_checklist(*, actor, congress, name: str, items: list[tuple[str, str]], checklist=None) -> Checklist:
    """Create or edit a checklist: `items` is the full list of (name, required evidence) in order. Items kept by
    name keep their evidence; removed items are deleted with their evidence."""
    from accounts.scopes import can_manage_congress

    _require(can_manage_congress(actor, congress.pk), "只有本级人大的工作人员可以修改建设标准。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写标准名称。"})
    items = [(n.strip(), (e or "").strip()) for n, e in items if n and n.strip()]
    if not items:
        raise ValidationError({"items": "请至少填写一项标准。"})
    if len({n for n, _ in items}) != len(items):
        raise ValidationError({"items": "标准项名称不能重复。"})
    if checklist is None:
        if Checklist.objects.filter(congress=congress, name=name).exists():
            raise ValidationError({"name": "已有同名的建设标准。"})
        checklist = Checklist.objects.create(congress=congress, name=name)
        action = A.CREATE
    else:
        checklist.name = name
        checklist.save(update_fields=["name"])
        action = A.UPDATE
    existing = {i.name: i for i in checklist.items.all()}
    keep = []
    for order, (item_name, evidence) in enumerate(items, 1):
        item = existing.get(item_name) or ChecklistItem(checklist=checklist, name=item_name)
        item.order, item.required_evidence = order, evidence
        item.save()
        keep.append(item.pk)
    checklist.items.exclude(pk__in=keep).delete()
    audit.record(actor=actor, action=action, obj=checklist, note="、".join(n for n, _ in items))
    return checklist


@transaction.atomic
def record_evidence(station: Station, item: ChecklistItem, *, actor, note: str, upload=None) -> Evidence:
    _require(permissions.can_keep_records(actor, station))
    if station.checklist_id != item.checklist_id:
        raise ValidationError({"item": "该标准项不属于本站点适用的建设标准。"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写佐证说明。"})
    evidence = Evidence(station=station, item=item, note=note.strip(), recorded_by=actor)
    if upload is not None:
        evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"达标佐证：{item.name}")
    return evidence


@transaction.atomic
def record_inspection(
    station: Station, *, actor, date: dt.date, results: dict[int, bool], conclusion: str = "", notes=None
) -> Inspection:
    """A staff inspection: `results` maps every checklist item id to passed/failed."""
    _require(permissions.can_manage(actor, station), "只有人大工作人员可以登记站点检查。")
    if not station.checklist_id:
        raise ValidationError({"results": "该站点未设定建设标准，无法检查。"})
    item_ids = set(station.checklist.items.values_list("pk", flat=True))
    if set(results) != item_ids:
        raise ValidationError({"results": "请对每一项标准给出检查结论。"})
    inspection = Inspection.objects.create(station=station, date=date, inspector=actor, conclusion=conclusion)
    notes = notes or {}
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item_id=pk, passed=bool(ok), note=notes.get(pk, "")[:200])
        for pk, ok in results.items()
    )
    failed = sum(1 for ok in results.values() if not ok)
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"站点检查：{failed} 项未达标")
    return inspection


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


# --- receptions ------------------------------------------------------------------------------------------------------

RECEPTION_FIELDS = ("date", "deputy", "visitor_name", "visitor_phone", "visitor_count", "topic", "content", "category")


def _validate_reception(r: Reception) -> None:
    errors = {}
    for field, msg in (
        ("visitor_name", "请填写来访人姓名。"),
        ("topic", "请填写反映事项。"),
        ("content", "请填写具体内容。"),
    ):
        if not (getattr(r, field) or "").strip():
            errors[field] = msg
    if r.date and r.date > timezone.localdate():
        errors["date"] = "接待日期不能晚于今天。"
    if r.visitor_phone and not r.visitor_phone.replace("-", "").isdigit():
        errors["visitor_phone"] = "联系电话只能填写数字。"
    if r.deputy_id and not StationDeputy.objects.filter(station_id=r.station_id, person_id=r.deputy_id).exists():
        errors["deputy"] = "接待代表应为本站进站代表。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_reception(station: Station, *, actor, **data) -> Reception:
    """A reception record. When the deputy was on duty that day, the duty counts as done (接待选民 in the archive)."""
    _require(permissions.can_keep_records(actor, station))
    reception = Reception(
        station=station, recorded_by=actor, **{k: v for k, v in data.items() if k in RECEPTION_FIELDS}
    )
    for field in ("visitor_name", "visitor_phone", "topic", "content"):
        setattr(reception, field, (getattr(reception, field) or "").strip())
    _validate_reception(reception)
    if reception.deputy_id:
        slot = (
            DutySlot.objects.select_for_update()
            .select_related("station", "person")
            .filter(station=station, date=reception.date, person_id=reception.deputy_id)
            .first()
        )
        if slot is not None:
            reception.slot = slot
            if slot.status == DutySlot.Status.SCHEDULED:
                _mark_done(slot, actor=actor)
    reception.save()
    audit.record(actor=actor, action=A.CREATE, obj=reception, note=f"接待登记：{reception.topic}")
    return reception


def _lock_reception(reception) -> Reception:
    return Reception.objects.select_for_update(of=("self",)).select_related("station", "deputy").get(pk=reception.pk)


def _can_handle_reception(actor, reception: Reception) -> bool:
    return permissions.can_keep_records(actor, reception.station) or (
        actor.person_id is not None and actor.person_id == reception.deputy_id
    )


@transaction.atomic
def answer_on_spot(reception: Reception, *, actor, answer: str) -> Reception:
    reception = _lock_reception(reception)
    _require(_can_handle_reception(actor, reception))
    if reception.handling != Reception.Handling.PENDING or reception.status != Reception.Status.OPEN:
        raise IllegalTransition("该事项已处理。")
    if not (answer or "").strip():
        raise ValidationError({"answer": "请填写答复内容。"})
    reception.handling = Reception.Handling.ON_SPOT
    reception.answer = reception.result = answer.strip()
    reception.status = Reception.Status.RESOLVED
    reception.resolved_at = timezone.now()
    reception.save(update_fields=["handling", "answer", "result", "status", "resolved_at"])
    audit.record(actor=actor, action=A.TRANSITION, obj=reception, note="当场答复并办结")
    return reception


def deputy_user(person: Person) -> User:
    user = User.objects.filter(person=person, is_active=True).first()
    if user is None:
        raise ValidationError({"deputy": f"{person} 尚未开通平台账号，无法生成建议草稿，请先为其开通账号。"})
    return user


def _suggestion_congress(person: Person, station: Station):
    """The congress the deputy's suggestion goes to: the station's congress if the deputy sits there, else the
    deputy's managed congress of the lowest level above it."""
    seats = Seat.objects.filter(person=person, status=Seat.Status.ACTIVE, congress__is_managed=True).select_related(
        "congress"
    )
    seats = list(seats)
    for seat in seats:
        if seat.congress_id == station.congress_id:
            return seat.congress
    if seats:
        from organization.models import Congress

        order = Congress.LEVEL_ORDER
        return max(seats, key=lambda s: order.index(s.congress.level)).congress
    raise ValidationError({"deputy": f"{person} 没有在本平台管理的人大的在任代表资格，不能提出建议。"})


def _draft_for(person: Person, station: Station, *, title: str, content: str):
    from suggestions.services import create_draft

    return create_draft(
        actor=deputy_user(person), congress=_suggestion_congress(person, station), title=title, content=content
    )


@transaction.atomic
def turn_into_suggestion(reception: Reception, *, actor, title: str = "") -> Reception:
    """One action: a draft suggestion (草稿) for the deputy who received the visitor, carrying what was raised;
    the reception points to the draft, the draft's `station_reception` back to the reception. The deputy then
    completes and submits it."""
    reception = _lock_reception(reception)
    _require(_can_handle_reception(actor, reception))
    if reception.suggestion_id or reception.status != Reception.Status.OPEN:
        raise IllegalTransition("该事项已处理，不能再转为建议。")
    if not reception.deputy_id:
        raise ValidationError({"deputy": "请先登记接待代表，建议草稿将以该代表名义生成。"})
    content = (
        f"{reception.content}\n\n"
        f"（来源：{reception.date:%Y年%m月%d日}{reception.station.name}接待选民，"
        f"反映人：{reception.visitor_name}，类别：{reception.get_category_display()}）"
    )
    suggestion = _draft_for(
        reception.deputy, reception.station, title=(title or reception.topic).strip(), content=content
    )
    reception.suggestion = suggestion
    reception.handling = Reception.Handling.SUGGESTION
    reception.save(update_fields=["suggestion", "handling"])
    audit.record(actor=actor, action=A.TRANSITION, obj=reception, note=f"转为代表建议草稿（建议 {suggestion.pk}）")
    user = deputy_user(reception.deputy)
    notify(
        user,
        event="station.reception.suggestion",
        key=f"station.reception.suggestion:r={reception.pk}",
        title=f"接待事项“{reception.topic[:30]}”已生成建议草稿，请完善后提交",
        url=f"/suggestions/{suggestion.pk}/",
    )
    return reception


@transaction.atomic
def refer_reception(reception: Reception, *, actor, unit, note: str = "") -> Reception:
    reception = _lock_reception(reception)
    _require(_can_handle_reception(actor, reception))
    if reception.status != Reception.Status.OPEN or reception.handling not in (
        Reception.Handling.PENDING,
        Reception.Handling.REFERRED,
    ):
        raise IllegalTransition("该事项已处理，不能转交。")
    if unit is None:
        raise ValidationError({"unit": "请选择转交部门。"})
    reception.handling = Reception.Handling.REFERRED
    reception.unit = unit
    reception.save(update_fields=["handling", "unit"])
    ReceptionNote.objects.create(reception=reception, author=actor, text=f"转交{unit}。{note}".strip())
    audit.record(actor=actor, action=A.TRANSITION, obj=reception, note=f"转交{unit}")
    return reception


@transaction.atomic
def add_reception_note(reception: Reception, *, actor, text: str) -> ReceptionNote:
    reception = _lock_reception(reception)
    _require(_can_handle_reception(actor, reception))
    if reception.status != Reception.Status.OPEN:
        raise IllegalTransition("该事项已办结。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写跟踪情况。"})
    note = ReceptionNote.objects.create(reception=reception, author=actor, text=text.strip())
    audit.record(actor=actor, action=A.UPDATE, obj=reception, note="跟踪记录")
    return note


@transaction.atomic
def resolve_reception(reception: Reception, *, actor, result: str) -> Reception:
    reception = _lock_reception(reception)
    _require(_can_handle_reception(actor, reception))
    if reception.status != Reception.Status.OPEN:
        raise IllegalTransition("该事项已办结。")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写办理结果。"})
    reception.status = Reception.Status.RESOLVED
    reception.result = result.strip()
    reception.resolved_at = timezone.now()
    reception.save(update_fields=["status", "result", "resolved_at"])
    audit.record(actor=actor, action=A.TRANSITION, obj=reception, note="办结")
    return reception


# --- activities ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_activity(station: Station, *, actor, attendees=(), photos=(), **data) -> Activity:
    from duties.photos import MAX_PHOTOS, compress

    _require(permissions.can_keep_records(actor, station))
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": "请填写活动主题。"})
    if not data.get("date"):
        raise ValidationError({"date": "请填写活动日期。"})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"最多上传 {MAX_PHOTOS} 张照片。"})
    fields = {k: data[k] for k in ("kind", "date", "title", "content", "other_attendance") if k in data}
    activity = Activity.objects.create(station=station, created_by=actor, **fields)
    if attendees:
        activity.attendees.set(attendees)
    for upload in photos:
        content, _w, _h = compress(upload)
        photo = ActivityPhoto(activity=activity)
        photo.image.save(content.name, content, save=False)
        photo.save()
    audit.record(actor=actor, action=A.CREATE, obj=activity, note=f"站点活动：{activity.title}")
    return activity


# --- messages (群众留言) ----------------------------------------------------------------------------------------


def message_handlers(message: Message):
    """Who is told about a message: the deputy it is addressed to (their account), else the station's liaisons,
    else the office staff of the station's congress."""
    if message.person_id:
        users = list(User.objects.filter(person_id=message.person_id, is_active=True))
        if users:
            return users
    liaisons = list(message.station.liaisons.filter(is_active=True))
    if liaisons:
        return liaisons
    return list(
        User.objects.filter(
            congress_id=message.station.congress_id, is_active=True, roles__role__in=[Role.STAFF, Role.TOWN_STAFF]
        ).distinct()
    )


@transaction.atomic
def submit_message(
    station: Station,
    *,
    topic: str,
    content: str,
    consent: bool,
    person: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    category: str = "other",
) -> Message:
    """A constituent's message (no login). Returns it with its tracking code."""
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = "请填写留言主题。"
    if not (content or "").strip():
        errors["content"] = "请填写留言内容。"
    elif len(content) > 2000:
        errors["content"] = "留言内容请不要超过 2000 字。"
    phone = (contact_phone or "").strip().replace(" ", "")
    if phone and not phone.replace("-", "").isdigit():
        errors["contact_phone"] = "联系电话只能填写数字。"
    if not consent:
        errors["consent"] = "请阅读并勾选个人信息告知，才能提交留言。"
    if not station.is_active:
        errors["topic"] = "该站点已停用，请选择其他站点留言。"
    if person is not None and not StationDeputy.objects.filter(station=station, person=person, is_active=True).exists():
        errors["person"] = "该代表不在本站，请重新选择。"
    if errors:
        raise ValidationError(errors)
    message = Message.objects.create(
        station=station,
        person=person,
        topic=topic.strip()[:100],
        content=content.strip(),
        category=category or "other",
        contact_name=(contact_name or "").strip()[:30],
        contact_phone=phone[:20],
        consent_text=CONSENT_TEXT,
        consented_at=timezone.now(),
    )
    audit.record(actor=None, action=A.CREATE, obj=message, note="群众留言")
    target = f"{person.name}代表" if person else station.name
    for user in message_handlers(message):
        notify(
            user,
            event="station.message.new",
            key=f"station.message.new:msg={message.pk}",
            title=f"{target}收到群众留言：{message.topic[:30]}",
            url=f"/stations/messages/{message.pk}/",
        )
    return message


def _lock_message(message) -> Message:
    return Message.objects.select_for_update(of=("self",)).select_related("station", "person").get(pk=message.pk)


def _author(actor) -> str:
    if actor.person_id:
        return f"{actor.person.name}代表" if hasattr(actor, "person") and actor.person else "代表"
    return "代表之家（站）工作人员"


@transaction.atomic
def reply_message(message: Message, *, actor, text: str) -> Message:
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写答复内容。"})
    message.reply = text.strip()
    message.replied_at = timezone.now()
    if message.status == Message.Status.OPEN:
        message.status = Message.Status.REPLIED
    message.save(update_fields=["reply", "replied_at", "status"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.REPLY, text=message.reply, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note="答复留言")
    return message


@transaction.atomic
def forward_message(
    message: Message, *, actor, unit=None, to_suggestion: bool = False, deputy: Person | None = None, note: str = ""
) -> Message:
    """Forward to a department, or into a deputy's draft suggestion (the addressed deputy, or `deputy`)."""
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if to_suggestion:
        if message.suggestion_id:
            raise IllegalTransition("该留言已转为代表建议。")
        person = message.person or deputy or (actor.person if actor.person_id else None)
        if person is None:
            raise ValidationError({"deputy": "请选择以哪位代表的名义形成建议草稿。"})
        if not StationDeputy.objects.filter(station=message.station, person=person).exists():
            raise ValidationError({"deputy": "该代表不在本站。"})
        content = f"{message.content}\n\n（来源：{message.created_at:%Y年%m月%d日}群众留言，查询码 {message.code}）"
        message.suggestion = _draft_for(person, message.station, title=message.topic, content=content)
        text = f"已转为{person.name}代表的建议，将按代表建议程序办理。{note}".strip()
        notify(
            deputy_user(person),
            event="station.message.suggestion",
            key=f"station.message.suggestion:msg={message.pk}",
            title=f"群众留言“{message.topic[:30]}”已生成建议草稿，请完善后提交",
            url=f"/suggestions/{message.suggestion.pk}/",
        )
    else:
        if unit is None:
            raise ValidationError({"unit": "请选择转交部门。"})
        message.unit = unit
        text = f"已转交{unit}办理。{note}".strip()
    message.status = Message.Status.FORWARDED
    message.save(update_fields=["status", "unit", "suggestion"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.FORWARD, text=text, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note=text[:200])
    return message


@transaction.atomic
def close_message(message: Message, *, actor, result: str) -> Message:
    message = _lock_message(message)
    _require(permissions.can_handle_message(actor, message))
    if not message.is_open:
        raise IllegalTransition("该留言已办结。")
    if not (result or "").strip():
        raise ValidationError({"result": "请填写办理结果。"})
    message.result = result.strip()
    message.status = Message.Status.CLOSED
    message.closed_at = timezone.now()
    message.save(update_fields=["result", "status", "closed_at"])
    MessageNote.objects.create(message=message, kind=MessageNote.Kind.CLOSE, text=message.result, author=actor,
                               author_label=_author(actor))  # fmt: skip
    audit.record(actor=actor, action=A.TRANSITION, obj=message, note="办结留言")
    return message


@transaction.atomic
def rate_message(message: Message, *, rating: str, comment: str = "") -> Message:
    """The sender rates the handling once, after a reply or the result."""
    message = _lock_message(message)
    if message.rating:
        raise IllegalTransition("您已评价过，感谢您的反馈。")
    if message.status not in (Message.Status.REPLIED, Message.Status.CLOSED):
        raise IllegalTransition("留言答复或办结后才能评价。")
    if rating not in Message.Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    message.rating = rating
    message.rating_comment = (comment or "").strip()[:300]
    message.rated_at = timezone.now()
    message.save(update_fields=["rating", "rating_comment", "rated_at"])
    MessageNote.objects.create(
        message=message, kind=MessageNote.Kind.RATING, text=message.get_rating_display(), author_label="留言人"
    )
    audit.record(actor=None, action=A.UPDATE, obj=message, note=f"留言人评价：{message.get_rating_display()}")
    if message.rating == Message.Rating.UNSATISFIED:
        for user in message_handlers(message):
            notify(
                user,
                event="station.message.unsatisfied",
                key=f"station.message.unsatisfied:msg={message.pk}",
                title=f"群众留言“{message.topic[:30]}”的留言人对办理不满意",
                url=f"/stations/messages/{message.pk}/",
            )
    return message


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


def remind_open_messages(now=None) -> int:
    """Remind the handlers of messages still open past each threshold (STATIONS_MESSAGE_REMIND_DAYS), once per
    message and threshold."""
    from django.conf import settings

    now = now or timezone.now()
    sent = 0
    for days in sorted(getattr(settings, "STATIONS_MESSAGE_REMIND_DAYS", [3, 7])):
        cutoff = now - dt.timedelta(days=days)
        qs = Message.objects.filter(status__in=Message.OPEN_STATES, created_at__lte=cutoff).select_related(
            "station", "person"
        )
        for message in qs.iterator(chunk_size=200):
            with transaction.atomic():
                for user in message_handlers(message):
                    note = notify(
                        user,
                        event="station.message.overdue",
                        key=f"station.message.overdue:msg={message.pk}:days={days}",
                        title=f"群众留言“{message.topic[:30]}”已超过 {days} 天未办结，请及时处理",
                        url=f"/stations/messages/{message.pk}/",
                    )
                    sent += note is not None
    return sent
