"""The working lists: all items (office, leaders, committees), the review queue, bulk assignment, the requests
awaiting a decision, key items, the survey entry list, follow-up, and the handling unit's to-do list.

Every list starts from suggestions.permissions, reads its rows in one query (units and due dates aggregated in SQL)
and pages them, so its query count does not grow with the number of rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import audit
from core.exceptions import IllegalTransition
from core.models import AuditEntry
from core.pagination import BoundedPaginator, fast_selects

from .. import permissions, services
from ..exports import XLSX, export_suggestions
from ..forms import AssignForm, MergeForm, SuggestionFilterForm, filter_options
from ..models import Answer, Assignment, FollowUp, HandlingRequest, Rating, Suggestion, Supervision
from .common import (
    add_service_errors,
    attachment_disposition,
    can_open_lists,
    due_mark,
    is_unit_only,
    list_view,
    office_view,
    unit_labels,
    unit_view,
    with_handling,
)

PAGE_SIZE = 20
S = Suggestion.State


def _rows(page, today):
    return [
        {
            "s": s,
            "units": unit_labels(s.unit_summary),
            "mark": due_mark(s.next_due, today=today),
        }
        for s in page
    ]


def _list_queryset(qs):
    return with_handling(qs.select_related("meeting__term", "category", "committee", "lead_deputy"))


@login_required
def suggestion_list(request):
    """全部建议: filters, search, pages and the Excel export of the same filters. A handling unit's staff go to their
    to-do list and a deputy to their own suggestions."""
    user = request.user
    if not can_open_lists(user):
        if is_unit_only(user):
            return redirect("suggestions:todo")
        if user.person_id:
            return redirect("suggestions:mine")
        raise PermissionDenied("您的角色无权查看建议列表")
    options = filter_options(user, selected=request.GET)
    form = SuggestionFilterForm(request.GET, options=options)
    fast_selects(form, "meeting", "category", "committee", "unit")
    for kind in options["narrowed"]:  # a province office: only its own congress's units, meetings, …
        form.fields[kind].help_text = "仅列出本级人大的选项"
    qs = _list_queryset(form.filter(permissions.visible_suggestions(user)))
    page = BoundedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))  # 300,000 items: no COUNT(*) of all
    return render(
        request,
        "suggestions/list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page, timezone.localdate()),
            "query": request.GET.urlencode(),
            "is_office": permissions.is_office(user),
        },
    )


@list_view
def suggestion_export(request):
    user = request.user
    form = SuggestionFilterForm(request.GET, options=filter_options(user))
    qs = _list_queryset(form.filter(permissions.visible_suggestions(user)))
    content = export_suggestions(qs, user)
    with transaction.atomic():
        audit.record(actor=user, action=AuditEntry.Action.EXPORT, note=f"导出代表建议，条件：{form.description()}")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(f"代表建议-{timezone.localdate():%Y%m%d}.xlsx")
    return response


# --- 审查 -----------------------------------------------------------------------------------------------------------


def _mergeable(user):
    return permissions.visible_suggestions(user).filter(state__in=(S.SUBMITTED, S.ACCEPTED))


@office_view
def review_queue(request):
    """待审查 (submitted) and 已立案待交办 (accepted) items, with accept/return/decline and merging."""
    user = request.user
    base = _list_queryset(permissions.visible_suggestions(user))
    submitted = list(base.filter(state=S.SUBMITTED).order_by("submitted_at", "id")[:200])
    accepted = list(base.filter(state=S.ACCEPTED).order_by("number", "id")[:200])
    form = MergeForm(queryset=_mergeable(user))
    return render(
        request,
        "suggestions/review.html",
        {"submitted": submitted, "accepted": accepted, "merge_form": form},
    )


@office_view
@require_POST
def merge(request):
    user = request.user
    form = MergeForm(request.POST, queryset=_mergeable(user))
    if form.is_valid():
        try:
            main = services.merge(form.cleaned_data["main"], form.cleaned_data["items"], actor=user)
        except (IllegalTransition, PermissionDenied) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已并案：{len(form.cleaned_data['items'])}件建议并入{main.number_display}")
            return redirect("suggestions:detail", pk=main.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("suggestions:review")


# --- 交办 -----------------------------------------------------------------------------------------------------------


@office_view
def bulk_assign(request):
    """Select several accepted items and assign them at once: all or none (one transaction)."""
    user = request.user
    congress_id = user.congress_id
    items_qs = permissions.visible_suggestions(user).filter(state=S.ACCEPTED)
    if congress_id:
        items_qs = items_qs.filter(congress_id=congress_id)
    items = list(_list_queryset(items_qs).order_by("number", "id"))
    form = AssignForm(request.POST or None, congress_id=congress_id)
    selected = set(request.POST.getlist("items")) if request.method == "POST" else set()
    item_error = ""
    if request.method == "POST":
        chosen = [s for s in items if str(s.pk) in selected]
        if not chosen:
            item_error = "请至少选择一件建议"
        if form.is_valid() and chosen:
            d = form.cleaned_data
            current = None
            try:
                with transaction.atomic():
                    for current in chosen:
                        services.assign(current, actor=user, note=d.get("note", ""), **d["service_kwargs"])
            except (IllegalTransition, PermissionDenied) as exc:
                item_error = f"{current.number_display}《{current.title}》：{exc}（本次交办均未生效）"
            except ValidationError as exc:
                add_service_errors(
                    form, exc, {"lead": "lead_unit", "co": "co_units", "splits": "split_unit_1", "units": None}
                )
                item_error = f"{current.number_display}《{current.title}》未能交办，本次交办均未生效"
            else:
                messages.success(request, f"已交办{len(chosen)}件建议")
                return redirect("suggestions:assign")
    return render(
        request,
        "suggestions/assign.html",
        {"items": items, "form": form, "selected": selected, "item_error": item_error},
        status=400 if request.method == "POST" else 200,
    )


@office_view
def requests_list(request):
    """退回与延期申请 awaiting the office's decision."""
    user = request.user
    qs = (
        HandlingRequest.objects.filter(
            status=HandlingRequest.Status.PENDING,
            assignment__suggestion__in=permissions.visible_suggestions(user),
        )
        .select_related("assignment__unit", "assignment__suggestion", "requested_by")
        .order_by("requested_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "suggestions/requests.html", {"page": page})


# --- 督办 -----------------------------------------------------------------------------------------------------------


def _latest_supervision(field: str):
    return Subquery(Supervision.objects.filter(suggestion=OuterRef("pk")).order_by("-date", "-id").values(field)[:1])


@list_view
def key_items(request):
    """重点督办 dashboard for leaders, staff and committees: progress, due dates, latest supervision."""
    user = request.user
    qs = (
        _list_queryset(permissions.visible_suggestions(user).filter(is_key=True))
        .select_related("key_leader", "key_committee")
        .annotate(
            sup_date=_latest_supervision("date"),
            sup_kind=_latest_supervision("kind"),
            sup_notes=_latest_supervision("notes"),
            sup_count=Subquery(
                Supervision.objects.filter(suggestion=OuterRef("pk"))
                .order_by()
                .values("suggestion")
                .annotate(c=Count("pk"))
                .values("c")
            ),
        )
        .order_by(F("next_due").asc(nulls_last=True), "number", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = dict(Supervision.Kind.choices)
    rows = _rows(page, timezone.localdate())
    for row in rows:
        row["sup_kind"] = kinds.get(row["s"].sup_kind, "")
    counts = (
        permissions.visible_suggestions(user)
        .filter(is_key=True)
        .aggregate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(state=S.CLOSED)),
            answered=Count("pk", filter=Q(state__in=(S.ANSWERED, S.RATED, S.CLOSED))),
        )
    )
    return render(
        request,
        "suggestions/key.html",
        {"page": page, "rows": rows, "counts": counts, "is_office": permissions.is_office(user)},
    )


@office_view
def survey_list(request):
    """第三方电话测评 entry: answered items of the current round without a survey rating yet."""
    user = request.user
    qs = (
        permissions.visible_suggestions(user)
        .filter(
            Q(state__in=(S.ANSWERED, S.RATED))
            | Q(state=S.MERGED, merged_into__state__in=(S.ANSWERED, S.RATED, S.CLOSED))
        )
        .annotate(rating_round=Case(When(state=S.MERGED, then=F("merged_into__round")), default=F("round")))
        .annotate(
            surveyed=Exists(
                Rating.objects.filter(
                    suggestion=OuterRef("pk"), round=OuterRef("rating_round"), source=Rating.Source.SURVEY
                )
            ),
            own_rating=Subquery(
                Rating.objects.filter(
                    suggestion=OuterRef("pk"), round=OuterRef("rating_round"), source=Rating.Source.DEPUTY
                ).values("value")[:1]
            ),
        )
        .filter(surveyed=False)
        .select_related("lead_deputy", "meeting__term")
        .order_by("answered_at", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    values = dict(Rating.Value.choices)
    for s in page:
        s.own_rating_label = values.get(s.own_rating, "未测评")
    return render(request, "suggestions/survey.html", {"page": page})


@list_view
def follow_up_list(request):
    """B/C answers under follow-up (跟踪落实), with the latest progress."""
    user = request.user
    latest = FollowUp.objects.filter(assignment__suggestion=OuterRef("pk")).order_by("-date", "-id")
    qs = (
        _list_queryset(permissions.visible_suggestions(user).filter(follow_up_open=True))
        .annotate(last_date=Subquery(latest.values("date")[:1]), last_progress=Subquery(latest.values("progress")[:1]))
        .order_by("answered_at", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "suggestions/follow_up.html", {"page": page, "rows": _rows(page, timezone.localdate())})


# --- 承办单位 ---------------------------------------------------------------------------------------------------------


@unit_view
def unit_todo(request):
    """The unit's to-do list, by due date, with 逾期/临期 marks; a unit head also sees answers awaiting sign-off."""
    user = request.user
    mine = permissions.visible_assignments(user).filter(unit_id=user.unit_id)
    open_or_follow = Q(state__in=Assignment.OPEN_STATES) | Q(
        state=Assignment.State.ANSWERED,
        suggestion__follow_up_open=True,
        role__in=(Assignment.Role.LEAD, Assignment.Role.SPLIT),
    )
    pending = Answer.objects.filter(assignment=OuterRef("pk"), status=Answer.Status.PENDING_APPROVAL)
    qs = (
        mine.filter(open_or_follow)
        .select_related("suggestion__lead_deputy", "suggestion__meeting__term")
        .annotate(awaiting_approval=Exists(pending))
        .order_by("due_date", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "a": a,
            "mark": due_mark(a.due_date, today=today, open_=a.is_open),
            "follow_up": a.state == Assignment.State.ANSWERED,
        }
        for a in page
    ]
    approvals = []
    if user.has_role("unit_head"):
        approvals = list(
            Answer.objects.filter(assignment__in=mine, status=Answer.Status.PENDING_APPROVAL)
            .select_related("assignment__suggestion", "drafted_by")
            .order_by("drafted_at")[:50]
        )
    counts = mine.aggregate(
        open=Count("pk", filter=Q(state__in=Assignment.OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=Assignment.OPEN_STATES, due_date__lt=today)),
        to_sign=Count("pk", filter=Q(state=Assignment.State.PENDING_SIGN)),
    )
    return render(
        request,
        "suggestions/todo.html",
        {
            "page": page,
            "rows": rows,
            "approvals": approvals,
            "counts": counts,
            "detail_url": reverse("suggestions:list"),
        },
    )
