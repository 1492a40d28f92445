"""Reception records (接待登记) and their handling, and station activities."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.exceptions import IllegalTransition
from core.notifications import notify
from deputies.models import Person, Seat

from .. import permissions
from ..models import (
    Activity,
    ActivityPhoto,
    DutySlot,
    Reception,
    ReceptionNote,
    Station,
    StationDeputy,
)
from ._common import A, _require
from .duty import _mark_done

__all__ = [
    "RECEPTION_FIELDS",
    "record_reception",
    "answer_on_spot",
    "deputy_user",
    "turn_into_suggestion",
    "refer_reception",
    "add_reception_note",
    "resolve_reception",
    "record_activity",
]


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


@transaction.atomic
def answer_on_spot(reception: Reception, *, actor, answer: str) -> Reception:
    reception = _lock_reception(reception)
    _require(permissions.can_handle_reception(actor, reception))
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
    _require(permissions.can_handle_reception(actor, reception))
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
    _require(permissions.can_handle_reception(actor, reception))
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
    _require(permissions.can_handle_reception(actor, reception))
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
    _require(permissions.can_handle_reception(actor, reception))
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
