"""Staff pages of training: list, detail, create/edit, leave decisions, manual check-in, the QR projector page,
figures and the material library. Every object is looked up through training.permissions (404 outside scope)."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.scopes import ALL, congress_in, office_congress_ids
from core.exceptions import IllegalTransition
from organization.models import Congress

from . import attendance, exports, permissions, qr, services, stats
from .forms import (
    DayFormSet,
    HandoutForm,
    LeaveDecisionForm,
    ManualCheckInForm,
    MaterialForm,
    SessionFilterForm,
    SessionForm,
)
from .models import CheckIn, Enrolment, Kind, MaterialHandout, TrainingDay, TrainingSession

PAGE_SIZE = 20


def _require_office(user) -> None:
    if not permissions.can_view_office_pages(user):
        raise PermissionDenied


def _session_for(user, pk: int) -> TrainingSession:
    return get_object_or_404(permissions.visible_sessions(user).select_related("congress"), pk=pk)


def _managed_session(user, pk: int) -> TrainingSession:
    session = _session_for(user, pk)
    if not permissions.can_manage(user, session):
        raise PermissionDenied
    return session


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def filtered_sessions(request):
    """The list's queryset after the filters, with the figures each row shows (sub-queries: constant query count)."""
    form = SessionFilterForm(request.GET or None, user=request.user)
    days = TrainingDay.objects.filter(session=OuterRef("pk"))
    attended = Enrolment.objects.filter(session=OuterRef("pk")).filter(
        Exists(CheckIn.objects.filter(enrolment=OuterRef("pk")))
    )
    qs = (
        permissions.visible_sessions(request.user)
        .select_related("congress")
        .annotate(
            first_date=Subquery(days.order_by("date").values("date")[:1]),
            last_date=Subquery(days.order_by("-date").values("date")[:1]),
            day_count=Coalesce(
                Subquery(days.values("session").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
                0,
            ),
            enrolled=Coalesce(
                Subquery(
                    Enrolment.objects.filter(session=OuterRef("pk"))
                    .values("session")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            attended=Coalesce(
                Subquery(
                    attended.values("session").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
                ),
                0,
            ),
        )
        .order_by("-first_date", "-id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(title__icontains=data["q"]) | Q(lecturers__icontains=data["q"]))
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["congress"]:
            qs = qs.filter(congress=data["congress"])
        if data["year"]:
            qs = qs.filter(first_date__year=data["year"])
        today = timezone.localdate()
        if data["when"] == "upcoming":
            qs = qs.filter(last_date__gte=today)
        elif data["when"] == "past":
            qs = qs.filter(last_date__lt=today)
    return form, qs


@login_required
def session_list(request):
    _require_office(request.user)
    form, qs = filtered_sessions(request)
    if request.GET.get("export") == "xlsx":
        return exports.sessions_xlsx(request, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_list.html",
        {"form": form, "page": page, "can_create": permissions.can_manage_any(request.user)},
    )


def _days_data(formset) -> list[dict]:
    out = []
    for f in formset.forms:
        if not f.has_changed() and not f.instance.pk:
            continue
        if f.cleaned_data.get("DELETE"):
            continue
        d = {k: f.cleaned_data.get(k) for k in ("date", "start_time", "end_time", "place", "hours")}
        if f.instance.pk:
            d["id"] = f.instance.pk
        out.append(d)
    return out


def _edit(request, session: TrainingSession | None):
    user = request.user
    form = SessionForm(request.POST or None, instance=session, user=user)
    formset = DayFormSet(request.POST or None, instance=session or TrainingSession(), prefix="days")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        days = _days_data(formset)
        try:
            if session is None:
                session = services.create_session(actor=user, days=days, **data)
                messages.success(request, "培训班已创建。可在详情页发送参训通知。")
            else:
                services.update_session(session, actor=user, days=days, **data)
                messages.success(request, "培训班已保存。")
            return redirect(session.get_absolute_url())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
    return render(request, "training/session_form.html", {"form": form, "formset": formset, "session": session})


@login_required
def session_create(request):
    if not permissions.can_manage_any(request.user):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def session_edit(request, pk: int):
    return _edit(request, _managed_session(request.user, pk))


@login_required
def session_detail(request, pk: int):
    user = request.user
    session = _session_for(user, pk)
    if not permissions.can_view_office_pages(user) or not (
        office_congress_ids(user) is ALL or session.congress_id in office_congress_ids(user)
    ):
        # A deputy who is on the list sees the session on the phone.
        return redirect("training:my")
    can_manage = permissions.can_manage(user, session)
    enrolments = session.enrolments.select_related("person__township", "leave_decided_by")
    rows, totals = attendance.grid(session, enrolments=enrolments)
    status_counts = dict(session.enrolments.values_list("status").annotate(n=Count("pk")).order_by())
    context = {
        "session": session,
        "days": [t.day for t in totals],
        "rows": rows,
        "totals": totals,
        "status_counts": [(label, status_counts.get(value, 0)) for value, label in Enrolment.Status.choices],
        "leave_requests": [r.enrolment for r in rows if r.enrolment.status == Enrolment.Status.LEAVE_REQUESTED],
        "flagged": CheckIn.objects.filter(day__session=session, flagged=True).select_related(
            "enrolment__person", "day"
        ),
        "can_manage": can_manage,
        "manual_form": ManualCheckInForm(session=session, user=user, prefix="manual") if can_manage else None,
        "handout_form": HandoutForm(session=session) if can_manage else None,
        "materials": session.materials.annotate(handed=Count("handouts", filter=Q(handouts__session=session))),
        "target_townships": session.target_townships.all(),
        "target_groups": session.target_groups.all(),
        "target_persons": session.target_persons.all(),
        "level_labels": [Congress.Level(v).label for v in session.target_levels if v in Congress.Level.values],
        "today": timezone.localdate(),
    }
    return render(request, "training/session_detail.html", context)


@login_required
@require_POST
def session_invite(request, pk: int):
    session = _managed_session(request.user, pk)
    n = services.invite_target(session, actor=request.user)
    if n:
        messages.success(request, f"已向 {n} 名代表发送参训通知（站内消息和短信）。")
    else:
        messages.info(request, "参训对象均已在名单中，没有新通知需要发送。")
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def leave_decide(request, pk: int, decision: str):
    if decision not in ("approve", "refuse"):
        raise Http404
    enrolment = get_object_or_404(permissions.visible_enrolments(request.user).select_related("session"), pk=pk)
    form = LeaveDecisionForm(request.POST)
    note = form.data.get("note", "")
    action = services.approve_leave if decision == "approve" else services.refuse_leave
    try:
        action(enrolment, actor=request.user, note=note)
        messages.success(request, "已批准请假。" if decision == "approve" else "已不予准假。")
    except (ValidationError, IllegalTransition) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect(enrolment.session.get_absolute_url())


@login_required
@require_POST
def manual_checkin(request, pk: int):
    session = _managed_session(request.user, pk)
    form = ManualCheckInForm(request.POST, session=session, user=request.user, prefix="manual")
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            _, created = services.check_in_by_hand(
                form.cleaned_data["day"], actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"已为{person}补签。" if created else f"{person}当天已签到，无需补签。")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(session.get_absolute_url())


@login_required
@require_POST
def clear_flag(request, pk: int):
    checkin = get_object_or_404(
        CheckIn.objects.filter(day__session__in=permissions.visible_sessions(request.user)), pk=pk
    )
    try:
        services.clear_flag(checkin, actor=request.user)
        messages.success(request, "已确认该签到有效。")
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    return redirect("training:detail", pk=checkin.day.session_id)


@login_required
@require_POST
def handout(request, pk: int):
    session = _managed_session(request.user, pk)
    form = HandoutForm(request.POST, session=session)
    if form.is_valid():
        enrolments = session.enrolments.select_related("person")
        if form.cleaned_data["to"] == "attended":
            enrolments = enrolments.filter(Exists(CheckIn.objects.filter(enrolment=OuterRef("pk"))))
        n = services.record_handout(
            form.cleaned_data["material"], actor=request.user, persons=[e.person for e in enrolments], session=session
        )
        messages.success(request, f"已登记发放 {n} 份。")
    else:
        messages.error(request, "请选择要发放的资料。")
    return redirect(session.get_absolute_url())


def _day_for_manager(user, day_pk: int) -> TrainingDay:
    day = get_object_or_404(
        TrainingDay.objects.select_related("session__congress").filter(session__in=permissions.visible_sessions(user)),
        pk=day_pk,
    )
    if not permissions.can_manage(user, day.session):
        raise PermissionDenied
    return day


def checkin_url(request, day: TrainingDay) -> str:
    token = qr.make_token(day.pk)
    return request.build_absolute_uri(reverse("training:checkin", args=[day.pk]) + f"?t={token}")


@login_required
def day_qr(request, day_pk: int):
    """The projector page: the day's QR code and count, fetched again every 30 seconds by htmx (#qr-live)."""
    day = _day_for_manager(request.user, day_pk)
    today = timezone.localdate()
    checked = CheckIn.objects.filter(day=day).count()
    expected = day.session.enrolments.exclude(status=Enrolment.Status.LEAVE_APPROVED).count()
    response = render(
        request,
        "training/day_qr.html",
        {
            "day": day,
            "session": day.session,
            "is_today": day.date == today,
            "checked": checked,
            "expected": expected,
            "stamp": qr.window_index(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def day_qr_svg(request, day_pk: int):
    day = _day_for_manager(request.user, day_pk)
    buf = io.BytesIO()
    segno.make(checkin_url(request, day), error="m").save(buf, kind="svg", scale=8, border=2, xmldecl=True)
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def signin_pdf(request, pk: int):
    session = _managed_session(request.user, pk)
    day = request.GET.get("day", "")
    days = session.days.filter(pk=day) if day.isdigit() else session.days.all()
    if not days:
        raise Http404
    return exports.signin_pdf(request, session, days=list(days))


@login_required
def attendance_xlsx(request, pk: int):
    session = _managed_session(request.user, pk)
    return exports.attendance_xlsx(request, session)


@login_required
def figures(request):
    user = request.user
    _require_office(user)
    scope = office_congress_ids(user)
    congresses = Congress.objects.filter(is_managed=True)
    if scope is not ALL:
        congresses = congresses.filter(congress_in(scope, "pk"))
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else timezone.localdate().year
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    congress_raw = request.GET.get("congress", "")
    chosen = congresses.filter(pk=congress_raw).first() if congress_raw.isdigit() else None
    congress_ids = chosen.descendant_ids() if chosen else set(congresses.values_list("pk", flat=True))
    scope_sessions = permissions.visible_sessions(user).filter(congress_id__in=congress_ids)
    sessions = stats.sessions_in(scope_sessions, year=year or None, kind=kind or None)
    figs = stats.figures(sessions, congress_ids=congress_ids, all_sessions=scope_sessions)
    return render(
        request,
        "training/figures.html",
        {
            "f": figs,
            "year": year,
            "kind": kind,
            "kinds": Kind.choices,
            "congresses": congresses,
            "chosen": chosen,
        },
    )


@login_required
def material_list(request):
    user = request.user
    _require_office(user)
    form = None
    if permissions.can_manage_any(user):
        form = MaterialForm(request.POST or None, request.FILES or None, user=user)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_material(actor=user, **form.cleaned_data)
                messages.success(request, "资料已上传。")
                return redirect("training:materials")
            except PermissionDenied:
                form.add_error("congress", "您不能为该人大上传资料。")
            except ValidationError as exc:  # the file refused by core.uploads
                for message in exc.message_dict.get("file", exc.messages):
                    form.add_error("file", message)
    elif request.method == "POST":
        raise PermissionDenied
    qs = (
        permissions.visible_materials(user)
        .select_related("congress", "uploaded_by")
        .annotate(handed=Count("handouts"))
        .order_by("-uploaded_at", "-id")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(title__icontains=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/material_list.html", {"page": page, "form": form, "q": q})


@login_required
def material_download(request, pk: int):
    material = get_object_or_404(permissions.visible_materials(request.user), pk=pk)
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.file.name.rsplit("/", 1)[-1])


@login_required
def material_handouts(request, pk: int):
    _require_office(request.user)
    material = get_object_or_404(permissions.visible_materials(request.user), pk=pk)
    qs = MaterialHandout.objects.filter(material=material).select_related("person", "session", "by")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "training/material_handouts.html", {"material": material, "page": page})
