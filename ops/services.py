"""Operations services: retrying a failed task, and the watchdog's alerts to administrators."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.exceptions import IllegalTransition
from core.notifications import EMAIL, INAPP, notify

from .models import TaskRun

REMINDER_TASK = "suggestions.tasks.send_daily_reminders"
REMINDER_SILENT_HOURS = 26
FAILURES_IN_A_ROW = 3
EVENT_REMINDER_SILENT = "ops.reminder_silent"
EVENT_TASK_FAILING = "ops.task_failing"


def administrators():
    from accounts.models import Role, User

    return (
        User.objects.filter(is_active=True)
        .filter(Q(roles__role=Role.ADMIN) | Q(is_superuser=True))
        .distinct()
        .order_by("id")
    )


@transaction.atomic
def retry_task_run(run: TaskRun, *, actor) -> TaskRun:
    """Send the failed task again with its stored arguments; the new run is recorded as a retry of this one."""
    from renda.celery import app

    run = TaskRun.objects.select_for_update().get(pk=run.pk)
    if run.status != TaskRun.Status.FAILURE or run.retried_at is not None:
        raise IllegalTransition("只有失败且尚未重试的任务可以重试。")
    if run.task_name not in app.tasks:
        raise IllegalTransition(f"任务 {run.task_name} 在当前版本中已不存在，无法重试。")
    new = TaskRun.objects.create(
        task_id=uuid.uuid4().hex,
        task_name=run.task_name,
        args=run.args,
        kwargs=run.kwargs,
        status=TaskRun.Status.QUEUED,
        started_at=timezone.now(),
        retry_of=run,
    )
    run.retried_at, run.retried_by = timezone.now(), actor
    run.save(update_fields=["retried_at", "retried_by"])
    audit.record(actor=actor, action="ops.task_retry", obj=run, note=f"重试后台任务 {run.task_name}")
    task = app.tasks[run.task_name]
    transaction.on_commit(lambda: task.apply_async(args=new.args, kwargs=new.kwargs, task_id=new.task_id))
    return new


def _alert(*, event: str, key: str, title: str, body: str) -> int:
    url = reverse("ops:work")
    return sum(
        1
        for admin in administrators()
        if notify(
            admin, event=event, key=f"{key}:u{admin.pk}", title=title, body=body, url=url, channels=(INAPP, EMAIL)
        )
    )


def reminder_last_ran() -> dt.datetime | None:
    """When the daily reminder task last finished successfully; before its first run, when it was scheduled."""
    from django_celery_beat.models import PeriodicTask

    last = (
        TaskRun.objects.filter(task_name=REMINDER_TASK, status=TaskRun.Status.SUCCESS)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last:
        return last
    return (
        PeriodicTask.objects.filter(task=REMINDER_TASK)
        .order_by("date_changed")
        .values_list("date_changed", flat=True)
        .first()
    )


@transaction.atomic
def check_reminders_running(now: dt.datetime | None = None) -> int:
    """Alert administrators once when the daily reminders have not run for 26 hours. The incident is named by the
    last run, so it is announced once, and again only after the task ran and then stopped once more."""
    now = now or timezone.now()
    since = reminder_last_ran()
    if since is not None and now - since <= dt.timedelta(hours=REMINDER_SILENT_HOURS):
        return 0
    hours = int((now - since).total_seconds() // 3600) if since else None
    when = timezone.localtime(since).strftime("%Y-%m-%d %H:%M") if since else "从未"
    return _alert(
        event=EVENT_REMINDER_SILENT,
        key=f"ops.reminder_silent:{since.isoformat() if since else 'never'}",
        title="建议办理每日提醒已超过 26 小时未运行",
        body=(
            f"每日提醒最近一次成功运行：{when}" + (f"（{hours} 小时前）" if hours else "") + "。"
            "代表和承办单位可能收不到到期、逾期提醒。请在“后台任务”页查看定时任务和后台进程是否在运行"
            "（docker compose ps 或 systemctl status renda-worker renda-beat）。"
        ),
    )


@transaction.atomic
def check_failing_tasks(now: dt.datetime | None = None) -> int:
    """Alert administrators once per streak when a task's last three runs all failed."""
    now = now or timezone.now()
    recent = now - dt.timedelta(days=7)
    names = (
        TaskRun.objects.filter(status=TaskRun.Status.FAILURE, finished_at__gte=recent)
        .values_list("task_name", flat=True)
        .distinct()
    )
    sent = 0
    for name in names:
        last = list(
            TaskRun.objects.filter(
                task_name=name, status__in=[TaskRun.Status.SUCCESS, TaskRun.Status.FAILURE]
            ).order_by("-started_at", "-id")[:FAILURES_IN_A_ROW]
        )
        if len(last) < FAILURES_IN_A_ROW or any(r.status != TaskRun.Status.FAILURE for r in last):
            continue
        last_success = (
            TaskRun.objects.filter(task_name=name, status=TaskRun.Status.SUCCESS).order_by("-started_at").first()
        )
        streak = TaskRun.objects.filter(task_name=name, status=TaskRun.Status.FAILURE)
        if last_success:
            streak = streak.filter(started_at__gt=last_success.started_at)
        first = streak.order_by("started_at", "id").first()
        sent += _alert(
            event=EVENT_TASK_FAILING,
            key=f"ops.task_failing:{name}:{first.pk}",
            title=f"后台任务连续 {FAILURES_IN_A_ROW} 次失败：{name}",
            body=f"最近一次错误：{last[0].plain_error}（{last[0].error_type}）。请在“后台任务”页查看并重试。",
        )
    return sent


def prune_task_runs(now: dt.datetime | None = None) -> int:
    days = getattr(settings, "OPS_TASKRUN_KEEP_DAYS", 30)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return TaskRun.objects.filter(started_at__lt=cutoff).delete()[0]
