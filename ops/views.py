"""Health endpoints and the administrators' pages for background work and recent errors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition

from . import health, services
from .errors import explain
from .logging import RecentErrorsHandler
from .models import TaskRun
from .permissions import can_view_operations


def _require_admin(request) -> None:
    if not can_view_operations(request.user):
        raise PermissionDenied("只有系统管理员可以查看运行状态。")


@never_cache
def healthz(request):
    """For load balancers and container health checks: no login, no details."""
    healthy = health.is_healthy(health.run_checks())
    return HttpResponse("ok" if healthy else "unhealthy", status=200 if healthy else 503, content_type="text/plain")


@never_cache
@login_required
def healthz_detail(request):
    _require_admin(request)
    checks = health.run_checks()
    healthy = health.is_healthy(checks)
    status = 200 if healthy else 503
    if request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(health.as_json(checks), status=status, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "ops/health.html",
        {"checks": checks, "healthy": healthy, "required": health.required()},
        status=status,
    )


@login_required
def work(request):
    """Background work: periodic tasks, failed runs with a retry button, reminders sent today."""
    _require_admin(request)
    from django_celery_beat.models import PeriodicTask

    from core.models import Notification

    latest = TaskRun.objects.filter(task_name=OuterRef("task")).order_by("-started_at", "-id")
    periodic = list(
        PeriodicTask.objects.filter(one_off=False)
        .select_related("interval", "crontab")
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_error_type=Subquery(latest.values("error_type")[:1]),
        )
        .order_by("name")
    )
    for task in periodic:
        task.last_status_label = TaskRun.Status(task.last_status).label if task.last_status else ""
        task.last_plain_error = explain(task.last_error_type or "")
        task.overdue = health.overdue_by(task) if task.enabled else None
    failed = (
        TaskRun.objects.filter(status=TaskRun.Status.FAILURE).select_related("retried_by").order_by("-started_at")[:50]
    )
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = (
        Notification.objects.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
        .values("event")
        .annotate(n=Count("id"))
        .order_by("-n", "event")
    )
    return render(
        request,
        "ops/work.html",
        {"periodic": periodic, "failed": failed, "today": today, "today_total": sum(r["n"] for r in today)},
    )


@require_POST
@login_required
def retry(request, pk: int):
    _require_admin(request)
    run = get_object_or_404(TaskRun, pk=pk)
    try:
        services.retry_task_run(run, actor=request.user)
    except IllegalTransition as exc:
        return render(request, "ops/conflict.html", {"message": str(exc)}, status=409)
    messages.success(request, f"已重新提交任务 {run.task_name}。")
    return redirect("ops:work")


@login_required
def errors(request):
    _require_admin(request)
    return render(request, "ops/errors.html", {"records": RecentErrorsHandler.recent()})
