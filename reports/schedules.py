"""The beat schedules of the reports app, written into django-celery-beat's tables after every `migrate`.

Idempotent (found by name, brought back to this schedule): on January 5th the previous year's suggestions and
deputies reports are issued and built; every few minutes, jobs left queued (broker down) are queued again.
"""

from __future__ import annotations

ANNUAL = "年度报告：签发并生成上一年度报告（1月5日）"
SWEEP = "年度报告：重新排队滞留的报告任务"


def ensure_schedules(using: str = "default", **kwargs) -> None:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="30", hour="2", day_of_month="5", month_of_year="1", day_of_week="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.using(using).update_or_create(
        name=ANNUAL,
        defaults={"task": "reports.tasks.issue_previous_year", "crontab": crontab, "interval": None, "enabled": True},
    )
    interval, _ = IntervalSchedule.objects.using(using).get_or_create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.using(using).update_or_create(
        name=SWEEP,
        defaults={"task": "reports.tasks.sweep_queued", "interval": interval, "crontab": None, "enabled": True},
    )
