"""Changes to the roster: persons, seats (代表资格), activity groups (代表小组) and their members.

Each function is one atomic operation taking the acting user as `actor=`; it validates the business rules, makes the
change and writes its audit entry in the same transaction, so a rolled-back change leaves no history behind.
Personal data (ID number, phone, address, 宗教, 党派) is masked in the history through Person.PERSONAL_FIELDS.
Rule violations raise django.core.exceptions.ValidationError with Chinese messages keyed by field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from core import audit, idcard
from core.models import AuditEntry

from .models import ActivityGroup, GroupMembership, Person, Seat

# The person fields kept in the audit history (id_number is the decrypted property).
PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_month",
    "party",
    "religion",
    "education",
    "workplace",
    "composition",
    "phone",
    "id_number",
    "address",
    "township",
)
SEAT_FIELDS = ("congress", "term", "district", "delegation", "start", "end", "status", "status_reason")
GROUP_FIELDS = ("congress", "name", "kind", "area", "sector", "convener", "liaison", "liaison_user")

# Labels for the history, including the ones that are not model fields.
FIELD_LABELS = {
    "id_number": "身份证号",
    "members": "成员",
    "linked_members": "联系的常委会组成人员",
    **{f.name: str(f.verbose_name) for f in Person._meta.fields},
    **{f.name: str(f.verbose_name) for f in Seat._meta.fields},
    **{f.name: str(f.verbose_name) for f in ActivityGroup._meta.fields},
}


def _masked_diff(before: dict, after: dict) -> dict:
    return audit.diff(before, after, Person.PERSONAL_FIELDS)


# --- persons ---------------------------------------------------------------------------------------------------


def clean_id_number(value: str, *, exclude_pk: int | None = None) -> str:
    """The normalised ID number, or ValidationError (checksum, format, already on the roster)."""
    from core.crypto import keyed_hash

    value = idcard.normalise(value)
    if not value:
        return ""
    message = idcard.validate(value)
    if message:
        raise ValidationError({"id_number": message})
    clash = Person.objects.filter(id_number_hash=keyed_hash(value))
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"id_number": "该身份证号已登记在名册中，请勿重复录入"})
    return value


def _apply_person_data(person: Person, data: dict) -> None:
    for name, value in data.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"unknown person field {name}")
        if name == "id_number":
            person.id_number = clean_id_number(value, exclude_pk=person.pk)
        else:
            setattr(person, name, value)
    if isinstance(person.birth_month, dt.date):
        person.birth_month = person.birth_month.replace(day=1)


def _save_person(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # two clerks entering the same ID number at once
        raise ValidationError({"id_number": "该身份证号已登记在名册中，请勿重复录入"}) from exc


@transaction.atomic
def create_person(*, actor, data: dict, note: str = "") -> Person:
    person = Person()
    _apply_person_data(person, data)
    _save_person(person)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=person,
        changes=_masked_diff({}, audit.snapshot(person, PERSON_FIELDS)),
        note=note,
    )
    return person


@transaction.atomic
def update_person(person: Person, *, actor, data: dict, note: str = "") -> Person:
    """Change the given fields. A call that changes nothing writes nothing."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person, PERSON_FIELDS)
    if "id_number" in data and idcard.normalise(data["id_number"]) == before["id_number"]:
        data = {k: v for k, v in data.items() if k != "id_number"}
    _apply_person_data(person, data)
    changes = _masked_diff(before, audit.snapshot(person, PERSON_FIELDS))
    if not changes:
        return person
    _save_person(person)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=person, changes=changes, note=note)
    return person


@transaction.atomic
def delete_person(person: Person, *, actor) -> None:
    before = audit.snapshot(person, PERSON_FIELDS)
    seats = "、".join(str(s) for s in person.seats.select_related("congress", "term"))
    audit.record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        obj=person,
        changes=_masked_diff(before, {}),
        note=f"删除代表{person.name}" + (f"（{seats}）" if seats else ""),
    )
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError as exc:
        raise ValidationError("该代表已有建议、履职等关联记录，不能删除；请改为终止其代表资格。") from exc


# --- seats (audited on the person, so the person's page shows them) ---------------------------------------------


def _check_seat(seat: Seat) -> None:
    errors = {}
    if seat.term_id and seat.congress_id and seat.term.congress_id != seat.congress_id:
        errors["term"] = "所选届次不属于该人大"
    if seat.end and seat.start and seat.end < seat.start:
        errors["end"] = "终止日期不能早于当选日期"
    if seat.status != Seat.Status.ACTIVE and not seat.end:
        errors["end"] = "代表资格已不在任，请填写终止日期"
    clash = Seat.objects.filter(person_id=seat.person_id, congress_id=seat.congress_id, term_id=seat.term_id)
    if seat.pk:
        clash = clash.exclude(pk=seat.pk)
    if seat.person_id and seat.term_id and clash.exists():
        errors["term"] = "该代表在此人大此届次已有代表资格"
    if errors:
        raise ValidationError(errors)


def _seat_note(seat: Seat) -> str:
    return f"代表资格：{seat.congress}{seat.term}"


@transaction.atomic
def add_seat(person: Person, *, actor, data: dict, note: str = "") -> Seat:
    seat = Seat(person=person, **data)
    _check_seat(seat)
    seat.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=person,
        changes=audit.diff({}, audit.snapshot(seat, SEAT_FIELDS)),
        note=note or _seat_note(seat),
    )
    return seat


@transaction.atomic
def update_seat(seat: Seat, *, actor, data: dict) -> Seat:
    seat = Seat.objects.select_for_update().select_related("person", "congress", "term").get(pk=seat.pk)
    before = audit.snapshot(seat, SEAT_FIELDS)
    for name, value in data.items():
        if name not in SEAT_FIELDS:
            raise ValueError(f"unknown seat field {name}")
        setattr(seat, name, value)
    _check_seat(seat)
    changes = audit.diff(before, audit.snapshot(seat, SEAT_FIELDS))
    if not changes:
        return seat
    seat.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=seat.person, changes=changes, note=_seat_note(seat))
    return seat


@transaction.atomic
def delete_seat(seat: Seat, *, actor) -> None:
    audit.record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        obj=seat.person,
        changes=audit.diff(audit.snapshot(seat, SEAT_FIELDS), {}),
        note=_seat_note(seat),
    )
    seat.delete()


# --- groups ------------------------------------------------------------------------------------------------------


def _save_group(group: ActivityGroup) -> None:
    clash = ActivityGroup.objects.filter(congress_id=group.congress_id, name=group.name)
    if group.pk:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"name": "本级人大已有同名的代表小组"})
    group.save()


def _linked_text(members) -> list[str]:
    return sorted(str(m) for m in members)


@transaction.atomic
def create_group(*, actor, data: dict, linked_members=()) -> ActivityGroup:
    group = ActivityGroup(**data)
    _save_group(group)
    if linked_members:
        group.linked_members.set(linked_members)
    after = audit.snapshot(group, GROUP_FIELDS)
    after["linked_members"] = _linked_text(linked_members)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=group, changes=audit.diff({}, after))
    _ensure_officers_are_members(group, actor=actor)
    return group


@transaction.atomic
def update_group(group: ActivityGroup, *, actor, data: dict, linked_members=None) -> ActivityGroup:
    group = ActivityGroup.objects.select_for_update().get(pk=group.pk)
    before = audit.snapshot(group, GROUP_FIELDS)
    before["linked_members"] = _linked_text(group.linked_members.all())
    for name, value in data.items():
        if name not in GROUP_FIELDS:
            raise ValueError(f"unknown group field {name}")
        setattr(group, name, value)
    _save_group(group)
    after = audit.snapshot(group, GROUP_FIELDS)
    if linked_members is not None:
        group.linked_members.set(linked_members)
        after["linked_members"] = _linked_text(linked_members)
    else:
        after["linked_members"] = before["linked_members"]
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=group, changes=changes)
    _ensure_officers_are_members(group, actor=actor)
    return group


def _ensure_officers_are_members(group: ActivityGroup, *, actor) -> None:
    """The convener (召集人) and the liaison (联络员) are members of their group."""
    for person in {group.convener, group.liaison} - {None}:
        add_member(group, person, actor=actor)


@transaction.atomic
def delete_group(group: ActivityGroup, *, actor) -> None:
    before = audit.snapshot(group, GROUP_FIELDS)
    before["members"] = sorted(group.members.values_list("name", flat=True))
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=group, changes=audit.diff(before, {}))
    try:
        with transaction.atomic():
            group.delete()
    except ProtectedError as exc:
        raise ValidationError("该代表小组已有活动等关联记录，不能删除。") from exc


@transaction.atomic
def add_member(group: ActivityGroup, person: Person, *, actor, joined: dt.date | None = None) -> GroupMembership:
    """Add `person` to `group`; adding an existing member changes nothing."""
    membership, created = GroupMembership.objects.get_or_create(
        group=group, person=person, defaults={"joined": joined or dt.date.today()}
    )
    if created:
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=group,
            changes={"members": [None, person.name]},
            note=f"加入成员：{person.name}",
        )
    return membership


@transaction.atomic
def remove_member(group: ActivityGroup, person: Person, *, actor) -> None:
    deleted, _ = GroupMembership.objects.filter(group=group, person=person).delete()
    if not deleted:
        return
    changes = {"members": [person.name, None]}
    cleared = []
    if group.convener_id == person.pk:
        group.convener = None
        cleared.append("convener")
        changes["convener"] = [person.name, None]
    if group.liaison_id == person.pk:
        group.liaison = None
        cleared.append("liaison")
        changes["liaison"] = [person.name, None]
    if cleared:
        group.save(update_fields=cleared)
    audit.record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=group, changes=changes, note=f"移出成员：{person.name}"
    )
