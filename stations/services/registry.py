"""The station registry (stations, stationed deputies, photos, equipment, 制度) and the standards (checklists,
evidence, inspections)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from core import audit
from deputies.models import Person, Seat

from .. import permissions, standards
from ..models import (
    Checklist,
    ChecklistItem,
    DutySlot,
    Equipment,
    Evidence,
    Inspection,
    InspectionResult,
    Station,
    StationDeputy,
    StationDocument,
    StationPhoto,
)
from ._common import A, _require, _township_of
from .duty import _substitute

__all__ = [
    "STATION_FIELDS",
    "create_station",
    "update_station",
    "station_deputy",
    "remove_deputy",
    "add_photo",
    "add_equipment",
    "add_document",
    "save_checklist",
    "record_evidence",
    "record_inspection",
]


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
    standards.refresh([station])
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
    standards.refresh([station])
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


# Rules documents and evidence: PDF, Word or a picture, checked by content (core.uploads), at most 20 MB.
DOCUMENT_TYPES = {"pdf", "docx", "jpg", "png"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def _checked_file(upload, field: str):
    """(a name of our own, the checked content) — or a ValidationError on `field` with the Chinese reason."""
    import uuid

    from django.core.files.base import ContentFile

    from core import uploads

    try:
        checked = uploads.check_upload(upload, allowed=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES)
    except uploads.UploadRejected as exc:
        raise ValidationError({field: str(exc)}) from exc
    return f"{uuid.uuid4().hex[:12]}.{checked.ext}", ContentFile(checked.data)


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
        name, data = _checked_file(upload, "file")
        doc.file.save(name, data, save=False)
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
    standards.refresh(Station.objects.filter(checklist=checklist))
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
        name, data = _checked_file(upload, "file")
        evidence.file.save(name, data, save=False)
    evidence.save()
    audit.record(actor=actor, action=A.CREATE, obj=station, note=f"达标佐证：{item.name}")
    standards.refresh([station])
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
    standards.refresh([station])
    return inspection
