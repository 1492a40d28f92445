"""Deputies: the list (filters, search, pages, Excel export), the detail page, and the create/edit forms."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import audit
from core.models import AuditEntry
from core.pagination import BoundedPaginator

from .. import permissions, services
from ..exporting import XLSX, export_persons
from ..filters import PersonFilterForm, area_options, group_names, seat_labels, with_summaries
from ..forms import PersonForm, SeatForm
from ..models import GroupMembership, Seat
from .common import add_service_errors, history_rows, require_edit, roster_view

PAGE_SIZE = 20


@roster_view
def person_list(request):
    user = request.user
    form = PersonFilterForm(request.GET, user=user, options=area_options(user, request.GET))
    qs = with_summaries(form.filter(permissions.visible_persons(user, per_row=True)))
    page = BoundedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": p,
            "levels": seat_labels(p.seat_summary),
            "groups": group_names(p.group_summary),
            "party": permissions.person_value(user, p, "party"),
            "phone": permissions.person_value(user, p, "phone"),
        }
        for p in page
    ]
    return render(
        request,
        "deputies/person_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_edit": permissions.can_edit_roster(user),
            "query": request.GET.urlencode(),
        },
    )


@roster_view
def person_export(request):
    user = request.user
    form = PersonFilterForm(request.GET, user=user)
    qs = form.filter(permissions.visible_persons(user)).select_related("township")
    content = export_persons(qs, user)
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditEntry.Action.EXPORT,
            note=f"导出代表名册，条件：{form.active_filters() or '全部'}"
            + ("" if permissions.can_see_personal_data(user) else "（个人信息已脱敏）"),
        )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"代表名册-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _visible_person(request, pk):
    return get_object_or_404(permissions.visible_persons(request.user).select_related("township"), pk=pk)


@roster_view
def person_detail(request, pk):
    user = request.user
    person = _visible_person(request, pk)
    seats = list(person.seats.select_related("congress", "term", "delegation").order_by("-start"))
    memberships = list(
        GroupMembership.objects.filter(person=person).select_related("group", "group__congress").order_by("group_id")
    )
    visible_group_ids = set(
        permissions.visible_groups(user).filter(pk__in=[m.group_id for m in memberships]).values_list("pk", flat=True)
    )
    profile = [
        ("性别", person.gender),
        ("民族", person.ethnicity),
        ("出生年月", person.birth_month.strftime("%Y年%m月") if person.birth_month else ""),
        ("党派", permissions.person_value(user, person, "party")),
        ("宗教信仰", permissions.person_value(user, person, "religion")),
        ("学历", person.education),
        ("工作单位及职务", person.workplace),
        ("代表构成", person.get_composition_display()),
        ("所属镇街", person.township.name if person.township_id else ""),
        ("联系电话", permissions.person_value(user, person, "phone")),
        ("身份证号", permissions.person_value(user, person, "id_number")),
        ("住址", permissions.person_value(user, person, "address")),
    ]
    can_edit = permissions.can_edit_roster(user)
    if person.id_number and user.person_id != person.pk and permissions.can_see_personal_data(user, person):
        # Showing an ID number in full is a security event (等保 安全审计).
        audit.record_unmasked_view(actor=user, obj=person, fields=["身份证号"], address=request.META.get("REMOTE_ADDR"))
    return render(
        request,
        "deputies/person_detail.html",
        {
            "person": person,
            "profile": profile,
            "seats": [{"seat": s, "editable": can_edit and permissions.can_edit_seat(user, s)} for s in seats],
            "memberships": [{"m": m, "linked": m.group_id in visible_group_ids} for m in memberships],
            "history": history_rows(person),
            "can_edit": can_edit,
        },
    )


@roster_view
def person_create(request):
    require_edit(request.user)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增代表{person.name}，请继续添加其代表资格。")
            return redirect("deputies:seat_create", pk=person.pk)
    return render(request, "deputies/person_form.html", {"form": form, "person": None})


@roster_view
def person_edit(request, pk):
    person = _visible_person(request, pk)
    require_edit(request.user)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("deputies:detail", pk=person.pk)
    return render(request, "deputies/person_form.html", {"form": form, "person": person})


@roster_view
@require_POST
def person_delete(request, pk):
    person = _visible_person(request, pk)
    require_edit(request.user)
    try:
        services.delete_person(person, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("deputies:detail", pk=person.pk)
    messages.success(request, f"已删除代表{person.name}。")
    return redirect("deputies:list")


@roster_view
def seat_create(request, pk):
    person = _visible_person(request, pk)
    require_edit(request.user)
    form = SeatForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_seat(person, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已添加代表资格。")
            return redirect("deputies:detail", pk=person.pk)
    return render(request, "deputies/seat_form.html", {"form": form, "person": person, "seat": None})


def _editable_seat(request, pk) -> Seat:
    seat = get_object_or_404(
        Seat.objects.filter(person__in=permissions.visible_persons(request.user)).select_related("person"), pk=pk
    )
    require_edit(request.user)
    if not permissions.can_edit_seat(request.user, seat):
        raise PermissionDenied("该代表资格属于其他人大，本单位不能修改")
    return seat


@roster_view
def seat_edit(request, pk):
    seat = _editable_seat(request, pk)
    form = SeatForm(request.POST or None, instance=seat, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_seat(seat, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存代表资格。")
            return redirect("deputies:detail", pk=seat.person_id)
    return render(request, "deputies/seat_form.html", {"form": form, "person": seat.person, "seat": seat})


@roster_view
@require_POST
def seat_delete(request, pk):
    seat = _editable_seat(request, pk)
    services.delete_seat(seat, actor=request.user)
    messages.success(request, "已删除该代表资格。")
    return redirect("deputies:detail", pk=seat.person_id)
