"""The suggestion's page: content, deputies, assignments, answers, contacts, ratings, supervision, files, the timeline,
and the buttons the user may press now. A unit sees only its own assignments and their records; a deputy gets the
phone layout."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from core.masking import mask_phone

from .. import permissions, services
from ..models import Answer, Attachment, CoSigner, Rating, Suggestion, Supervision, Transition
from . import actions
from .common import attachment_disposition, due_mark, get_suggestion, is_deputy_only

STATE_LABELS = dict(Suggestion.State.choices)
# The units' steps a deputy follows on the timeline (internal ones, like an answer sent back by the unit head, stay
# inside the unit).
DEPUTY_STEPS = ("assign_unit", "sign", "record_contact", "approve_answer", "approve_final_answer", "resolve_return")


def lead_phone(user, suggestion: Suggestion) -> str:
    phone = suggestion.lead_deputy.phone or ""
    return phone if permissions.can_see_lead_phone(user, suggestion) else mask_phone(phone)


def timeline(suggestion: Suggestion, assignment_ids: set[int] | None) -> list[Transition]:
    """Transition rows; for a unit only the item's own steps and those of its assignments."""
    qs = suggestion.transitions.select_related("assignment__unit").order_by("at", "id")
    if assignment_ids is not None:
        qs = qs.filter(Q(assignment__isnull=True) | Q(assignment_id__in=assignment_ids))
    rows = list(qs)
    for row in rows:
        row.label = actions.workflow.label(row.action)
    return rows


@login_required
def detail(request, pk):
    user = request.user
    s = get_suggestion(user, pk)
    if is_deputy_only(user):
        return deputy_detail(request, s)
    today = timezone.localdate()
    unit_only = not permissions.is_office(user, s) and bool(user.unit_id) and not user.has_role("leader", "committee")
    assignments = list(
        permissions.visible_assignments(user)
        .filter(suggestion=s)
        .select_related("unit", "parent__unit")
        .prefetch_related("contacts__evidence", "follow_ups", "requests", "answers__letter")
        .order_by("round", "role", "id")
    )
    for a in assignments:  # the buttons read a.suggestion: the item already loaded, not one query per assignment
        a.suggestion = s
    own_ids = {a.pk for a in assignments} if unit_only else None
    is_office = permissions.is_office(user, s)
    rows = []
    for a in assignments:
        answers = [
            {
                "answer": n,
                "buttons": actions.answer_buttons(user, n) if n.status == Answer.Status.PENDING_APPROVAL else [],
            }
            for n in a.answers.all()
            if n.status == Answer.Status.SENT or is_office or permissions.is_unit_user(user, a)
        ]
        rows.append(
            {
                "a": a,
                "mark": due_mark(a.due_date, today=today, open_=a.is_open),
                "answers": answers,
                "buttons": actions.buttons(user, s, a),
                "own": permissions.is_unit_user(user, a),
            }
        )
    attachments = permissions.visible_attachments(user).filter(suggestion=s).order_by("id")
    context = {
        "s": s,
        "phone": lead_phone(user, s),
        "cosigners": list(CoSigner.objects.filter(suggestion=s).select_related("person")),
        "rows": rows,
        "buttons": actions.buttons(user, s),
        "ratings": list(s.ratings.select_related("rated_by").order_by("round", "id")),
        "supervisions": list(
            Supervision.objects.filter(suggestion=s).select_related("committee").prefetch_related("scores__member")
        ),
        "attachments": list(attachments),
        "timeline": timeline(s, own_ids),
        "merged_items": list(s.merged_items.select_related("lead_deputy")),
        "is_office": is_office,
        "state_labels": STATE_LABELS,
        "main_answers": list(services.answers_for(s)) if s.state == Suggestion.State.MERGED else [],
    }
    return render(request, "suggestions/detail.html", context)


def deputy_detail(request, s: Suggestion):
    """The deputy's page of one suggestion: the state, the timeline, the answers and the rating."""
    user = request.user
    my_invite = None
    if user.person_id != s.lead_deputy_id:
        my_invite = CoSigner.objects.filter(suggestion=s, person_id=user.person_id).first()
    ratings = (
        list(Rating.objects.filter(suggestion=s).order_by("round", "id")) if user.person_id == s.lead_deputy_id else []
    )
    context = {
        "s": s,
        "is_lead": user.person_id == s.lead_deputy_id,
        "my_invite": my_invite,
        "cosigners": list(CoSigner.objects.filter(suggestion=s).select_related("person")),
        "answers": list(services.answers_for(s)),
        "ratings": ratings,
        "buttons": actions.buttons(user, s),
        "attachments": list(permissions.visible_attachments(user).filter(suggestion=s, kind=Attachment.Kind.MATERIAL)),
        "timeline": [t for t in timeline(s, None) if t.assignment_id is None or t.action in DEPUTY_STEPS],
        "editable": s.state in (Suggestion.State.DRAFT, Suggestion.State.RETURNED)
        and user.person_id == s.lead_deputy_id,
    }
    return render(request, "suggestions/m_detail.html", context)


@login_required
def attachment_download(request, pk):
    """A file, after the permission check (404 when the user may not see it)."""
    att, handle = services.open_attachment(request.user, pk)
    inline = att.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = FileResponse(handle, content_type=att.content_type or "application/octet-stream")
    response["Content-Disposition"] = attachment_disposition(att.name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response
