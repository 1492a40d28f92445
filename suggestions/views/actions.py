"""Every button of the lifecycle, as one registry: which form it asks for and which service it calls.

A page shows only the actions suggestions.workflow allows the user now; the generic `act` view renders the action's
form, calls its service inside one transaction (uploads included, so nothing is half-saved) and maps the outcome:
IllegalTransition → 409 page, PermissionDenied → 403 page, ValidationError → Chinese errors next to the fields.
No view sets a state: only suggestions.services does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.exceptions import IllegalTransition

from .. import forms, services, workflow
from ..models import Answer, Assignment, Attachment, Suggestion
from .common import (
    add_service_errors,
    get_answer,
    get_assignment,
    get_suggestion,
    is_deputy_only,
    problem_page,
    safe_next,
)

SUGGESTION, ASSIGNMENT, ANSWER = "suggestion", "assignment", "answer"


@dataclass(frozen=True)
class Action:
    name: str  # the workflow action
    level: str
    run: Callable  # (obj, cleaned_data, user) -> result
    form: Callable | None = None  # (obj, data, files) -> Form; None: a bare confirmation
    done: str = "已办理"
    primary: bool = False
    confirm: str = ""  # a confirmation question before a one-click action
    aliases: dict = field(default_factory=dict)  # service error keys → form fields
    intro: str = ""  # explanation shown above the form

    @property
    def label(self) -> str:
        return workflow.label(self.name)


def _congress(obj) -> int:
    if isinstance(obj, Answer):
        return obj.assignment.suggestion.congress_id
    if isinstance(obj, Assignment):
        return obj.suggestion.congress_id
    return obj.congress_id


def _store(obj_suggestion, upload, user, kind, assignment=None):
    if not upload:
        return None
    return services.store_attachment(obj_suggestion, upload, actor=user, kind=kind, assignment=assignment)


# --- the service calls (each one line of glue) ----------------------------------------------------------------------


def _assign(s, d, user):
    return services.assign(s, actor=user, note=d.get("note", ""), **d["service_kwargs"])


def _relay(a, d, user):
    return services.relay(a, actor=user, note=d.get("note", ""), **d["service_kwargs"])


def _supervise(s, d, user):
    record = services.add_supervision(
        s,
        actor=user,
        kind=d["kind"],
        date=d["date"],
        notes=d["notes"],
        committee=d.get("committee"),
        scores=list(d["scores"].items()),
    )
    for f in d.get("files") or []:
        _store(s, f, user, Attachment.Kind.SUPERVISION)
    return record


def _contact(a, d, user):
    evidence = _store(a.suggestion, d.get("evidence"), user, Attachment.Kind.CONTACT_EVIDENCE, a)
    return services.record_contact(
        a,
        actor=user,
        date=d["date"],
        form=d["form"],
        participants=d["participants"],
        content=d.get("content", ""),
        evidence=evidence,
    )


def _answer(a, d, user):
    letter = _store(a.suggestion, d.get("letter"), user, Attachment.Kind.ANSWER_LETTER, a)
    return services.answer(a, actor=user, text=d["text"], result_class=d["result_class"], letter=letter)


def _follow_up(a, d, user):
    letter = _store(a.suggestion, d.get("letter"), user, Attachment.Kind.ANSWER_LETTER, a) if d.get("final") else None
    return services.follow_up(
        a,
        actor=user,
        progress=d["progress"],
        date=d["date"],
        final=bool(d.get("final")),
        text=d.get("text", ""),
        result_class=d.get("result_class", ""),
        letter=letter,
    )


def _resolve_return(a, d, user):
    return services.resolve_return(
        a,
        actor=user,
        approve=d["decision"] == "approve",
        new_unit=d.get("new_unit"),
        resolution=d.get("resolution", ""),
    )


def _resolve_extension(a, d, user):
    return services.resolve_extension(
        a,
        actor=user,
        approve=d["decision"] == "approve",
        granted_due=d.get("granted_due"),
        resolution=d.get("resolution", ""),
    )


def _pending_request(a, kind):
    return a.requests.filter(kind=kind, status="pending").first()


ACTIONS: dict[tuple[str, str], Action] = {}


def _register(*actions: Action) -> None:
    for a in actions:
        ACTIONS[(a.level, a.name)] = a


_register(
    # 提出 (the deputy's own buttons; drafts and co-signers have pages of their own)
    Action(
        "submit", SUGGESTION, lambda s, d, u: services.submit(s, actor=u), done="已提交，等待代表工委审查", primary=True
    ),
    Action("cosign", SUGGESTION, lambda s, d, u: services.cosign(s, actor=u), done="已确认联名", primary=True),
    Action(
        "withdraw",
        SUGGESTION,
        lambda s, d, u: services.withdraw(s, actor=u, note=d.get("note", "")),
        form=lambda o, data, files: forms.NoteForm(data),
        done="已撤回",
    ),
    # 审查/立案
    Action(
        "accept",
        SUGGESTION,
        lambda s, d, u: services.accept(
            s, actor=u, category=d.get("category"), committee=d.get("committee"), note=d.get("note", "")
        ),
        form=lambda o, data, files: forms.AcceptForm(
            data, congress_id=o.congress_id, initial={"category": o.category_id, "committee": o.committee_id}
        ),
        done="已立案并编号",
        primary=True,
    ),
    Action(
        "return_for_revision",
        SUGGESTION,
        lambda s, d, u: services.return_for_revision(s, actor=u, reason=d["reason"]),
        form=lambda o, data, files: forms.ReasonForm(data),
        done="已退回代表修改",
    ),
    Action(
        "decline",
        SUGGESTION,
        lambda s, d, u: services.decline(s, actor=u, reason=d["reason"]),
        form=lambda o, data, files: forms.ReasonForm(data),
        done="已不予立案",
    ),
    # 交办
    Action(
        "assign",
        SUGGESTION,
        _assign,
        form=lambda o, data, files: forms.AssignForm(data, congress_id=o.congress_id),
        done="已交办",
        primary=True,
        aliases={"lead": "lead_unit", "co": "co_units", "splits": "split_unit_1", "units": None},
    ),
    # 督办
    Action(
        "mark_key",
        SUGGESTION,
        lambda s, d, u: services.mark_key(s, actor=u, leader=d["leader"], committee=d["committee"]),
        form=lambda o, data, files: forms.MarkKeyForm(
            data, congress_id=o.congress_id, initial={"leader": o.key_leader_id, "committee": o.key_committee_id}
        ),
        done="已列为重点督办",
    ),
    Action(
        "supervise",
        SUGGESTION,
        _supervise,
        form=lambda o, data, files: forms.SupervisionForm(data, files, congress_id=o.congress_id),
        done="已记录督办情况",
        aliases={"scores": None, "file": "files"},
    ),
    # 测评, 重新办理, 办结, 公开
    Action(
        "rate",
        SUGGESTION,
        lambda s, d, u: services.rate(s, actor=u, value=d["value"], comment=d.get("comment", "")),
        form=lambda o, data, files: forms.RatingForm(data),
        done="测评结果已提交",
        primary=True,
    ),
    Action(
        "rehandle",
        SUGGESTION,
        lambda s, d, u: services.rehandle(s, actor=u, note=d.get("note", "")),
        form=lambda o, data, files: forms.NoteForm(data),
        done="已交原承办单位重新办理",
        intro="代表对答复不满意：原主办（分办）单位重新办理，期限重新起算。",
    ),
    Action(
        "close",
        SUGGESTION,
        lambda s, d, u: services.close(s, actor=u, note=d.get("note", "")),
        form=lambda o, data, files: forms.NoteForm(data),
        done="已办结",
        primary=True,
    ),
    Action(
        "publish",
        SUGGESTION,
        lambda s, d, u: services.publish(s, actor=u),
        done="已公开",
        confirm="公开后群众可在公开页面查阅该建议及答复（不含联系方式），确定公开吗？",
    ),
    Action(
        "set_disclose",
        SUGGESTION,
        lambda s, d, u: services.set_disclose(s, actor=u, disclose=d["disclose"], note=d.get("note", "")),
        form=lambda o, data, files: forms.DiscloseForm(data, initial={"disclose": "1" if o.disclose else "0"}),
        done="已保存公开设置",
    ),
    # 承办单位
    Action("sign", ASSIGNMENT, lambda a, d, u: services.sign(a, actor=u), done="已签收", primary=True),
    Action(
        "relay",
        ASSIGNMENT,
        _relay,
        form=lambda o, data, files: forms.AssignForm(data, congress_id=_congress(o), exclude_unit_id=o.unit_id),
        done="已转办",
        aliases={"lead": "lead_unit", "co": "co_units", "splits": "split_unit_1", "units": None},
    ),
    Action(
        "request_return",
        ASSIGNMENT,
        lambda a, d, u: services.request_return(a, actor=u, reason=d["reason"], suggested_unit=d["suggested_unit"]),
        form=lambda o, data, files: forms.RequestReturnForm(data),
        done="已申请退回，等待代表工委审批",
        intro="交办有误的，可在签收后规定期限内申请退回，并说明理由；承办单位不得自行转交。",
    ),
    Action(
        "resolve_return",
        ASSIGNMENT,
        _resolve_return,
        form=lambda o, data, files: forms.ResolveReturnForm(data, congress_id=_congress(o), exclude_unit_id=o.unit_id),
        done="已审批退回申请",
    ),
    Action(
        "request_extension",
        ASSIGNMENT,
        lambda a, d, u: services.request_extension(a, actor=u, requested_due=d["requested_due"], reason=d["reason"]),
        form=lambda o, data, files: forms.RequestExtensionForm(data, assignment=o),
        done="已申请延期，等待代表工委审批",
    ),
    Action(
        "resolve_extension",
        ASSIGNMENT,
        _resolve_extension,
        form=lambda o, data, files: forms.ResolveExtensionForm(data),
        done="已审批延期申请",
    ),
    Action(
        "submit_opinion",
        ASSIGNMENT,
        lambda a, d, u: services.submit_opinion(a, actor=u, opinion=d["opinion"]),
        form=lambda o, data, files: forms.OpinionForm(data),
        done="协办意见已送主办单位",
    ),
    Action(
        "record_contact",
        ASSIGNMENT,
        _contact,
        form=lambda o, data, files: forms.ContactForm(data, files),
        done="已登记见面沟通",
        aliases={"file": "evidence"},
    ),
    Action(
        "answer",
        ASSIGNMENT,
        _answer,
        form=lambda o, data, files: forms.AnswerForm(data, files),
        done="答复已提交，待单位负责人审核签发",
        primary=True,
        aliases={"file": "letter"},
    ),
    Action(
        "follow_up",
        ASSIGNMENT,
        _follow_up,
        form=lambda o, data, files: forms.FollowUpForm(data, files),
        done="已登记落实进展",
        aliases={"file": "letter"},
    ),
    # 审核签发
    Action(
        "approve_answer",
        ANSWER,
        lambda n, d, u: services.approve_answer(n, actor=u, note=d.get("note", "")),
        form=lambda o, data, files: forms.NoteForm(data),
        done="答复已签发",
        primary=True,
    ),
    Action(
        "reject_answer",
        ANSWER,
        lambda n, d, u: services.reject_answer(n, actor=u, note=d["note"]),
        form=lambda o, data, files: forms.RequiredNoteForm(data),
        done="答复已退回修改",
    ),
)

LOADERS = {SUGGESTION: get_suggestion, ASSIGNMENT: get_assignment, ANSWER: get_answer}


def workflow_name(action: Action, obj) -> str:
    if action.name == "approve_answer" and isinstance(obj, Answer) and obj.is_final_follow_up:
        return "approve_final_answer"
    return action.name


def suggestion_of(obj) -> Suggestion:
    if isinstance(obj, Answer):
        return obj.assignment.suggestion
    if isinstance(obj, Assignment):
        return obj.suggestion
    return obj


def url_for(level: str, obj_pk: int, name: str) -> str:
    return reverse("suggestions:act", args=[level, obj_pk, name])


# --- buttons on pages -----------------------------------------------------------------------------------------------


@dataclass
class Button:
    action: Action
    url: str
    text: str = ""

    @property
    def label(self):
        return self.text or self.action.label

    @property
    def one_click(self) -> bool:
        return self.action.form is None


def buttons(user, suggestion: Suggestion, assignment: Assignment | None = None) -> list[Button]:
    """The registered actions `user` may take now on the suggestion (or on one of its assignments)."""
    level = ASSIGNMENT if assignment is not None else SUGGESTION
    obj = assignment if assignment is not None else suggestion
    out = []
    for name in workflow.allowed_actions(user, suggestion, assignment):
        action = ACTIONS.get((level, name))
        if action is not None:
            # Staff rate on behalf of a third-party phone survey; the deputy rates in person.
            text = "录入电话测评" if name == "rate" and user.person_id != suggestion.lead_deputy_id else ""
            out.append(Button(action, url_for(level, obj.pk, name), text))
    return out


def answer_buttons(user, answer: Answer) -> list[Button]:
    out = []
    for name in ("approve_answer", "reject_answer"):
        action = ACTIONS[(ANSWER, name)]
        try:
            workflow.check(workflow_name(action, answer), answer, user)
        except (PermissionDenied, IllegalTransition):
            continue
        out.append(Button(action, url_for(ANSWER, answer.pk, name)))
    return out


# --- the generic view -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def act(request, level: str, pk: int, name: str):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    action = ACTIONS.get((level, name))
    if action is None:
        raise Http404("没有这个操作")
    user = request.user
    obj = LOADERS[level](user, pk)
    suggestion = suggestion_of(obj)
    back = safe_next(request, reverse("suggestions:detail", args=[suggestion.pk]))
    try:
        workflow.check(workflow_name(action, obj), obj, user)
    except PermissionDenied as exc:
        return problem_page(request, 403, str(exc) or "您无权进行此操作", back)
    except IllegalTransition as exc:
        return problem_page(request, 409, str(exc), back)

    form = (
        action.form(obj, request.POST if request.method == "POST" else None, request.FILES or None)
        if action.form
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None or form.is_valid():
            data = dict(form.cleaned_data) if form is not None else {}
            if isinstance(form, forms.SupervisionForm):
                data["scores"] = form.scores()
            try:
                with transaction.atomic():
                    action.run(obj, data, user)
            except IllegalTransition as exc:
                return problem_page(request, 409, str(exc), back)
            except PermissionDenied as exc:
                return problem_page(request, 403, str(exc) or "您无权进行此操作", back)
            except ValidationError as exc:
                if form is None:
                    return problem_page(request, 400, "；".join(exc.messages), back)
                add_service_errors(form, exc, action.aliases)
                status = 400
            else:
                messages.success(request, action.done)
                return redirect(back)
        else:
            status = 400
    template = "suggestions/m_action.html" if is_deputy_only(user) else "suggestions/action.html"
    assignment = obj if isinstance(obj, Assignment) else obj.assignment if isinstance(obj, Answer) else None
    context = {
        "action": action,
        "form": form,
        "suggestion": suggestion,
        "assignment": assignment,
        "answer": obj if isinstance(obj, Answer) else None,
        "back": back,
        "pending_request": None,
    }
    if name in ("resolve_return", "resolve_extension"):
        context["pending_request"] = _pending_request(obj, "return" if name == "resolve_return" else "extension")
    return render(request, template, context, status=status)
