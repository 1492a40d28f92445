"""Celery tasks of the suggestion workflow. Each is idempotent and safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

DAILY_TASK = "suggestions.tasks.send_daily_reminders"
DAILY_TASK_NAME = "建议办理每日提醒"


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def send_daily_reminders(today: str | None = None) -> dict[str, int]:
    """The daily reminders (suggestions.reminders). `today` (ISO date) only for reruns and tests."""
    from .reminders import send_reminders

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return send_reminders(day)


def ensure_schedule(using: str = "default") -> None:
    """Register the daily reminders in django-celery-beat (08:00 Asia/Shanghai), once; an edit staff made in the
    admin (time, enabled) is kept."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.using(using).filter(name=DAILY_TASK_NAME).exists():
        return
    schedule, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=DAILY_TASK_NAME,
        defaults={"task": DAILY_TASK, "crontab": schedule, "description": "到期、逾期、协办意见、测评和待审批申请提醒"},
    )
