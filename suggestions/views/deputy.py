"""The deputy's phone pages: my suggestions (led and co-signed), the draft form, inviting co-signers, the
invitations to confirm. The suggestion's own page (timeline, answer, rating) is views.detail.deputy_detail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition
from deputies.models import Person, Seat

from .. import services, workflow
from ..forms import CosignerSearchForm, DraftForm
from ..models import CoSigner, Rating, Suggestion
from .common import deputy_view, problem_page, save_with_files

S = Suggestion.State


def _my_suggestions(user):
    invited = CoSigner.objects.filter(suggestion=OuterRef("pk"), person_id=user.person_id)
    return Suggestion.objects.filter(Q(lead_deputy_id=user.person_id) | Q(Exists(invited)))


def rating_due(user):
    """My led suggestions whose answer awaits my rating in the current round (a merged one: its main item's)."""
    answered = (S.ANSWERED, S.RATED, S.CLOSED)
    own = Rating.objects.filter(suggestion=OuterRef("pk"), source=Rating.Source.DEPUTY)
    direct = Q(state__in=(S.ANSWERED, S.RATED)) & ~Q(Exists(own.filter(round=OuterRef("round"))))
    merged = Q(state=S.MERGED, merged_into__state__in=answered) & ~Q(
        Exists(own.filter(round=OuterRef("merged_into__round")))
    )
    return Suggestion.objects.filter(lead_deputy_id=user.person_id).filter(direct | merged)


def pending_invitations(user):
    return CoSigner.objects.filter(
        person_id=user.person_id, confirmed_at__isnull=True, suggestion__state__in=(S.DRAFT, S.RETURNED)
    ).select_related("suggestion__lead_deputy")


@deputy_view
def my_suggestions(request):
    user = request.user
    items = list(
        _my_suggestions(user).select_related("lead_deputy", "meeting__term").order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "suggestions/m_list.html",
        {
            "led": [s for s in items if s.lead_deputy_id == user.person_id],
            "cosigned": [s for s in items if s.lead_deputy_id != user.person_id],
            "to_rate": set(rating_due(user).values_list("pk", flat=True)),
            "invitations": list(pending_invitations(user)),
        },
    )


def _congress_for(user):
    """The congress the deputy raises suggestions to: the managed congress of an active seat (county first)."""
    seat = (
        Seat.objects.filter(person_id=user.person_id, status=Seat.Status.ACTIVE, congress__is_managed=True)
        .select_related("congress")
        .order_by("congress__level", "id")
        .first()
    )
    return seat.congress if seat else None


@deputy_view
def draft_create(request):
    user = request.user
    congress = _congress_for(user)
    if congress is None:
        return problem_page(request, 403, "您没有在任的代表资格，不能提出建议")
    form = DraftForm(request.POST or None, request.FILES or None, congress_id=congress.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        s, problem = save_with_files(
            request,
            form,
            lambda: services.create_draft(
                actor=user,
                congress=congress,
                title=d["title"],
                content=d["content"],
                meeting=d["meeting"],
                category=d.get("category"),
            ),
        )
        if problem:
            return problem
        if s:
            messages.success(request, "草稿已保存。可邀请联名代表，确认后提交。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/m_draft.html", {"form": form, "s": None})


def _own_draft(user, pk) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("meeting", "category"), pk=pk, lead_deputy_id=user.person_id
    )


@deputy_view
def draft_edit(request, pk):
    user = request.user
    s = _own_draft(user, pk)
    try:
        workflow.check("update_draft", s, user)
    except IllegalTransition as exc:
        return problem_page(request, 409, str(exc))
    initial = {
        "title": s.title,
        "content": s.content,
        "category": s.category_id,
        "meeting": str(s.meeting_id) if s.meeting_id else "recess",
    }
    form = DraftForm(request.POST or None, request.FILES or None, congress_id=s.congress_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved, problem = save_with_files(
            request,
            form,
            lambda: services.update_draft(
                s,
                actor=user,
                title=d["title"],
                content=d["content"],
                meeting=d["meeting"],
                category=d.get("category"),
            ),
        )
        if problem:
            return problem
        if saved:
            messages.success(request, "已保存修改。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/m_draft.html", {"form": form, "s": s})


@deputy_view
def cosigners(request, pk):
    """Invite co-signers: search deputies of the same congress by name or pinyin initials ('zw' finds 张伟)."""
    user = request.user
    s = _own_draft(user, pk)
    form = CosignerSearchForm(request.GET)
    found = []
    q = (form.data.get("q") or "").strip()
    invited = list(CoSigner.objects.filter(suggestion=s).select_related("person").order_by("id"))
    if q:
        taken = {c.person_id for c in invited} | {s.lead_deputy_id}
        found = list(
            Person.objects.filter(
                Q(name__contains=q) | Q(name_initials__startswith=q.lower()),
                Exists(
                    Seat.objects.filter(person=OuterRef("pk"), congress_id=s.congress_id, status=Seat.Status.ACTIVE)
                ),
            )
            .exclude(pk__in=taken)
            .order_by("name_initials", "id")[:20]
        )
    return render(
        request,
        "suggestions/m_cosigners.html",
        {"s": s, "form": form, "found": found, "invited": invited, "q": q},
    )


@deputy_view
@require_POST
def invite(request, pk):
    user = request.user
    s = _own_draft(user, pk)
    person = Person.objects.filter(pk=request.POST.get("person")).first()
    if person is None:
        messages.error(request, "请选择要邀请的代表")
        return redirect("suggestions:cosigners", pk=s.pk)
    try:
        services.invite_cosigner(s, person, actor=user)
    except IllegalTransition as exc:
        return problem_page(request, 409, str(exc))
    except PermissionDenied as exc:
        return problem_page(request, 403, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已邀请{person.name}代表联名，待其确认。")
    return redirect("suggestions:cosigners", pk=s.pk)


@deputy_view
def invitations(request):
    return render(request, "suggestions/m_invitations.html", {"invitations": list(pending_invitations(request.user))})
