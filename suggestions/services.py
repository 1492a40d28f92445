"""The suggestion lifecycle's operations: one atomic function per action, each taking the acting user as `actor=`.

Every transition follows the same steps: lock the rows (the suggestion first, then the assignment, so two operations
on one item never deadlock), ask suggestions.workflow.check whether the action is legal (403/409 otherwise), change
the state, write a Transition row (the timeline) and an audit entry, and queue notifications with
core.notifications.notify, keyed by event + object + round so that a repeat never notifies twice. Notifications are
rows written in this transaction; the outside channels (SMS) are queued after commit, so a request succeeds with
Redis down and the outbox sweep sends them later.

Bad input raises django.core.exceptions.ValidationError with Chinese messages keyed by field (HTTP 400).

并案 (merge): the merged originals become MERGED and point to the main item (`merged_into`). The main item's answers
are the originals' answers: `answers_for(original)` returns them, and when the main item is answered every original's
lead deputy is notified too. Ratings are per original suggestion (Rating.suggestion = the original, in the main
item's round), so each deputy rates the answer to their own suggestion and the totals count a merged item once per
original. A 不满意 from any original counts towards re-handling the main item.

Suggestion.answered_at is the time the latest round was fully answered (a re-handled item keeps the previous round's
time until it is answered again).
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import UNIT_ROLES, Role, User
from core import audit, uploads
from core.deadlines import deadline
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.notifications import notify
from deputies.models import Person, Seat
from organization.models import CommitteeMember, HandlingUnit, Meeting, SpecialCommittee

from . import workflow
from .models import (
    Answer,
    Assignment,
    Attachment,
    Category,
    Contact,
    CoSigner,
    FollowUp,
    HandlingRequest,
    NumberSequence,
    Rating,
    Suggestion,
    Supervision,
    SupervisionScore,
    Transition,
)
from .permissions import is_office
from .rules import rules

S = Suggestion.State
A = Assignment.State
AR = Assignment.Role

# Assignments that no longer count: passed back to the office, passed on by the 政府办, or cancelled.
DEAD_ASSIGNMENT_STATES = (A.RETURNED, A.RELAYED, A.CANCELLED)
HANDLER_ROLES = (AR.LEAD, AR.SPLIT)


# --- helpers --------------------------------------------------------------------------------------------------------


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _now():
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate()


def _lock_suggestion(obj) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("congress", "meeting__term", "lead_deputy", "merged_into")
        .get(pk=_pk(obj))
    )


def _lock_assignment(obj) -> Assignment:
    """Lock the assignment's suggestion, then the assignment (always in this order)."""
    suggestion_id = Assignment.objects.values_list("suggestion_id", flat=True).get(pk=_pk(obj))
    suggestion = _lock_suggestion(suggestion_id)
    asg = Assignment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=_pk(obj))
    asg.suggestion = suggestion
    return asg


def _lock_answer(obj) -> Answer:
    answer_assignment = Answer.objects.values_list("assignment_id", flat=True).get(pk=_pk(obj))
    asg = _lock_assignment(answer_assignment)
    answer = Answer.objects.select_for_update().get(pk=_pk(obj))
    answer.assignment = asg
    return answer


def _required(value, field: str, message: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: message})
    return value.strip() if isinstance(value, str) else value


def _save(obj, *fields: str) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def _transition(
    suggestion: Suggestion,
    action: str,
    *,
    actor,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    assignment: Assignment | None = None,
) -> Transition:
    """The timeline row and the audit entry of one transition."""
    label = workflow.label(action)
    row = Transition.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:60] if actor is not None else "系统",
        note=note,
    )
    target = assignment or suggestion
    changes = {"state": [from_state, to_state]} if from_state != to_state else {}
    audit.record(
        actor=actor,
        action=AuditEntry.Action.TRANSITION,
        obj=target,
        changes=changes,
        note=f"{label}：{note}" if note else label,
    )
    return row


def _url(suggestion: Suggestion) -> str:
    return f"/suggestions/{suggestion.pk}/"


def unit_users(unit_id: int, *, heads_only: bool = False):
    roles = [Role.UNIT_HEAD] if heads_only else list(UNIT_ROLES)
    return User.objects.filter(unit_id=unit_id, is_active=True, roles__role__in=roles).distinct()


def office_users(congress_id: int):
    return User.objects.filter(
        congress_id=congress_id, is_active=True, roles__role__in=[Role.STAFF, Role.TOWN_STAFF]
    ).distinct()


def person_users(person_ids):
    return User.objects.filter(person_id__in=list(person_ids), is_active=True)


def _notify_all(users, *, event: str, key: str, title: str, body: str = "", url: str = "") -> None:
    for user in users:
        notify(user, event=event, key=f"{key}:u{user.pk}", title=title, body=body, url=url)


def _title(suggestion: Suggestion) -> str:
    return f"《{suggestion.title[:40]}》"


def _label(suggestion: Suggestion) -> str:
    return f"{suggestion.number_display}{_title(suggestion)}"


# --- 提出: drafts, co-signers, submission -------------------------------------------------------------------------


DRAFT_FIELDS = ("title", "content", "category", "meeting", "disclose")


def _validate_draft(suggestion: Suggestion) -> None:
    errors = {}
    if not (suggestion.title or "").strip():
        errors["title"] = "请填写标题"
    if not (suggestion.content or "").strip():
        errors["content"] = "请填写建议内容"
    if suggestion.meeting_id and suggestion.meeting.term.congress_id != suggestion.congress_id:
        errors["meeting"] = "所选会议不属于该人大"
    if suggestion.category_id and suggestion.category.congress_id != suggestion.congress_id:
        errors["category"] = "所选分类不属于该人大"
    if errors:
        raise ValidationError(errors)
    if suggestion.category_id and not suggestion.committee_id:
        suggestion.committee_id = suggestion.category.committee_id


def _deputy_of(person_id: int, congress_id: int) -> bool:
    return Seat.objects.filter(person_id=person_id, congress_id=congress_id, status=Seat.Status.ACTIVE).exists()


@transaction.atomic
def create_draft(
    *,
    actor,
    congress,
    title: str,
    content: str,
    meeting: Meeting | None = None,
    category: Category | None = None,
    disclose: bool = True,
) -> Suggestion:
    """A deputy's draft (草稿); the deputy is its lead deputy (领衔代表)."""
    if not actor.person_id:
        raise PermissionDenied("只有人大代表可以提出建议")
    if not _deputy_of(actor.person_id, _pk(congress)):
        raise PermissionDenied("您不是该人大的在任代表，不能向其提出建议")
    suggestion = Suggestion(
        congress_id=_pk(congress),
        meeting=meeting,
        title=(title or "").strip(),
        content=(content or "").strip(),
        category=category,
        disclose=disclose,
        lead_deputy_id=actor.person_id,
        created_by=actor,
    )
    _validate_draft(suggestion)
    suggestion.save()
    _transition(suggestion, "create_draft", actor=actor, to_state=S.DRAFT)
    return suggestion


@transaction.atomic
def update_draft(suggestion, *, actor, **data) -> Suggestion:
    suggestion = _lock_suggestion(suggestion)
    workflow.check("update_draft", suggestion, actor)
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"unknown draft fields {unknown}")
    before = audit.snapshot(suggestion, DRAFT_FIELDS)
    for name, value in data.items():
        setattr(suggestion, name, value.strip() if isinstance(value, str) else value)
    if "category" in data:
        suggestion.committee_id = None
    _validate_draft(suggestion)
    _save(suggestion, *DRAFT_FIELDS, "committee")
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=suggestion,
        changes=audit.diff(before, audit.snapshot(suggestion, DRAFT_FIELDS)),
    )
    return suggestion


@transaction.atomic
def invite_cosigner(suggestion, person: Person, *, actor) -> CoSigner:
    suggestion = _lock_suggestion(suggestion)
    workflow.check("invite_cosigner", suggestion, actor)
    if _pk(person) == suggestion.lead_deputy_id:
        raise ValidationError({"person": "领衔代表不能同时作为联名代表"})
    if not _deputy_of(_pk(person), suggestion.congress_id):
        raise ValidationError({"person": "联名代表须为该人大的在任代表"})
    cosigner, created = CoSigner.objects.get_or_create(suggestion=suggestion, person_id=_pk(person))
    if not created:
        raise ValidationError({"person": "已邀请该代表联名"})
    name = Person.objects.values_list("name", flat=True).get(pk=_pk(person))
    _transition(suggestion, "invite_cosigner", actor=actor, note=f"邀请{name}联名")
    _notify_all(
        person_users([_pk(person)]),
        event="suggestion.cosign_invited",
        key=f"suggestion.cosign_invited:s{suggestion.pk}",
        title=f"{suggestion.lead_deputy.name}代表邀请您联名提出建议{_title(suggestion)}",
        body="请查看建议内容并确认联名。",
        url=_url(suggestion),
    )
    return cosigner


@transaction.atomic
def cosign(suggestion, *, actor) -> CoSigner:
    suggestion = _lock_suggestion(suggestion)
    workflow.check("cosign", suggestion, actor)
    cosigner = CoSigner.objects.select_for_update().get(suggestion=suggestion, person_id=actor.person_id)
    cosigner.confirmed_at = _now()
    cosigner.save(update_fields=["confirmed_at"])
    _transition(suggestion, "cosign", actor=actor, note="确认联名")
    return cosigner


@transaction.atomic
def submit(suggestion, *, actor, note: str = "") -> Suggestion:
    suggestion = _lock_suggestion(suggestion)
    workflow.check("submit", suggestion, actor)
    old = suggestion.state
    suggestion.state = S.SUBMITTED
    suggestion.submitted_at = _now()
    _save(suggestion, "state", "submitted_at")
    _transition(suggestion, "submit", actor=actor, from_state=old, to_state=S.SUBMITTED, note=note)
    _notify_review(suggestion, f"领衔代表：{suggestion.lead_deputy.name}")
    return suggestion


def _notify_review(suggestion: Suggestion, body: str) -> None:
    """Tell the office of the item's congress that a suggestion awaits review."""
    _notify_all(
        office_users(suggestion.congress_id),
        event="suggestion.submitted",
        key=f"suggestion.submitted:s{suggestion.pk}:v{suggestion.version}",
        title=f"新建议待审查：{_title(suggestion)}",
        body=body,
        url=_url(suggestion),
    )


@transaction.atomic
def withdraw(suggestion, *, actor, note: str = "") -> Suggestion:
    suggestion = _lock_suggestion(suggestion)
    workflow.check("withdraw", suggestion, actor)
    old = suggestion.state
    suggestion.state = S.WITHDRAWN
    _save(suggestion, "state")
    _transition(suggestion, "withdraw", actor=actor, from_state=old, to_state=S.WITHDRAWN, note=note)
    return suggestion


# --- 代为录入: a paper suggestion entered by the office -------------------------------------------------------------


def find_deputy(congress_id: int, text: str) -> Person:
    """The serving deputy of this congress named by `text`: a name, or a name followed by a word of the workplace in
    brackets where two deputies share the name (张伟（县医院）). Raises ValueError with the Chinese reason."""
    text = (text or "").strip()
    name, _, hint = text.replace("(", "（").replace(")", "）").partition("（")
    name, hint = name.strip(), hint.rstrip("）").strip()
    if not name:
        raise ValueError("请填写代表姓名")
    serving = Seat.objects.filter(congress_id=congress_id, status=Seat.Status.ACTIVE).values("person_id")
    matches = Person.objects.filter(pk__in=serving, name=name)
    if hint:
        matches = matches.filter(workplace__contains=hint)
    found = list(matches.order_by("id")[:6])
    if not found and hint:
        raise ValueError(f"没有工作单位含“{hint}”的在任代表“{name}”")
    if not found:
        raise ValueError(f"本级人大没有名为“{name}”的在任代表")
    if len(found) > 1:
        places = "、".join(f"{name}（{p.workplace or '未填工作单位'}）" for p in found[:5])
        raise ValueError(f"有{len(found)}位在任代表名为“{name}”：{places}。请在姓名后用括号注明工作单位")
    return found[0]


@transaction.atomic
def enter_for_deputy(
    *,
    actor,
    congress,
    lead_deputy: Person,
    title: str,
    content: str,
    received_on: dt.date,
    meeting: Meeting | None = None,
    category: Category | None = None,
    disclose: bool = True,
    cosigners=(),
    note: str = "",
) -> Suggestion:
    """代为录入: office staff enter a suggestion that a deputy handed in on paper (usually during the session). The
    signed paper original is the deputy's submission, so the item is entered as submitted, its co-signers as confirmed
    (their signatures are on the paper); the timeline says who entered it and when the paper was received, and the
    lead deputy and co-signers are told so they can check the text against their original."""
    congress_id = _pk(congress)
    if not is_office(actor, congress_id=congress_id):
        raise PermissionDenied("只有本级人大代表工委工作人员可以代为录入建议")
    errors: dict[str, str] = {}
    if not _deputy_of(_pk(lead_deputy), congress_id):
        errors["lead_deputy"] = "领衔代表须为该人大的在任代表"
    co_ids: list[int] = []
    for person in cosigners:
        if _pk(person) == _pk(lead_deputy):
            errors["cosigners"] = "领衔代表不能同时作为联名代表"
        elif not _deputy_of(_pk(person), congress_id):
            errors["cosigners"] = "联名代表须为该人大的在任代表"
        elif _pk(person) in co_ids:
            errors["cosigners"] = "联名代表重复"
        else:
            co_ids.append(_pk(person))
    if received_on is None:
        errors["received_on"] = "请填写收到纸质建议的日期"
    elif received_on > timezone.localdate():
        errors["received_on"] = "收到日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    now = _now()
    suggestion = Suggestion(
        congress_id=congress_id,
        meeting=meeting,
        title=(title or "").strip(),
        content=(content or "").strip(),
        category=category,
        disclose=disclose,
        lead_deputy_id=_pk(lead_deputy),
        created_by=actor,
        state=S.SUBMITTED,
        submitted_at=now,
    )
    _validate_draft(suggestion)
    suggestion.save()
    CoSigner.objects.bulk_create([CoSigner(suggestion=suggestion, person_id=pk, confirmed_at=now) for pk in co_ids])
    names = dict(Person.objects.filter(pk__in=[_pk(lead_deputy), *co_ids]).values_list("pk", "name"))
    text = f"依据{received_on:%Y年%m月%d日}收到的纸质建议代为录入"
    if co_ids:
        text += f"，联名代表{'、'.join(names[pk] for pk in co_ids)}已在原件上签名"
    if (note or "").strip():
        text += f"；{note.strip()}"
    _transition(suggestion, "enter_for_deputy", actor=actor, to_state=S.SUBMITTED, note=text)
    _notify_all(
        person_users([_pk(lead_deputy), *co_ids]),
        event="suggestion.entered",
        key=f"suggestion.entered:s{suggestion.pk}",
        title=f"工作人员已代为录入您提出的建议{_title(suggestion)}",
        body="请核对录入内容与纸质原件是否一致；如有出入，请联系代表工委。",
        url=_url(suggestion),
    )
    _notify_review(suggestion, f"领衔代表：{names[_pk(lead_deputy)]}（工作人员代为录入）")
    return suggestion


# --- 审查/立案: accept, return, decline, merge ---------------------------------------------------------------------


def _next_number(suggestion: Suggestion) -> tuple[int, int]:
    """The next number of the suggestion's meeting (or recess year) and the year, taken under a row lock: the
    sequence row stays locked until this transaction ends, so concurrent acceptances queue and never leave gaps."""
    if suggestion.meeting_id:
        year = suggestion.meeting.start.year
        lookup = {"congress_id": suggestion.congress_id, "meeting_id": suggestion.meeting_id}
        defaults = {"year": year}
    else:
        year = _today().year
        lookup = {"congress_id": suggestion.congress_id, "meeting": None, "year": year}
        defaults = {}
    seq = NumberSequence.objects.select_for_update().filter(**lookup).first()
    if seq is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(**lookup, **defaults)
        except IntegrityError:
            pass  # created meanwhile by a concurrent acceptance
        seq = NumberSequence.objects.select_for_update().get(**lookup)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last, year


def _accept(suggestion: Suggestion, *, actor, action: str, category=None, committee=None, note: str = "") -> None:
    old = suggestion.state
    if category is not None:
        if category.congress_id != suggestion.congress_id:
            raise ValidationError({"category": "所选分类不属于该人大"})
        suggestion.category = category
        suggestion.committee_id = category.committee_id
    if committee is not None:
        if committee.congress_id != suggestion.congress_id:
            raise ValidationError({"committee": "所选专门委员会不属于该人大"})
        suggestion.committee = committee
    if suggestion.number is None:
        suggestion.number, suggestion.year = _next_number(suggestion)
    suggestion.state = S.ACCEPTED
    suggestion.accepted_at = suggestion.accepted_at or _now()
    _save(suggestion, "state", "number", "year", "accepted_at", "category", "committee")
    _transition(suggestion, action, actor=actor, from_state=old, to_state=S.ACCEPTED, note=note)
    if old != S.ACCEPTED:
        _record_proposal_duties(suggestion, actor=actor)
        _notify_all(
            person_users([suggestion.lead_deputy_id]),
            event="suggestion.accepted",
            key=f"suggestion.accepted:s{suggestion.pk}",
            title=f"您的建议{_title(suggestion)}已立案，编号{suggestion.number_display}",
            url=_url(suggestion),
        )


def _record_proposal_duties(suggestion: Suggestion, *, actor) -> None:
    """An accepted suggestion is a verified 议案建议 duty in the archive of its lead deputy and each confirmed
    co-signer (duties.services.record_duty is idempotent on the source, whoever records it first)."""
    from duties.services import record_duty

    persons = [suggestion.lead_deputy]
    persons += [c.person for c in suggestion.cosigners.filter(confirmed_at__isnull=False).select_related("person")]
    for person in persons:
        record_duty(
            person=person,
            type_code="proposal",
            date=timezone.localdate(suggestion.accepted_at),
            title=f"提出建议：{suggestion.title}"[:200],
            source=f"suggestion:{suggestion.pk}",
            actor=actor,
        )


@transaction.atomic
def accept(suggestion, *, actor, category=None, committee=None, note: str = "") -> Suggestion:
    """立案: numbered per meeting (recess items per year of acceptance), without gaps."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("accept", suggestion, actor)
    _accept(suggestion, actor=actor, action="accept", category=category, committee=committee, note=note)
    return suggestion


def _refuse_with_reason(suggestion, *, actor, action: str, to_state: str, reason: str, missing: str, notice: dict):
    """The two ways review turns an item back (退回修改, 不予立案): a reason is required, the deputy is told why."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check(action, suggestion, actor)
    reason = _required(reason, "reason", missing)
    old = suggestion.state
    suggestion.state = to_state
    _save(suggestion, "state")
    _transition(suggestion, action, actor=actor, from_state=old, to_state=to_state, note=reason)
    _notify_all(
        person_users([suggestion.lead_deputy_id]),
        event=notice["event"],
        key=notice["key"](suggestion),
        title=notice["title"].format(title=_title(suggestion)),
        body=reason,
        url=_url(suggestion),
    )
    return suggestion


@transaction.atomic
def return_for_revision(suggestion, *, actor, reason: str) -> Suggestion:
    return _refuse_with_reason(
        suggestion,
        actor=actor,
        action="return_for_revision",
        to_state=S.RETURNED,
        reason=reason,
        missing="请填写退回修改的理由",
        # A draft can be returned more than once: each return is its own notice.
        notice={
            "event": "suggestion.returned",
            "key": lambda s: f"suggestion.returned:s{s.pk}:v{s.version}",
            "title": "您的建议{title}被退回修改",
        },
    )


@transaction.atomic
def decline(suggestion, *, actor, reason: str) -> Suggestion:
    return _refuse_with_reason(
        suggestion,
        actor=actor,
        action="decline",
        to_state=S.DECLINED,
        reason=reason,
        missing="请填写不予立案的理由",
        notice={
            "event": "suggestion.declined",
            "key": lambda s: f"suggestion.declined:s{s.pk}",
            "title": "您的建议{title}不予立案",
        },
    )


@transaction.atomic
def merge(main, others, *, actor, note: str = "") -> Suggestion:
    """并案: `others` are handled as `main` (accepted, numbered if it was not). Each deputy is still answered."""
    other_ids = sorted({_pk(o) for o in others} - {_pk(main)})
    if not other_ids:
        raise ValidationError({"others": "请选择要并入的建议"})
    # Lock every item in id order so that two merges of overlapping items cannot deadlock.
    locked = {s.pk: s for s in (_lock_suggestion(pk) for pk in sorted([_pk(main), *other_ids]))}
    main = locked[_pk(main)]
    workflow.check("merge", main, actor)
    for pk in other_ids:
        workflow.check("be_merged", locked[pk], actor)
        if locked[pk].congress_id != main.congress_id:
            raise ValidationError({"others": "只能并入同一人大的建议"})
    _accept(main, actor=actor, action="merge", note=note or f"并入{len(other_ids)}件建议")
    for pk in other_ids:
        item = locked[pk]
        old = item.state
        item.state = S.MERGED
        item.merged_into = main
        _save(item, "state", "merged_into")
        _transition(item, "be_merged", actor=actor, from_state=old, to_state=S.MERGED, note=f"并入{_label(main)}")
        _notify_all(
            person_users([item.lead_deputy_id]),
            event="suggestion.merged",
            key=f"suggestion.merged:s{item.pk}",
            title=f"您的建议{_title(item)}已并入{_label(main)}办理",
            body="承办单位的答复将同时送达您，请届时对答复进行测评。",
            url=_url(item),
        )
    return main


# --- 交办: assign, relay ------------------------------------------------------------------------------------------


def _check_units(suggestion: Suggestion, units) -> list[HandlingUnit]:
    units = list(units)
    ids = [u.pk for u in units]
    if len(ids) != len(set(ids)):
        raise ValidationError({"units": "同一单位不能重复交办"})
    for unit in units:
        if not unit.is_active:
            raise ValidationError({"units": f"{unit.name}已停用"})
        if unit.congress_id != suggestion.congress_id:
            raise ValidationError({"units": f"{unit.name}不是该人大的承办单位"})
    return units


def _plan(lead, co, splits) -> list[tuple[HandlingUnit, str, str]]:
    """(unit, role, part) for one lead unit with optional co-handlers, or for several split units."""
    co, splits = list(co or []), list(splits or [])
    if lead is not None and splits:
        raise ValidationError({"lead": "主办与分办只能选择一种交办方式"})
    if lead is None and not splits:
        raise ValidationError({"lead": "请选择主办单位，或选择分办单位"})
    if splits:
        if co:
            raise ValidationError({"co": "分办时不设协办单位"})
        if len(splits) < 2:
            raise ValidationError({"splits": "分办须至少两个单位，一个单位请选择主办"})
        for _unit, part in splits:
            _required(part, "splits", "请填写每个分办单位负责答复的内容")
        return [(unit, AR.SPLIT, part.strip()) for unit, part in splits]
    return [(lead, AR.LEAD, ""), *((u, AR.CO, "") for u in co)]


def _create_assignments(
    suggestion: Suggestion,
    plan,
    *,
    actor,
    due_date: dt.date,
    parent: Assignment | None = None,
    state: str = A.PENDING_SIGN,
) -> list[Assignment]:
    now = _now()
    opinion_due = deadline(now, rules().opinion_months, "months")
    created = []
    for unit, role, part in plan:
        asg = Assignment.objects.create(
            suggestion=suggestion,
            unit=unit,
            role=role,
            part=part,
            parent=parent,
            state=state,
            round=suggestion.round,
            assigned_at=now,
            assigned_by=actor if getattr(actor, "pk", None) else None,
            due_date=due_date,
            opinion_due=min(opinion_due, due_date) if role == AR.CO else None,
        )
        created.append(asg)
        what = f"{asg.get_role_display()}" + (f"（{part}）" if part else "")
        _transition(suggestion, "assign_unit", actor=actor, to_state=state, assignment=asg, note=f"{unit.name}{what}")
        _notify_all(
            unit_users(unit.pk),
            event="suggestion.assigned",
            key=f"suggestion.assigned:a{asg.pk}",
            title=f"新交办建议待签收：{_label(suggestion)}（{what}）",
            body=f"答复期限：{due_date:%Y年%m月%d日}",
            url=_url(suggestion),
        )
    return created


@transaction.atomic
def assign(suggestion, *, actor, lead=None, co=(), splits=(), note: str = "") -> list[Assignment]:
    """交办 to one lead unit (主办) with optional co-handlers (协办), or split (分办) among units, each with its part.
    The answer is due `rules.answer_months` after assignment; co-handlers' opinions `rules.opinion_months`."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("assign", suggestion, actor)
    plan = _plan(lead, co, splits)
    _check_units(suggestion, [u for u, _r, _p in plan])
    now = _now()
    old = suggestion.state
    suggestion.state = S.HANDLING
    suggestion.assigned_at = now
    _save(suggestion, "state", "assigned_at")
    units = "、".join(u.name for u, _r, _p in plan)
    _transition(suggestion, "assign", actor=actor, from_state=old, to_state=S.HANDLING, note=note or units)
    return _create_assignments(suggestion, plan, actor=actor, due_date=deadline(now, rules().answer_months, "months"))


@transaction.atomic
def relay(assignment, *, actor, lead=None, co=(), splits=(), note: str = "") -> list[Assignment]:
    """转办: the government office (政府办) passes its assignment on to departments, keeping its due date."""
    asg = _lock_assignment(assignment)
    workflow.check("relay", asg, actor)
    suggestion = asg.suggestion
    plan = _plan(lead, co, splits)
    units = _check_units(suggestion, [u for u, _r, _p in plan])
    if any(u.pk == asg.unit_id for u in units):
        raise ValidationError({"units": "不能转办给本单位"})
    if asg.role == AR.SPLIT:
        plan = [(u, r, p or asg.part) for u, r, p in plan]
    elif asg.role == AR.CO:  # a co-handling office passes on a co-handling part only
        plan = [(u, AR.CO, p) for u, _r, p in plan]
    old = asg.state
    asg.state = A.RELAYED
    if asg.signed_at is None:
        asg.signed_at, asg.signed_by = _now(), actor
    _save(asg, "state", "signed_at", "signed_by")
    names = "、".join(u.name for u in units)
    _transition(
        suggestion, "relay", actor=actor, from_state=old, to_state=A.RELAYED, assignment=asg, note=note or names
    )
    return _create_assignments(suggestion, plan, actor=actor, due_date=asg.due_date, parent=asg)


# --- 签收 and 调整: sign, return, extension ---------------------------------------------------------------------


@transaction.atomic
def sign(assignment, *, actor) -> Assignment:
    """签收: the return window (rules.return_window) starts."""
    asg = _lock_assignment(assignment)
    workflow.check("sign", asg, actor)
    r = rules()
    old = asg.state
    asg.state = A.HANDLING
    asg.signed_at, asg.signed_by = _now(), actor
    asg.return_deadline = deadline(asg.signed_at, r.return_window, r.return_window_unit)
    _save(asg, "state", "signed_at", "signed_by", "return_deadline")
    _transition(asg.suggestion, "sign", actor=actor, from_state=old, to_state=A.HANDLING, assignment=asg)
    return asg


@transaction.atomic
def request_return(assignment, *, actor, reason: str, suggested_unit: str = "") -> HandlingRequest:
    """申请退回 a wrongly assigned item, within the return window after signing."""
    asg = _lock_assignment(assignment)
    workflow.check("request_return", asg, actor)
    reason = _required(reason, "reason", "请填写申请退回的理由")
    req = HandlingRequest.objects.create(
        assignment=asg,
        kind=HandlingRequest.Kind.RETURN,
        reason=reason,
        suggested_unit=(suggested_unit or "").strip()[:100],
        requested_by=actor,
    )
    old = asg.state
    asg.state = A.RETURN_REQUESTED
    _save(asg, "state")
    _transition(
        asg.suggestion, "request_return", actor=actor, from_state=old, to_state=asg.state, assignment=asg, note=reason
    )
    _notify_all(
        office_users(asg.suggestion.congress_id),
        event="suggestion.return_requested",
        key=f"suggestion.return_requested:r{req.pk}",
        title=f"{asg.unit.name}申请退回{_label(asg.suggestion)}，待审批",
        body=reason,
        url=_url(asg.suggestion),
    )
    return req


@transaction.atomic
def resolve_return(
    assignment, *, actor, approve: bool, new_unit: HandlingUnit | None = None, resolution: str = ""
) -> Assignment:
    """Staff decide a return request: approve → the assignment is RETURNED and the item is reassigned to
    `new_unit` with a fresh deadline; refuse → back to HANDLING. Returns the new (or the same) assignment."""
    asg = _lock_assignment(assignment)
    workflow.check("resolve_return", asg, actor)
    suggestion = asg.suggestion
    req = HandlingRequest.objects.select_for_update().get(
        assignment=asg, kind=HandlingRequest.Kind.RETURN, status=HandlingRequest.Status.PENDING
    )
    old = asg.state
    req.resolved_by, req.resolved_at = actor, _now()
    if approve:
        if new_unit is None:
            raise ValidationError({"new_unit": "同意退回时须指定新的承办单位"})
        if new_unit.pk == asg.unit_id:
            raise ValidationError({"new_unit": "新的承办单位不能是申请退回的单位"})
        taken = suggestion.assignments.filter(round=asg.round, unit=new_unit).exclude(state__in=DEAD_ASSIGNMENT_STATES)
        if taken.exists():
            raise ValidationError({"new_unit": f"{new_unit.name}已承办该建议"})
        _check_units(suggestion, [new_unit])
        req.status = HandlingRequest.Status.APPROVED
        req.resolution = (resolution or "").strip()[:300]
        req.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        asg.state = A.RETURNED
        _save(asg, "state")
        _transition(
            suggestion,
            "resolve_return",
            actor=actor,
            from_state=old,
            to_state=A.RETURNED,
            assignment=asg,
            note=f"同意退回，改由{new_unit.name}承办" + (f"：{req.resolution}" if req.resolution else ""),
        )
        # The new unit's deadline starts afresh.
        new = _create_assignments(
            suggestion,
            [(new_unit, asg.role, asg.part)],
            actor=actor,
            due_date=deadline(_now(), rules().answer_months, "months"),
        )[0]
        result = new
        title = f"{_label(suggestion)}退回申请已同意，改由{new_unit.name}承办"
    else:
        req.resolution = _required(resolution, "resolution", "请填写不同意退回的理由")[:300]
        req.status = HandlingRequest.Status.REFUSED
        req.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        asg.state = A.HANDLING
        _save(asg, "state")
        _transition(
            suggestion,
            "resolve_return",
            actor=actor,
            from_state=old,
            to_state=A.HANDLING,
            assignment=asg,
            note=f"不同意退回：{req.resolution}",
        )
        result = asg
        title = f"{_label(suggestion)}退回申请未获同意，请继续办理"
    _notify_all(
        unit_users(asg.unit_id),
        event="suggestion.return_resolved",
        key=f"suggestion.return_resolved:r{req.pk}",
        title=title,
        body=req.resolution,
        url=_url(suggestion),
    )
    return result


def extension_cap(asg: Assignment) -> dt.date:
    """The latest answer date an extension may grant: rules.max_answer_months after assignment."""
    return deadline(asg.assigned_at, rules().max_answer_months, "months")


@transaction.atomic
def request_extension(assignment, *, actor, requested_due: dt.date, reason: str) -> HandlingRequest:
    asg = _lock_assignment(assignment)
    workflow.check("request_extension", asg, actor)
    reason = _required(reason, "reason", "请填写申请延期的理由")
    _required(requested_due, "requested_due", "请填写申请延至的日期")
    if requested_due <= asg.due_date:
        raise ValidationError({"requested_due": f"申请延至的日期须晚于现答复期限（{asg.due_date:%Y年%m月%d日}）"})
    cap = extension_cap(asg)
    if requested_due > cap:
        raise ValidationError(
            {"requested_due": f"答复期限最长延至交办后{rules().max_answer_months}个月（{cap:%Y年%m月%d日}）"}
        )
    try:
        with transaction.atomic():
            req = HandlingRequest.objects.create(
                assignment=asg,
                kind=HandlingRequest.Kind.EXTENSION,
                reason=reason,
                requested_due=requested_due,
                requested_by=actor,
            )
    except IntegrityError as exc:
        raise IllegalTransition("已有待审批的延期申请") from exc
    _save(asg, "state")
    _transition(
        asg.suggestion,
        "request_extension",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=f"申请延至{requested_due:%Y年%m月%d日}：{reason}",
    )
    _notify_all(
        office_users(asg.suggestion.congress_id),
        event="suggestion.extension_requested",
        key=f"suggestion.extension_requested:r{req.pk}",
        title=f"{asg.unit.name}申请延期答复{_label(asg.suggestion)}，待审批",
        body=reason,
        url=_url(asg.suggestion),
    )
    return req


@transaction.atomic
def resolve_extension(
    assignment, *, actor, approve: bool, granted_due: dt.date | None = None, resolution: str = ""
) -> HandlingRequest:
    """Staff decide an extension; a granted date is capped at rules.max_answer_months after assignment."""
    asg = _lock_assignment(assignment)
    workflow.check("resolve_extension", asg, actor)
    req = HandlingRequest.objects.select_for_update().get(
        assignment=asg, kind=HandlingRequest.Kind.EXTENSION, status=HandlingRequest.Status.PENDING
    )
    req.resolved_by, req.resolved_at = actor, _now()
    req.resolution = (resolution or "").strip()[:300]
    if approve:
        granted = min(granted_due or req.requested_due, extension_cap(asg))
        if granted <= asg.due_date:
            raise ValidationError({"granted_due": f"批准的期限须晚于现答复期限（{asg.due_date:%Y年%m月%d日}）"})
        req.status = HandlingRequest.Status.APPROVED
        req.granted_due = granted
        old_due = asg.due_date
        asg.due_date = granted
        _save(asg, "due_date")
        note = f"同意延期，答复期限由{old_due:%Y年%m月%d日}延至{granted:%Y年%m月%d日}"
    else:
        if not req.resolution:
            raise ValidationError({"resolution": "请填写不同意延期的理由"})
        req.status = HandlingRequest.Status.REFUSED
        _save(asg, "state")
        note = "不同意延期"
    req.save(update_fields=["status", "resolved_by", "resolved_at", "resolution", "granted_due"])
    full_note = f"{note}：{req.resolution}" if req.resolution else note
    _transition(
        asg.suggestion,
        "resolve_extension",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=full_note,
    )
    _notify_all(
        unit_users(asg.unit_id),
        event="suggestion.extension_resolved",
        key=f"suggestion.extension_resolved:r{req.pk}",
        title=f"{_label(asg.suggestion)}延期申请：{note}",
        body=req.resolution,
        url=_url(asg.suggestion),
    )
    return req


# --- 办理: opinions, contacts, answers ----------------------------------------------------------------------------


@transaction.atomic
def submit_opinion(assignment, *, actor, opinion: str) -> Assignment:
    """协办意见: the co-handler's written opinion to the lead unit; its part is then done."""
    asg = _lock_assignment(assignment)
    workflow.check("submit_opinion", asg, actor)
    asg.opinion = _required(opinion, "opinion", "请填写协办意见")
    asg.opinion_at = asg.answered_at = _now()
    old = asg.state
    asg.state = A.ANSWERED
    _save(asg, "opinion", "opinion_at", "answered_at", "state")
    _transition(asg.suggestion, "submit_opinion", actor=actor, from_state=old, to_state=A.ANSWERED, assignment=asg)
    leads = asg.suggestion.assignments.filter(round=asg.round, role__in=HANDLER_ROLES).exclude(
        state__in=DEAD_ASSIGNMENT_STATES
    )
    for lead_asg in leads:
        _notify_all(
            unit_users(lead_asg.unit_id),
            event="suggestion.opinion",
            key=f"suggestion.opinion:a{asg.pk}:to{lead_asg.pk}",
            title=f"{asg.unit.name}已提交{_label(asg.suggestion)}的协办意见",
            url=_url(asg.suggestion),
        )
    return asg


def _own_attachment(suggestion: Suggestion, attachment, field: str) -> Attachment | None:
    if attachment is None:
        return None
    att = attachment if isinstance(attachment, Attachment) else Attachment.objects.get(pk=attachment)
    if att.suggestion_id != suggestion.pk:
        raise ValidationError({field: "附件不属于该建议"})
    return att


@transaction.atomic
def record_contact(
    assignment,
    *,
    actor,
    date: dt.date,
    form: str,
    participants: str,
    content: str = "",
    evidence: Attachment | None = None,
) -> Contact:
    """见面/沟通 with the lead deputy before answering: the basis of 见面率."""
    asg = _lock_assignment(assignment)
    workflow.check("record_contact", asg, actor)
    _required(date, "date", "请填写日期")
    if date > _today():
        raise ValidationError({"date": "日期不能晚于今天"})
    if form not in Contact.Form.values:
        raise ValidationError({"form": "请选择沟通方式"})
    participants = _required(participants, "participants", "请填写参加人员")
    contact = Contact.objects.create(
        assignment=asg,
        date=date,
        form=form,
        participants=participants[:300],
        content=(content or "").strip(),
        evidence=_own_attachment(asg.suggestion, evidence, "evidence"),
        recorded_by=actor,
    )
    _transition(
        asg.suggestion,
        "record_contact",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=f"{date:%Y年%m月%d日}{contact.get_form_display()}：{participants}",
    )
    return contact


def _create_answer(asg: Assignment, *, actor, text: str, result_class: str, letter, final: bool) -> Answer:
    text = _required(text, "text", "请填写答复内容")
    allowed = rules().result_classes
    if result_class not in allowed or result_class not in Answer.ResultClass.values:
        raise ValidationError({"result_class": f"请选择办理结果（{'、'.join(allowed)}类）"})
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                assignment=asg,
                round=asg.round,
                is_final_follow_up=final,
                text=text,
                letter=_own_attachment(asg.suggestion, letter, "letter"),
                result_class=result_class,
                drafted_by=actor,
            )
    except IntegrityError as exc:
        # A concurrent answer for this assignment and round won (one live answer per assignment/round).
        raise IllegalTransition("本轮已有答复（待审核签发或已签发），不能重复答复") from exc
    _notify_all(
        unit_users(asg.unit_id, heads_only=True),
        event="suggestion.answer_drafted",
        key=f"suggestion.answer_drafted:n{answer.pk}",
        title=f"{_label(asg.suggestion)}的答复待审核签发",
        url=_url(asg.suggestion),
    )
    return answer


@transaction.atomic
def answer(assignment, *, actor, text: str, result_class: str, letter: Attachment | None = None) -> Answer:
    """答复 drafted by unit staff; sent only after the unit head's sign-off (approve_answer)."""
    asg = _lock_assignment(assignment)
    workflow.check("answer", asg, actor)
    ans = _create_answer(asg, actor=actor, text=text, result_class=result_class, letter=letter, final=False)
    _transition(
        asg.suggestion,
        "answer",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=f"起草答复（{result_class}类），待审核签发",
    )
    return ans


def _answerers(suggestion: Suggestion):
    """The lead and split assignments of the current round that still count."""
    return suggestion.assignments.filter(round=suggestion.round, role__in=HANDLER_ROLES).exclude(
        state__in=DEAD_ASSIGNMENT_STATES
    )


def _deputies_to_inform(suggestion: Suggestion) -> list[int]:
    """The lead deputy of the item and of every item merged into it."""
    return [suggestion.lead_deputy_id, *suggestion.merged_items.values_list("lead_deputy_id", flat=True)]


@transaction.atomic
def approve_answer(answer_obj, *, actor, note: str = "") -> Answer:
    """审核签发 by the unit head: the answer is sent. When every lead/split assignment of the round is answered
    the suggestion is ANSWERED and the deputies (of merged originals too) are asked to rate it."""
    ans = _lock_answer(answer_obj)
    if ans.is_final_follow_up:
        return _approve_final_answer(ans, actor=actor, note=note)
    workflow.check("approve_answer", ans, actor)
    asg = ans.assignment
    suggestion = asg.suggestion
    now = _now()
    ans.status = Answer.Status.SENT
    ans.approved_by, ans.approved_at = actor, now
    ans.review_note = (note or "").strip()[:300]
    ans.save(update_fields=["status", "approved_by", "approved_at", "review_note"])
    old = asg.state
    asg.state = A.ANSWERED
    asg.answered_at = now
    _save(asg, "state", "answered_at")
    _transition(
        suggestion,
        "approve_answer",
        actor=actor,
        from_state=old,
        to_state=A.ANSWERED,
        assignment=asg,
        note=f"{asg.unit.name}答复已签发（{ans.result_class}类）",
    )
    if not _answerers(suggestion).exclude(state=A.ANSWERED).exists():
        classes = set(
            Answer.objects.filter(
                assignment__in=_answerers(suggestion), round=suggestion.round, status=Answer.Status.SENT
            ).values_list("result_class", flat=True)
        )
        old_state = suggestion.state
        suggestion.state = S.ANSWERED
        suggestion.answered_at = now
        suggestion.follow_up_open = bool(classes & {"B", "C"})
        _save(suggestion, "state", "answered_at", "follow_up_open")
        _transition(suggestion, "answered", actor=actor, from_state=old_state, to_state=S.ANSWERED, note="全部答复")
        for person_user in person_users(_deputies_to_inform(suggestion)):
            notify(
                person_user,
                event="suggestion.answered",
                key=f"suggestion.answered:s{suggestion.pk}:r{suggestion.round}:u{person_user.pk}",
                title=f"建议{_label(suggestion)}已答复，请对办理结果进行满意度测评",
                url=_url(suggestion),
            )
    return ans


def _approve_final_answer(ans: Answer, *, actor, note: str) -> Answer:
    workflow.check("approve_final_answer", ans, actor)
    asg = ans.assignment
    suggestion = asg.suggestion
    ans.status = Answer.Status.SENT
    ans.approved_by, ans.approved_at = actor, _now()
    ans.review_note = (note or "").strip()[:300]
    ans.save(update_fields=["status", "approved_by", "approved_at", "review_note"])
    # Follow-up ends when every B/C assignment of the round has its final answer sent.
    waiting = False
    for handler in _answerers(suggestion):
        sent = handler.answers.filter(status=Answer.Status.SENT, is_final_follow_up=False).order_by("-id").first()
        finals = handler.answers.filter(status=Answer.Status.SENT, is_final_follow_up=True)
        if sent and sent.result_class in ("B", "C") and not finals.exists():
            waiting = True
    if not waiting:
        suggestion.follow_up_open = False
        _save(suggestion, "follow_up_open")
    _transition(
        suggestion,
        "approve_final_answer",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=f"{asg.unit.name}落实后最终答复已签发（{ans.result_class}类）",
    )
    for person_user in person_users(_deputies_to_inform(suggestion)):
        notify(
            person_user,
            event="suggestion.final_answer",
            key=f"suggestion.final_answer:n{ans.pk}:u{person_user.pk}",
            title=f"建议{_label(suggestion)}有落实情况的最终答复",
            url=_url(suggestion),
        )
    return ans


@transaction.atomic
def reject_answer(answer_obj, *, actor, note: str) -> Answer:
    """The unit head sends a draft answer back for revision (the unit may then draft a new one)."""
    ans = _lock_answer(answer_obj)
    workflow.check("reject_answer", ans, actor)
    ans.review_note = _required(note, "note", "请填写退回修改的意见")[:300]
    ans.status = Answer.Status.REJECTED
    ans.approved_by, ans.approved_at = actor, _now()
    ans.save(update_fields=["status", "review_note", "approved_by", "approved_at"])
    asg = ans.assignment
    _transition(
        asg.suggestion,
        "reject_answer",
        actor=actor,
        from_state=asg.state,
        to_state=asg.state,
        assignment=asg,
        note=ans.review_note,
    )
    if ans.drafted_by_id:
        notify(
            ans.drafted_by,
            event="suggestion.answer_rejected",
            key=f"suggestion.answer_rejected:n{ans.pk}:u{ans.drafted_by_id}",
            title=f"{_label(asg.suggestion)}的答复被退回修改",
            body=ans.review_note,
            url=_url(asg.suggestion),
        )
    return ans


def answers_for(suggestion: Suggestion):
    """The sent answers a deputy reads for `suggestion`: a merged original reads its main item's answers."""
    target = suggestion.merged_into_id if suggestion.state == S.MERGED and suggestion.merged_into_id else suggestion.pk
    return (
        Answer.objects.filter(assignment__suggestion_id=target, status=Answer.Status.SENT)
        .select_related("assignment__unit", "letter")
        .order_by("round", "id")
    )


# --- 测评, 重新办理, 跟踪落实 ---------------------------------------------------------------------------------------


@transaction.atomic
def rate(suggestion, *, actor, value: str, comment: str = "") -> Rating:
    """满意度测评 by the lead deputy, or entered by staff from a third-party phone survey (source=survey)."""
    suggestion = _lock_suggestion(suggestion)
    ctx = workflow.check("rate", suggestion, actor)
    if value not in Rating.Value.values:
        raise ValidationError({"value": "请选择满意、基本满意或不满意"})
    source = workflow.rating_source(ctx)
    rnd = workflow.rating_round(suggestion)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                suggestion=suggestion,
                round=rnd,
                value=value,
                source=source,
                comment=(comment or "").strip(),
                rated_by=actor,
            )
    except IntegrityError as exc:
        raise IllegalTransition("本轮已有测评结果，不能重复测评") from exc
    old = suggestion.state
    if old != S.MERGED:
        suggestion.state = S.RATED
        _save(suggestion, "state")
    note = f"{rating.get_source_display()}：{rating.get_value_display()}" + (f"，{rating.comment}" if comment else "")
    _transition(suggestion, "rate", actor=actor, from_state=old, to_state=suggestion.state, note=note)
    if value == Rating.Value.UNSATISFIED:
        _notify_all(
            office_users(suggestion.congress_id),
            event="suggestion.unsatisfied",
            key=f"suggestion.unsatisfied:s{suggestion.pk}:r{rnd}:{source}",
            title=f"建议{_label(suggestion)}测评为不满意，请研究重新办理",
            body=rating.comment,
            url=_url(suggestion.merged_into if old == S.MERGED else suggestion),
        )
    return rating


@transaction.atomic
def rehandle(suggestion, *, actor, note: str = "") -> list[Assignment]:
    """重新办理 after 不满意: a new round; the lead/split units answer again within rules.rehandle_months."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("rehandle", suggestion, actor)
    previous = list(_answerers(suggestion).select_related("unit"))
    old = suggestion.state
    suggestion.round += 1
    suggestion.state = S.HANDLING
    suggestion.follow_up_open = False
    _save(suggestion, "round", "state", "follow_up_open")
    _transition(
        suggestion,
        "rehandle",
        actor=actor,
        from_state=old,
        to_state=S.HANDLING,
        note=note or f"第{suggestion.round}轮办理",
    )
    due = deadline(_now(), rules().rehandle_months, "months")
    # The units already hold the item: no new signing (and no return window) in a re-handling round.
    return _create_assignments(
        suggestion, [(a.unit, a.role, a.part) for a in previous], actor=actor, due_date=due, state=A.HANDLING
    )


@transaction.atomic
def follow_up(
    assignment,
    *,
    actor,
    progress: str,
    date: dt.date | None = None,
    final: bool = False,
    text: str = "",
    result_class: str = "",
    letter: Attachment | None = None,
) -> FollowUp:
    """跟踪落实 of a B/C answer: progress notes, and when carried out a final answer (signed off like any answer)."""
    asg = _lock_assignment(assignment)
    workflow.check("follow_up", asg, actor)
    progress = _required(progress, "progress", "请填写落实进展")
    date = date or _today()
    if date > _today():
        raise ValidationError({"date": "日期不能晚于今天"})
    item = FollowUp.objects.create(assignment=asg, date=date, progress=progress, recorded_by=actor)
    note = progress
    if final:
        _create_answer(asg, actor=actor, text=text, result_class=result_class, letter=letter, final=True)
        note = f"{progress}（已起草落实后的最终答复，待审核签发）"
    _transition(
        asg.suggestion, "follow_up", actor=actor, from_state=asg.state, to_state=asg.state, assignment=asg, note=note
    )
    return item


# --- 督办 ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def mark_key(
    suggestion,
    *,
    actor,
    is_key: bool = True,
    leader: CommitteeMember | None = None,
    committee: SpecialCommittee | None = None,
    note: str = "",
) -> Suggestion:
    """重点督办: led by a named leader (主任会议成员) and a special committee."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("mark_key", suggestion, actor)
    if is_key:
        if leader is None:
            raise ValidationError({"leader": "请指定领衔督办的领导"})
        if leader.congress_id != suggestion.congress_id or not leader.is_leader:
            raise ValidationError({"leader": "领衔督办领导须为该人大的主任会议成员"})
        if committee is not None and committee.congress_id != suggestion.congress_id:
            raise ValidationError({"committee": "所选专门委员会不属于该人大"})
    suggestion.is_key = is_key
    suggestion.key_leader = leader if is_key else None
    suggestion.key_committee = committee if is_key else None
    _save(suggestion, "is_key", "key_leader", "key_committee")
    text = (
        f"列为重点督办，{leader.name}领衔" + (f"，{committee.name}牵头" if committee else "")
        if is_key
        else "取消重点督办"
    )
    _transition(
        suggestion,
        "mark_key",
        actor=actor,
        from_state=suggestion.state,
        to_state=suggestion.state,
        note=f"{text}。{note}".rstrip("。") if note else text,
    )
    if is_key and leader.user_id:
        notify(
            leader.user,
            event="suggestion.key",
            key=f"suggestion.key:s{suggestion.pk}:m{leader.pk}:u{leader.user_id}",
            title=f"您领衔重点督办建议{_label(suggestion)}",
            url=_url(suggestion),
        )
    return suggestion


@transaction.atomic
def add_supervision(
    suggestion,
    *,
    actor,
    kind: str,
    date: dt.date,
    notes: str,
    committee: SpecialCommittee | None = None,
    scores=(),
) -> Supervision:
    """督办 record: a meeting, site visit, reminder …; for key items committee members' scores (测评打分)."""
    suggestion = _lock_suggestion(suggestion)
    ctx = workflow.check("supervise", suggestion, actor)
    if kind not in Supervision.Kind.values:
        raise ValidationError({"kind": "请选择督办方式"})
    _required(date, "date", "请填写日期")
    if date > _today():
        raise ValidationError({"date": "日期不能晚于今天"})
    notes = _required(notes, "notes", "请填写督办情况")
    if committee is None and workflow.COMMITTEE in ctx.roles and workflow.STAFF not in ctx.roles:
        committee = actor.committee
    if committee is not None and committee.congress_id != suggestion.congress_id:
        raise ValidationError({"committee": "所选专门委员会不属于该人大"})
    record = Supervision.objects.create(
        suggestion=suggestion, kind=kind, date=date, notes=notes, committee=committee, recorded_by=actor
    )
    seen = set()
    for member, score in scores:
        if member.pk in seen:
            raise ValidationError({"scores": f"{member.name}重复打分"})
        seen.add(member.pk)
        if member.congress_id != suggestion.congress_id:
            raise ValidationError({"scores": f"{member.name}不是该人大常委会组成人员"})
        if not isinstance(score, int) or not 0 <= score <= 100:
            raise ValidationError({"scores": "得分须为0到100之间的整数"})
        SupervisionScore.objects.create(supervision=record, member=member, score=score)
    _transition(
        suggestion,
        "supervise",
        actor=actor,
        from_state=suggestion.state,
        to_state=suggestion.state,
        note=f"{record.get_kind_display()}：{notes}",
    )
    if kind == Supervision.Kind.REMINDER:
        for asg in suggestion.assignments.filter(state__in=Assignment.OPEN_STATES):
            _notify_all(
                unit_users(asg.unit_id),
                event="suggestion.supervision_reminder",
                key=f"suggestion.supervision_reminder:v{record.pk}:a{asg.pk}",
                title=f"督办提醒：{_label(suggestion)}",
                body=notes,
                url=_url(suggestion),
            )
    return record


# --- 办结 and 双公开 ----------------------------------------------------------------------------------------------


@transaction.atomic
def close(suggestion, *, actor, note: str = "") -> Suggestion:
    """办结: after rating (or, where rules.rating_deemed_workdays > 0, once that many working days have passed since
    the answer without a rating). A B/C item may close while its follow-up goes on."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("close", suggestion, actor)
    old = suggestion.state
    suggestion.state = S.CLOSED
    suggestion.closed_at = _now()
    _save(suggestion, "state", "closed_at")
    if old == S.ANSWERED:
        note = note or f"答复后{rules().rating_deemed_workdays}个工作日未测评，视为已测评"
    _transition(suggestion, "close", actor=actor, from_state=old, to_state=S.CLOSED, note=note)
    _notify_all(
        person_users([suggestion.lead_deputy_id]),
        event="suggestion.closed",
        key=f"suggestion.closed:s{suggestion.pk}",
        title=f"您的建议{_label(suggestion)}已办结",
        url=_url(suggestion),
    )
    return suggestion


@transaction.atomic
def publish(suggestion, *, actor) -> Suggestion:
    """双公开: release an answered item (not marked 不予公开) to the public page."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("publish", suggestion, actor)
    suggestion.published_at = _now()
    _save(suggestion, "published_at")
    _transition(suggestion, "publish", actor=actor, from_state=suggestion.state, to_state=suggestion.state)
    return suggestion


@transaction.atomic
def set_disclose(suggestion, *, actor, disclose: bool, note: str = "") -> Suggestion:
    """Mark an item for publication or not; marking a published item 不予公开 takes it off the public page."""
    suggestion = _lock_suggestion(suggestion)
    workflow.check("set_disclose", suggestion, actor)
    suggestion.disclose = disclose
    if not disclose:
        suggestion.published_at = None
    _save(suggestion, "disclose", "published_at")
    text = "可公开" if disclose else "不予公开"
    _transition(
        suggestion,
        "set_disclose",
        actor=actor,
        from_state=suggestion.state,
        to_state=suggestion.state,
        note=f"{text}：{note}" if note else text,
    )
    return suggestion


# --- attachments ----------------------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detect_type(head: bytes, fileobj) -> str | None:
    """The file's type from its content (magic bytes; for Office files the zip's parts), never from its name."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            names = set(zipfile.ZipFile(fileobj).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


# Who may attach which kind of file: the lead deputy their materials (while the draft is open), a unit its
# letters and evidence, staff anything, committees and leaders supervision material.
_UPLOAD_ROLES = {
    Attachment.Kind.MATERIAL: {workflow.LEAD_DEPUTY, workflow.STAFF},
    Attachment.Kind.ANSWER_LETTER: {workflow.UNIT, workflow.STAFF},
    Attachment.Kind.CONTACT_EVIDENCE: {workflow.UNIT, workflow.STAFF},
    Attachment.Kind.SUPERVISION: {workflow.STAFF, workflow.COMMITTEE, workflow.LEADER},
    Attachment.Kind.OTHER: {workflow.UNIT, workflow.STAFF},
}


@transaction.atomic
def store_attachment(
    suggestion, upload, *, actor, kind: str = Attachment.Kind.MATERIAL, assignment: Assignment | None = None
) -> Attachment:
    """Store an uploaded file (≤ 20 MB; PDF, JPEG, PNG, DOCX or XLSX by content) after a permission check."""
    suggestion = _lock_suggestion(suggestion)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "附件类型不正确"})
    if assignment is not None and assignment.suggestion_id != suggestion.pk:
        raise ValidationError({"assignment": "该交办不属于此建议"})
    roles = workflow.roles_of(actor, suggestion, assignment)
    if not roles & _UPLOAD_ROLES[kind]:
        raise PermissionDenied("您不能上传此类附件")
    if (
        kind == Attachment.Kind.MATERIAL
        and workflow.STAFF not in roles
        and suggestion.state not in (S.DRAFT, S.RETURNED)
    ):
        raise IllegalTransition(f"该建议当前状态为“{suggestion.get_state_display()}”，不能再上传建议材料")
    if upload is None:
        raise ValidationError({"file": "请选择文件"})
    # Size, type by content, zip bombs in Office files, images re-encoded (core.uploads).
    try:
        checked = uploads.check_upload(upload, allowed=set(_TYPES), max_bytes=MAX_ATTACHMENT_BYTES)
    except uploads.UploadRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    ext, size = checked.ext, checked.size
    name = os.path.basename(getattr(upload, "name", "") or f"附件.{ext}")[:200]
    att = Attachment(
        suggestion=suggestion,
        assignment=assignment,
        kind=kind,
        name=name,
        size=size,
        content_type=_TYPES[ext],
        uploaded_by=actor,
    )
    att.file.save(f"upload.{ext}", ContentFile(checked.data), save=False)
    att.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=att, note=f"{att.get_kind_display()}：{name}")
    return att


def visible_attachment(user, attachment_id: int) -> Attachment:
    """The attachment if `user` may download it, else Http404 (never reveal that it exists)."""
    from .permissions import visible_attachments

    try:
        return visible_attachments(user).select_related("suggestion").get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("附件不存在") from exc


def open_attachment(user, attachment_id: int):
    """(attachment, open file) for a permission-checked download."""
    att = visible_attachment(user, attachment_id)
    return att, att.file.open("rb")
