"""Changes to the organisation records. Each function is one transaction that writes its audit entry with it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEntry
from core.notifications import INAPP, SMS, notify

from .models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

TERM_FIELDS = ["number", "start", "end"]
MEETING_FIELDS = ["number", "start", "end"]
UNIT_FIELDS = ["name", "kind", "head", "contact_person", "contact_phone", "is_active"]
COMMITTEE_FIELDS = ["name", "fields"]
MEMBER_FIELDS = ["name", "title", "is_leader"]
AREA_FIELDS = ["name", "code", "level", "parent", "is_street"]


def _create(obj: models.Model, fields: list[str], *, actor) -> models.Model:
    obj.full_clean()
    obj.save()
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=obj, changes=audit.diff({}, audit.snapshot(obj, fields))
    )
    return obj


def _update(obj: models.Model, fields: list[str], changes: dict, *, actor) -> models.Model:
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    before = audit.snapshot(obj, fields)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    diff = audit.diff(before, audit.snapshot(obj, fields))
    if diff:
        obj.save()
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, changes=diff)
    return obj


# ----------------------------------------------------------------- terms and meetings
@transaction.atomic
def create_term(*, actor, congress: Congress, number: int, start, end=None) -> Term:
    return _create(Term(congress=congress, number=number, start=start, end=end), TERM_FIELDS, actor=actor)


@transaction.atomic
def update_term(term: Term, *, actor, **changes) -> Term:
    return _update(term, TERM_FIELDS, changes, actor=actor)


@transaction.atomic
def create_meeting(*, actor, term: Term, number: int, start, end) -> Meeting:
    meeting = _create(Meeting(term=term, number=number, start=start, end=end), MEETING_FIELDS, actor=actor)
    _notify_deputies(meeting)
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, actor, **changes) -> Meeting:
    dates = (meeting.start, meeting.end)
    meeting = _update(meeting, MEETING_FIELDS, changes, actor=actor)
    if (meeting.start, meeting.end) != dates:
        _notify_deputies(meeting)
    return meeting


def _notify_deputies(meeting: Meeting) -> None:
    """会议通知: the deputies of the term who have a login hear of a meeting scheduled or moved (once per dates)."""
    if meeting.end < timezone.localdate():
        return
    users = (
        get_user_model()
        .objects.filter(is_active=True, person__seats__term_id=meeting.term_id, person__seats__status="active")
        .distinct()
    )
    congress = meeting.term.congress
    title = f"会议通知：{congress.name}{meeting}定于{meeting.start:%Y年%m月%d日}开幕"
    body = f"会期：{meeting.start:%Y年%m月%d日}至{meeting.end:%Y年%m月%d日}。请合理安排工作，按时出席。"
    for user in users:
        notify(
            user,
            event="meeting.scheduled",
            key=f"meeting.scheduled:m{meeting.pk}:{meeting.start:%Y%m%d}-{meeting.end:%Y%m%d}:u{user.pk}",
            title=title,
            body=body,
            channels=(INAPP, SMS),
        )


# ----------------------------------------------------------------- units, committees, members
@transaction.atomic
def create_unit(*, actor, congress: Congress, **values) -> HandlingUnit:
    return _create(HandlingUnit(congress=congress, **values), UNIT_FIELDS, actor=actor)


@transaction.atomic
def update_unit(unit: HandlingUnit, *, actor, **changes) -> HandlingUnit:
    return _update(unit, UNIT_FIELDS, changes, actor=actor)


@transaction.atomic
def create_committee(*, actor, congress: Congress, **values) -> SpecialCommittee:
    return _create(SpecialCommittee(congress=congress, **values), COMMITTEE_FIELDS, actor=actor)


@transaction.atomic
def update_committee(committee: SpecialCommittee, *, actor, **changes) -> SpecialCommittee:
    return _update(committee, COMMITTEE_FIELDS, changes, actor=actor)


@transaction.atomic
def create_member(*, actor, congress: Congress, groups=None, **values) -> CommitteeMember:
    member = _create(CommitteeMember(congress=congress, **values), MEMBER_FIELDS, actor=actor)
    if groups is not None:
        _set_groups(member, groups, actor=actor)
    return member


@transaction.atomic
def update_member(member: CommitteeMember, *, actor, groups=None, **changes) -> CommitteeMember:
    member = _update(member, MEMBER_FIELDS, changes, actor=actor)
    if groups is not None:
        _set_groups(member, groups, actor=actor)
    return member


def _set_groups(member: CommitteeMember, groups, *, actor) -> None:
    """常委会组成人员联系代表小组: only groups of the member's own congress."""
    groups = list(groups)
    if any(g.congress_id != member.congress_id for g in groups):
        raise ValidationError({"groups": "只能联系本级人大的代表小组。"})
    before = sorted(str(g) for g in member.groups.all())
    after = sorted(str(g) for g in groups)
    if before != after:
        member.groups.set(groups)
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=member, changes={"groups": [before, after]})


# ----------------------------------------------------------------- areas
@transaction.atomic
def create_area(*, actor, **values) -> Area:
    return _create(Area(**values), AREA_FIELDS, actor=actor)


@transaction.atomic
def update_area(area: Area, *, actor, **changes) -> Area:
    return _update(area, AREA_FIELDS, changes, actor=actor)
