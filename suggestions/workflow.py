"""The suggestion lifecycle as ONE transition table (提出 → 审查 → 交办 → 督办 → 答复 → 满意度测评 → 办结).

Each action names the states it may start from (of the suggestion, of the assignment and of the answer where it acts
on one), the state it leads to, and the workflow roles that may ever take it. `check(action, obj, user)` is the only
judge of legality: it raises PermissionDenied (HTTP 403) when none of the user's roles on this object may take the
action, and IllegalTransition (HTTP 409) when the current state does not allow it. Services call it under the row lock,
then change the state.

Workflow roles are relations between a user and one suggestion/assignment, not just account roles:
lead_deputy 领衔代表 · cosigner 被邀请的联名代表 · staff 代表工委（或乡镇人大）工作人员 of the item's congress ·
leader 主任会议成员 · committee 对口（或牵头督办）的专门委员会 · unit 承办单位人员 of the assignment's unit ·
unit_head 承办单位负责人 (审核签发) · gov_office 政府办（督查室）, the only unit that may pass an item on (转办).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import UNIT_ROLES, Role
from accounts.scopes import office_congress_ids
from core.exceptions import IllegalTransition
from organization.models import HandlingUnit

from .models import Answer, Assignment, CoSigner, HandlingRequest, Rating, Suggestion
from .permissions import is_office
from .rules import rules

S = Suggestion.State
A = Assignment.State
AR = Assignment.Role
AN = Answer.Status

LEAD_DEPUTY = "lead_deputy"
COSIGNER = "cosigner"
STAFF = "staff"
LEADER = "leader"
COMMITTEE = "committee"
UNIT = "unit"
UNIT_HEAD = "unit_head"
GOV_OFFICE = "gov_office"

ROLE_LABELS = {
    LEAD_DEPUTY: "领衔代表",
    COSIGNER: "联名代表",
    STAFF: "代表工委工作人员",
    LEADER: "主任会议成员",
    COMMITTEE: "专门委员会",
    UNIT: "承办单位",
    UNIT_HEAD: "承办单位负责人",
    GOV_OFFICE: "政府办（督查室）",
}

# Suggestion states in which the item is under handling or answered (supervision and key marking make sense).
LIVE = (S.ACCEPTED, S.HANDLING, S.ANSWERED, S.RATED)
ANSWERED_STATES = (S.ANSWERED, S.RATED, S.CLOSED)


@dataclass
class Context:
    """What `check` found: the objects and the user's workflow roles on them."""

    suggestion: Suggestion
    assignment: Assignment | None = None
    answer: Answer | None = None
    roles: frozenset[str] = frozenset()
    user: object = None


Guard = Callable[[Context], str | None]


@dataclass(frozen=True)
class Rule:
    label: str
    roles: frozenset[str]
    suggestion_from: tuple[str, ...] | None = None  # None: any state
    suggestion_to: str | None = None  # None: unchanged
    assignment_from: tuple[str, ...] | None = None  # set: the action needs an assignment
    assignment_to: tuple[str, ...] = ()  # possible targets (resolve_return: RETURNED or HANDLING)
    assignment_roles: tuple[str, ...] | None = None  # 主办/协办/分办 allowed
    answer_from: tuple[str, ...] | None = None  # set: the action needs an answer
    answer_to: str | None = None
    guards: tuple[Guard, ...] = field(default=())


# --- guards: conditions beyond the state, each returns a Chinese message when it refuses ---------------------------


def _cosigners_confirmed(ctx: Context) -> str | None:
    pending = [c.person.name for c in ctx.suggestion.cosigners.select_related("person") if not c.confirmed_at]
    if pending:
        return f"联名代表{'、'.join(pending)}尚未确认，不能提交"
    return None


def _cosign_pending(ctx: Context) -> str | None:
    if not ctx.suggestion.cosigners.filter(person_id=ctx.user.person_id, confirmed_at__isnull=True).exists():
        return "您已确认联名"
    return None


def _within_return_window(ctx: Context) -> str | None:
    asg = ctx.assignment
    if asg.return_deadline is None:
        return "该交办未签收或为重新办理，不能申请退回"
    if timezone.localdate() > asg.return_deadline:
        return f"已超过申请退回期限（{asg.return_deadline:%Y年%m月%d日}），不能申请退回"
    if asg.answers.exclude(status=AN.REJECTED).exists():
        return "已起草答复，不能申请退回"
    return None


def _no_pending_extension(ctx: Context) -> str | None:
    if ctx.assignment.requests.filter(kind=HandlingRequest.Kind.EXTENSION, status="pending").exists():
        return "已有待审批的延期申请"
    return None


def _pending_extension(ctx: Context) -> str | None:
    if not ctx.assignment.requests.filter(kind=HandlingRequest.Kind.EXTENSION, status="pending").exists():
        return "该交办没有待审批的延期申请"
    return None


def _no_live_answer(ctx: Context) -> str | None:
    asg = ctx.assignment
    live = asg.answers.filter(round=asg.round, is_final_follow_up=False).exclude(status=AN.REJECTED)
    if live.exists():
        return "本轮已有答复（待审核签发或已签发），不能重复答复"
    return None


def _opinion_not_given(ctx: Context) -> str | None:
    return "已提交协办意见" if ctx.assignment.opinion_at else None


def _regular_answer(ctx: Context) -> str | None:
    return "这是落实后的最终答复，请按跟踪落实审核" if ctx.answer.is_final_follow_up else None


def _final_answer(ctx: Context) -> str | None:
    return None if ctx.answer.is_final_follow_up else "这不是落实后的最终答复"


def _follow_up_open(ctx: Context) -> str | None:
    sug, asg = ctx.suggestion, ctx.assignment
    if not sug.follow_up_open:
        return "该建议没有待跟踪落实的事项"
    sent = asg.answers.filter(status=AN.SENT, is_final_follow_up=False).order_by("-round", "-id").first()
    if sent is None or sent.result_class not in ("B", "C"):
        return "只有B类、C类答复需要跟踪落实"
    if asg.answers.filter(is_final_follow_up=True).exclude(status=AN.REJECTED).exists():
        return "已提交落实后的最终答复"
    return None


def _main_answered(ctx: Context) -> str | None:
    sug = ctx.suggestion
    if sug.state == S.MERGED:
        main = sug.merged_into
        if main is None or main.state not in ANSWERED_STATES:
            return "并案主办建议尚未答复，暂不能测评"
    return None


def rating_source(ctx: Context) -> str:
    """The lead deputy rates in person; office staff enter third-party survey ratings."""
    return Rating.Source.DEPUTY if LEAD_DEPUTY in ctx.roles else Rating.Source.SURVEY


def rating_round(suggestion: Suggestion) -> int:
    """A merged original is rated on its main item's answer, in the main item's round."""
    if suggestion.state == S.MERGED and suggestion.merged_into_id:
        return suggestion.merged_into.round
    return suggestion.round


def _not_rated_yet(ctx: Context) -> str | None:
    source = rating_source(ctx)
    rnd = rating_round(ctx.suggestion)
    if Rating.objects.filter(suggestion=ctx.suggestion, round=rnd, source=source).exists():
        who = "代表" if source == Rating.Source.DEPUTY else "第三方测评"
        return f"本轮已有{who}的测评结果，不能重复测评"
    return None


def _unsatisfied_and_rounds_left(ctx: Context) -> str | None:
    sug = ctx.suggestion
    limit = rules().max_rehandle_rounds
    if sug.round - 1 >= limit:
        return f"已重新办理{limit}次，达到上限，不能再次重新办理，请转为重点督办"
    originals = [sug.pk, *sug.merged_items.values_list("pk", flat=True)]
    ratings = Rating.objects.filter(suggestion_id__in=originals, round=sug.round)
    by_item: dict[int, dict[str, str]] = {}
    for r in ratings:
        by_item.setdefault(r.suggestion_id, {})[r.source] = r.value
    # A survey rating counts over the deputy's own where both exist.
    effective = [v.get(Rating.Source.SURVEY, v.get(Rating.Source.DEPUTY)) for v in by_item.values()]
    if Rating.Value.UNSATISFIED not in effective:
        return "本轮测评没有“不满意”，不需要重新办理"
    return None


def _can_close(ctx: Context) -> str | None:
    sug = ctx.suggestion
    if sug.state == S.ANSWERED:
        days = rules().rating_deemed_workdays
        if days <= 0:
            return "代表尚未测评，不能办结"
        from core.deadlines import deadline

        if sug.answered_at is None or timezone.localdate() <= deadline(sug.answered_at, days, "workdays"):
            return f"代表尚未测评，答复满{days}个工作日后方可视为已测评并办结"
    return None


def _publishable(ctx: Context) -> str | None:
    sug = ctx.suggestion
    if not sug.disclose:
        return "该建议标记为不予公开，不能发布"
    if sug.published_at:
        return "该建议已公开"
    return None


# --- the table ------------------------------------------------------------------------------------------------------

_OPEN_HANDLING = (A.HANDLING,)
HANDLERS = (AR.LEAD, AR.SPLIT)

TABLE: dict[str, Rule] = {
    "update_draft": Rule("修改", frozenset({LEAD_DEPUTY}), (S.DRAFT, S.RETURNED)),
    "invite_cosigner": Rule("邀请联名代表", frozenset({LEAD_DEPUTY}), (S.DRAFT, S.RETURNED)),
    "cosign": Rule("确认联名", frozenset({COSIGNER}), (S.DRAFT, S.RETURNED), guards=(_cosign_pending,)),
    "submit": Rule(
        "提交", frozenset({LEAD_DEPUTY}), (S.DRAFT, S.RETURNED), S.SUBMITTED, guards=(_cosigners_confirmed,)
    ),
    "withdraw": Rule("撤回", frozenset({LEAD_DEPUTY}), (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN),
    "accept": Rule("立案", frozenset({STAFF}), (S.SUBMITTED,), S.ACCEPTED),
    "return_for_revision": Rule("退回修改", frozenset({STAFF}), (S.SUBMITTED,), S.RETURNED),
    "decline": Rule("不予立案", frozenset({STAFF}), (S.SUBMITTED,), S.DECLINED),
    # merge: the main item (accepted if it was only submitted); be_merged: each item merged into it.
    "merge": Rule("并案", frozenset({STAFF}), (S.SUBMITTED, S.ACCEPTED), S.ACCEPTED),
    "be_merged": Rule("并入", frozenset({STAFF}), (S.SUBMITTED, S.ACCEPTED), S.MERGED),
    "assign": Rule("交办", frozenset({STAFF}), (S.ACCEPTED,), S.HANDLING),
    "relay": Rule(
        "转办",
        frozenset({GOV_OFFICE}),
        (S.HANDLING,),
        None,
        (A.PENDING_SIGN, A.HANDLING),
        (A.RELAYED,),
    ),
    "sign": Rule("签收", frozenset({UNIT}), (S.HANDLING,), None, (A.PENDING_SIGN,), (A.HANDLING,)),
    "request_return": Rule(
        "申请退回",
        frozenset({UNIT}),
        (S.HANDLING,),
        None,
        _OPEN_HANDLING,
        (A.RETURN_REQUESTED,),
        guards=(_within_return_window,),
    ),
    "resolve_return": Rule(
        "审批退回申请", frozenset({STAFF}), (S.HANDLING,), None, (A.RETURN_REQUESTED,), (A.RETURNED, A.HANDLING)
    ),
    "request_extension": Rule(
        "申请延期",
        frozenset({UNIT}),
        (S.HANDLING,),
        None,
        _OPEN_HANDLING,
        (),
        HANDLERS,
        guards=(_no_pending_extension,),
    ),
    "resolve_extension": Rule(
        "审批延期申请",
        frozenset({STAFF}),
        (S.HANDLING,),
        None,
        (A.HANDLING, A.RETURN_REQUESTED),
        guards=(_pending_extension,),
    ),
    "submit_opinion": Rule(
        "提交协办意见",
        frozenset({UNIT}),
        (S.HANDLING,),
        None,
        _OPEN_HANDLING,
        (A.ANSWERED,),
        (AR.CO,),
        guards=(_opinion_not_given,),
    ),
    "record_contact": Rule(
        "登记见面沟通",
        frozenset({UNIT}),
        (S.HANDLING, S.ANSWERED, S.RATED),
        None,
        (A.HANDLING, A.ANSWERED),
    ),
    "answer": Rule(
        "答复", frozenset({UNIT}), (S.HANDLING,), None, _OPEN_HANDLING, (), HANDLERS, guards=(_no_live_answer,)
    ),
    "approve_answer": Rule(
        "审核签发",
        frozenset({UNIT_HEAD}),
        (S.HANDLING,),
        None,  # → ANSWERED when every lead/split assignment of the round is answered (services.approve_answer)
        _OPEN_HANDLING,
        (A.ANSWERED,),
        HANDLERS,
        (AN.PENDING_APPROVAL,),
        AN.SENT,
        guards=(_regular_answer,),
    ),
    "approve_final_answer": Rule(
        "审核签发落实答复",
        frozenset({UNIT_HEAD}),
        ANSWERED_STATES,
        None,
        (A.ANSWERED,),
        (),
        HANDLERS,
        (AN.PENDING_APPROVAL,),
        AN.SENT,
        guards=(_final_answer,),
    ),
    "reject_answer": Rule(
        "退回答复修改",
        frozenset({UNIT_HEAD}),
        (S.HANDLING, *ANSWERED_STATES),
        None,
        (A.HANDLING, A.ANSWERED),
        (),
        HANDLERS,
        (AN.PENDING_APPROVAL,),
        AN.REJECTED,
    ),
    "rate": Rule(
        "满意度测评",
        frozenset({LEAD_DEPUTY, STAFF}),
        (S.ANSWERED, S.RATED, S.MERGED),
        S.RATED,  # a merged original keeps MERGED; its rating is its own (services.rate)
        guards=(_main_answered, _not_rated_yet),
    ),
    "rehandle": Rule("重新办理", frozenset({STAFF}), (S.RATED,), S.HANDLING, guards=(_unsatisfied_and_rounds_left,)),
    "follow_up": Rule(
        "跟踪落实",
        frozenset({UNIT}),
        ANSWERED_STATES,
        None,
        (A.ANSWERED,),
        (),
        HANDLERS,
        guards=(_follow_up_open,),
    ),
    "mark_key": Rule("重点督办", frozenset({LEADER, STAFF}), LIVE),
    "supervise": Rule("督办", frozenset({STAFF, COMMITTEE, LEADER}), LIVE),
    "close": Rule("办结", frozenset({STAFF}), (S.ANSWERED, S.RATED), S.CLOSED, guards=(_can_close,)),
    "publish": Rule("公开", frozenset({STAFF}), ANSWERED_STATES, guards=(_publishable,)),
    "set_disclose": Rule(
        "设置是否公开",
        frozenset({STAFF}),
        (S.SUBMITTED, S.ACCEPTED, S.HANDLING, S.ANSWERED, S.RATED, S.CLOSED),
    ),
}


# Timeline entries that are not actions of their own.
EXTRA_LABELS = {
    "create_draft": "起草",
    "enter_for_deputy": "代为录入",
    "assign_unit": "交办单位",
    "answered": "全部答复",
}


def label(action: str) -> str:
    """The Chinese name of a timeline entry."""
    rule = TABLE.get(action)
    return rule.label if rule else EXTRA_LABELS.get(action, action)


# --- roles ----------------------------------------------------------------------------------------------------------


def roles_of(user, suggestion: Suggestion, assignment: Assignment | None = None) -> frozenset[str]:
    """The workflow roles `user` holds on this suggestion (and assignment)."""
    if not user.is_authenticated:
        return frozenset()
    found: set[str] = set()
    if user.person_id and user.person_id == suggestion.lead_deputy_id:
        found.add(LEAD_DEPUTY)
    if user.person_id and CoSigner.objects.filter(suggestion=suggestion, person_id=user.person_id).exists():
        found.add(COSIGNER)
    if is_office(user, suggestion):
        found.add(STAFF)
    in_scope = suggestion.congress_id in office_congress_ids(user)
    if in_scope and user.has_role(Role.LEADER):
        found.add(LEADER)
    if (
        in_scope
        and user.has_role(Role.COMMITTEE)
        and user.committee_id
        and user.committee_id in (suggestion.committee_id, suggestion.key_committee_id)
    ):
        found.add(COMMITTEE)
    if assignment is not None and user.unit_id == assignment.unit_id and user.role_set & UNIT_ROLES:
        found.add(UNIT)
        if user.has_role(Role.UNIT_HEAD):
            found.add(UNIT_HEAD)
        if assignment.unit.kind == HandlingUnit.Kind.GOV_OFFICE:
            found.add(GOV_OFFICE)
    return frozenset(found)


def _state_label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def check(action: str, obj, user) -> Context:
    """Raise PermissionDenied (403) or IllegalTransition (409) unless `user` may take `action` on `obj` now.

    `obj` is a Suggestion, an Assignment or an Answer (the action's own level); returns the Context."""
    rule = TABLE[action]
    answer = obj if isinstance(obj, Answer) else None
    assignment = answer.assignment if answer else obj if isinstance(obj, Assignment) else None
    suggestion = assignment.suggestion if assignment else obj
    if rule.assignment_from is not None and assignment is None:
        raise IllegalTransition(f"请指定要{rule.label}的交办")
    if rule.answer_from is not None and answer is None:
        raise IllegalTransition(f"请指定要{rule.label}的答复")

    roles = roles_of(user, suggestion, assignment)
    if not roles & rule.roles:
        allowed = "、".join(ROLE_LABELS[r] for r in sorted(rule.roles))
        raise PermissionDenied(f"只有{allowed}可以{rule.label}")
    if rule.assignment_roles is not None and assignment.role not in rule.assignment_roles:
        raise PermissionDenied(f"{assignment.get_role_display()}单位不能{rule.label}")

    if rule.suggestion_from is not None and suggestion.state not in rule.suggestion_from:
        raise IllegalTransition(f"该建议当前状态为“{_state_label(S, suggestion.state)}”，不能{rule.label}")
    if rule.assignment_from is not None and assignment.state not in rule.assignment_from:
        raise IllegalTransition(
            f"该交办（{assignment.unit.name}）当前状态为“{_state_label(A, assignment.state)}”，不能{rule.label}"
        )
    if rule.answer_from is not None and answer.status not in rule.answer_from:
        raise IllegalTransition(f"该答复当前状态为“{_state_label(AN, answer.status)}”，不能{rule.label}")
    ctx = Context(suggestion=suggestion, assignment=assignment, answer=answer, roles=roles, user=user)
    for guard in rule.guards:
        message = guard(ctx)
        if message:
            raise IllegalTransition(message)
    return ctx


def allowed_actions(user, suggestion: Suggestion, assignment: Assignment | None = None) -> list[str]:
    """The actions `user` could take now (for buttons on screens). Assignment-level actions need `assignment`."""
    out = []
    for name, rule in TABLE.items():
        if rule.answer_from is not None or name == "be_merged":
            continue
        if rule.assignment_from is not None and assignment is None:
            continue
        try:
            check(name, assignment if rule.assignment_from is not None else suggestion, user)
        except (PermissionDenied, IllegalTransition):
            continue
        out.append(name)
    return out


def today() -> dt.date:
    return timezone.localdate()
