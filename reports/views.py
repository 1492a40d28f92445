"""The reports page: the jobs list (who asked, when, status, progress), the request and issue forms, a job's page
with its progress (meta refresh while running), download and retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition
from organization.models import HandlingUnit

from . import permissions, services
from .models import Format, Kind, ReportJob, YearSnapshot


def _guard(request) -> None:
    if not permissions.can_open(request.user):
        raise PermissionDenied("无权查看年度报告")


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


@login_required
def job_list(request):
    _guard(request)
    user = request.user
    jobs = permissions.visible_jobs(user)
    kind = request.GET.get("kind") or ""
    if kind in Kind.values:
        jobs = jobs.filter(kind=kind)
    status = request.GET.get("status") or ""
    if status in ReportJob.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kinds": Kind.choices if permissions.is_office(user) else [(Kind.UNIT, Kind.UNIT.label)],
        "statuses": ReportJob.Status.choices,
        "selected_kind": kind,
        "selected_status": status,
    }
    return render(request, "reports/list.html", context)


@login_required
def job_new(request):
    """The request form (and, for office staff, the issue form with the years already issued)."""
    _guard(request)
    user = request.user
    office = permissions.is_office(user)
    congresses = permissions.congresses(user)
    context = {
        "kinds": Kind.choices if office else [(Kind.UNIT, Kind.UNIT.label)],
        "formats": Format.choices,
        "years": _years(),
        "last_year": timezone.localdate().year - 1,
        "office": office,
        "can_issue": permissions.can_issue(user),
        "congresses": list(congresses.values_list("pk", "name")) if office else [],
        "units": list(HandlingUnit.objects.filter(congress__in=congresses).values_list("pk", "name")) if office else [],
        "issued": list(
            YearSnapshot.objects.filter(congress__in=congresses)
            .select_related("issued_by", "congress")
            .defer("figures")[:12]
        )
        if office
        else [],
    }
    return render(request, "reports/new.html", context)


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def job_request(request):
    _guard(request)
    kind, fmt, year = request.POST.get("kind"), request.POST.get("format") or Format.PDF, _int(request.POST.get("year"))
    errors = []
    if kind not in Kind.values:
        errors.append("请选择报告种类")
    if fmt not in Format.values:
        errors.append("请选择文件格式（PDF 或 Excel）")
    if year is None or not 2000 <= year <= 2100:
        errors.append("年度应为四位数字，如 2026")
    if not errors:
        try:
            congress, unit, person = permissions.resolve_subject(
                request.user, kind=kind, congress_id=_int(request.POST.get("congress")),
                unit_id=_int(request.POST.get("unit")), person_id=_int(request.POST.get("deputy")),
            )  # fmt: skip
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect("reports:new")
    job = services.request_report(
        actor=request.user, congress=congress, kind=kind, year=year, fmt=fmt, unit=unit, person=person
    )
    messages.success(request, f"已提交生成“{job.title}”，生成完成后可在此下载。")
    return redirect("reports:detail", job.pk)


@login_required
@require_POST
def issue(request):
    if not permissions.can_issue(request.user):
        raise PermissionDenied("只有代表工委工作人员可以签发年度数据")
    year, kind = _int(request.POST.get("year")), request.POST.get("kind")
    congress = permissions.congresses(request.user).filter(pk=_int(request.POST.get("congress"))).first()
    if congress is None:
        congress = permissions.congresses(request.user).filter(pk=request.user.congress_id).first()
    if congress is None:
        raise Http404("没有该人大")
    if year is None or kind not in (Kind.SUGGESTIONS, Kind.DEPUTIES):
        messages.error(request, "请选择年度和报告种类（建议办理或代表工作）")
        return redirect("reports:new")
    snap = services.issue_year(actor=request.user, congress=congress, year=year, kind=kind)
    messages.success(
        request, f"已签发{congress}{year}年度{snap.get_kind_display()}数据，此后统计和报告按签发数据显示。"
    )
    return redirect("reports:new")


def _job(request, pk) -> ReportJob:
    _guard(request)
    return get_object_or_404(permissions.visible_jobs(request.user), pk=pk)


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "reports/detail.html", {"job": job})


@login_required
def job_status(request, pk):
    """The status fragment htmx polls while the job runs."""
    job = _job(request, pk)
    return render(request, "reports/_status.html", {"job": job})


@login_required
def job_download(request, pk):
    job = _job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404("报告尚未生成")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("报告文件不存在") from exc
    return FileResponse(handle, as_attachment=True, filename=job.filename)


@login_required
@require_POST
def job_retry(request, pk):
    job = _job(request, pk)
    try:
        services.retry_job(job, actor=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", job.pk)
    messages.success(request, "已重新提交生成。")
    return redirect("reports:detail", job.pk)
