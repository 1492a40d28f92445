"""Staff pages of duty records: the list (filters, search, pages, Excel export), the verification queue, a record's
page with verify/return, recording on a deputy's behalf, and the photos (served only to those who see the record)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import audit
from core.exceptions import IllegalTransition
from core.pagination import BoundedPaginator

from .. import permissions, services
from ..exporting import xlsx_response
from ..forms import RecordFilterForm, ReturnForm, StaffRecordForm
from ..models import DutyPhoto, DutyRecord
from .common import add_service_errors, person_picker, recording_gate, staff_view

PAGE_SIZE = 20


def with_photo_counts(qs):
    """Annotate `photo_count` with a correlated subquery: counted for the page's rows only, in the list query."""
    photos = DutyPhoto.objects.filter(record=OuterRef("pk")).order_by().values("record").annotate(n=Count("id"))
    return qs.annotate(photo_count=Coalesce(Subquery(photos.values("n")), 0))


def _filtered(request, *, per_row: bool = False):
    user = request.user
    form = RecordFilterForm(request.GET, user=user)
    qs = form.filter(permissions.visible_records(user, per_row=per_row))
    return form, qs


@staff_view
def record_list(request):
    # A page of rows and a bounded count: the scope's seat check per row (the export reads everything, hashed).
    form, qs = _filtered(request, per_row=True)
    qs = qs.select_related("person", "type", "person__township").order_by("-date", "-id")
    # A province holds millions of duty records: count at most 1,001 of them per page view.
    page = BoundedPaginator(with_photo_counts(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/record_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "can_record": permissions.records_for_others(request.user),
        },
    )


@staff_view
def record_export(request):
    form, qs = _filtered(request)
    qs = qs.select_related("person", "type", "person__township", "verified_by").order_by("-date", "-id")
    rows = (
        [
            r.person.name,
            r.person.township.name if r.person.township_id else "",
            r.type.name,
            r.date.isoformat(),
            r.place,
            r.title,
            r.content,
            r.get_status_display(),
            r.source_label,
            str(r.verified_by or ""),
        ]
        for r in qs.iterator(chunk_size=1000)
    )
    headers = ["代表", "镇街", "类型", "日期", "地点", "事项", "履职情况", "状态", "来源", "审核人"]
    return xlsx_response(
        request.user,
        title="履职记录",
        headers=headers,
        rows=rows,
        note=f"导出履职记录，条件：{form.active_filters() or '全部'}",
    )


def visible_record(request, pk) -> DutyRecord:
    return get_object_or_404(
        permissions.visible_records(request.user).select_related(
            "person", "type", "group", "verified_by", "created_by"
        ),
        pk=pk,
    )


@staff_view
def record_detail(request, pk):
    record = visible_record(request, pk)
    user = request.user
    return render(
        request,
        "duties/record_detail.html",
        {
            "record": record,
            "photos": list(record.photos.all()),
            "co_participants": list(record.co_participants.all()),
            "history": audit.history(record)[:50],
            "can_verify": record.status == DutyRecord.Status.SUBMITTED and permissions.can_verify(user, record),
            "can_edit": record.source == DutyRecord.MANUAL and permissions.can_edit_record(user, record),
            "return_form": ReturnForm(),
        },
    )


@staff_view
@require_POST
def record_verify(request, pk):
    record = visible_record(request, pk)
    try:
        services.verify_duty(record, actor=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已审核通过，记入履职档案。")
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("duties:record_detail", pk=record.pk)


def _safe_next(request) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/duties/") else "/duties/"


@staff_view
@require_POST
def record_return(request, pk):
    record = visible_record(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时请填写原因。")
        return redirect("duties:record_detail", pk=record.pk)
    try:
        services.return_duty(record, actor=request.user, reason=form.cleaned_data["reason"])
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已退回代表修改。")
    return redirect("duties:record_detail", pk=record.pk)


@staff_view
def record_create(request):
    user = request.user
    recording_gate(user)
    persons = permissions.recordable_persons(user)
    form = StaffRecordForm(request.POST or None, request.FILES or None, persons=persons)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.log_duty(
                actor=user,
                person=form.cleaned_data["person"],
                data=form.service_data(),
                photos=form.cleaned_data["photos"],
                co_participants=form.cleaned_data["co_participants"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记录并审核通过。")
            return redirect("duties:record_detail", pk=record.pk)
    page = reverse("duties:record_create")
    picker = person_picker(request, page=page, anchor="record-form", form=form)
    return render(request, "duties/record_form.html", {"form": form, "record": None, **picker})


@staff_view
def person_lookup(request):
    """The deputy picker's choices for a search (`deputy_q`) as an HTML fragment for htmx: at most PICKER_LIMIT
    deputies the user may record for (a duty or 述职). Same gate as recording: 403 for a role that may not."""
    recording_gate(request.user)
    return render(request, "deputies/_picker_choices.html", person_picker(request, page="", anchor=""))


@staff_view
def record_edit(request, pk):
    record = visible_record(request, pk)
    if record.source != DutyRecord.MANUAL or not permissions.can_edit_record(request.user, record):
        raise PermissionDenied("您不能修改这条履职记录")
    persons = permissions.recordable_persons(request.user)
    form = StaffRecordForm(
        request.POST or None, request.FILES or None, instance=record, persons=persons, initial={"person": record.person}
    )
    form.fields["person"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_duty(
                record,
                actor=request.user,
                data=form.service_data(),
                photos=form.cleaned_data["photos"],
                co_participants=form.cleaned_data["co_participants"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("duties:record_detail", pk=record.pk)
    return render(request, "duties/record_form.html", {"form": form, "record": record})


@staff_view
@require_POST
def record_delete(request, pk):
    record = visible_record(request, pk)
    try:
        services.delete_duty(record, actor=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
        return redirect("duties:record_detail", pk=record.pk)
    messages.success(request, "已删除。")
    return redirect("duties:record_list")


def photo(request, pk):
    """A duty photo, to whoever may see its record (staff, liaison or the deputy); 404 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    item = get_object_or_404(DutyPhoto.objects.filter(record__in=permissions.visible_records(request.user)), pk=pk)
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
