"""The watchdog: a periodic task that alerts administrators when background work stops or keeps failing."""

from __future__ import annotations

from celery import shared_task

WATCHDOG_NAME = "运行监控：提醒停发和任务连续失败告警"
WATCHDOG_TASK = "ops.tasks.watchdog"
WATCHDOG_MINUTES = 15


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def watchdog() -> dict[str, int]:
    from . import services

    return {
        "reminder_alerts": services.check_reminders_running(),
        "failure_alerts": services.check_failing_tasks(),
        "pruned": services.prune_task_runs(),
    }


def register_watchdog(using: str = "default") -> None:
    """Register the watchdog with django-celery-beat (every 15 minutes), keeping an office's own edits."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.using(using).get_or_create(
        every=WATCHDOG_MINUTES, period=IntervalSchedule.MINUTES
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=WATCHDOG_NAME, defaults={"task": WATCHDOG_TASK, "interval": interval}
    )
