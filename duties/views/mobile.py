"""The deputy's phone: 记录履职 (log a duty), 我的履职 (my records), a record's page (edit, submit, delete while it is a
draft or returned) and 我的档案 (the archive for a year, on screen and as a PDF). Only the deputy's own records:
anything else is 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition

from .. import archive, services
from ..exporting import pdf_response
from ..forms import DutyRecordForm, YearForm
from ..models import DutyRecord
from .common import add_service_errors, deputy_view
from .records import with_photo_counts


def _own(request, pk) -> DutyRecord:
    return get_object_or_404(
        DutyRecord.objects.filter(person_id=request.user.person_id).select_related("type", "group"), pk=pk
    )


@deputy_view
def my_records(request):
    status = request.GET.get("status", "")
    qs = DutyRecord.objects.filter(person_id=request.user.person_id).select_related("type").order_by("-date", "-id")
    if status in DutyRecord.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(with_photo_counts(qs), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "mobile/duty_list.html",
        {"page": page, "status": status, "statuses": DutyRecord.Status.choices},
    )


@deputy_view
def record_new(request):
    person = request.user.person
    form = DutyRecordForm(request.POST or None, request.FILES or None, person=person)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            record = services.log_duty(
                actor=request.user,
                person=person,
                data=form.service_data(),
                photos=form.cleaned_data["photos"],
                co_participants=form.cleaned_data["co_participants"],
                submit=submit,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已提交，等待审核。" if submit else "已保存草稿。")
            return redirect("duties:m_record_detail", pk=record.pk)
    return render(request, "mobile/duty_form.html", {"form": form, "record": None})


@deputy_view
def record_detail(request, pk):
    record = _own(request, pk)
    return render(
        request,
        "mobile/duty_detail.html",
        {"record": record, "photos": list(record.photos.all()), "co_participants": list(record.co_participants.all())},
    )


@deputy_view
def record_edit(request, pk):
    record = _own(request, pk)
    if not record.is_editable or record.source != DutyRecord.MANUAL:
        messages.error(request, f"记录{record.get_status_display()}，不能修改。")
        return redirect("duties:m_record_detail", pk=record.pk)
    form = DutyRecordForm(request.POST or None, request.FILES or None, instance=record, person=request.user.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_duty(
                record,
                actor=request.user,
                data=form.service_data(),
                photos=form.cleaned_data["photos"],
                co_participants=form.cleaned_data["co_participants"],
            )
            if request.POST.get("action") == "submit":
                services.submit_duty(record, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已提交，等待审核。" if request.POST.get("action") == "submit" else "已保存。")
            return redirect("duties:m_record_detail", pk=record.pk)
    return render(request, "mobile/duty_form.html", {"form": form, "record": record})


@deputy_view
@require_POST
def record_submit(request, pk):
    record = _own(request, pk)
    try:
        services.submit_duty(record, actor=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已提交，等待审核。")
    return redirect("duties:m_record_detail", pk=record.pk)


@deputy_view
@require_POST
def record_delete(request, pk):
    record = _own(request, pk)
    try:
        services.delete_duty(record, actor=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
        return redirect("duties:m_record_detail", pk=record.pk)
    messages.success(request, "已删除。")
    return redirect("duties:m_records")


def _year(request) -> int:
    return YearForm(request.GET).selected_year()


@deputy_view
def my_archive(request):
    year = _year(request)
    data = archive.build(request.user.person, archive.Period.for_year(year))
    return render(request, "mobile/duty_archive.html", {"a": data, "year_form": YearForm(initial={"year": year})})


@deputy_view
def my_archive_pdf(request):
    year = _year(request)
    data = archive.build(request.user.person, archive.Period.for_year(year), include_pending=False)
    content = archive.render_archives_pdf([data], title=f"{data.person.name}代表{year}年度履职档案")
    return pdf_response(content, f"履职档案-{data.person.name}-{year}-{timezone.localdate():%Y%m%d}.pdf")
