"""Periodic tasks that beat runs in production, written into django-celery-beat's tables after every `migrate`.

Idempotent: the task is found by name and brought back to this schedule, so a deployment never ends up with two
sweeps, and a schedule deleted by mistake comes back with the next migrate.
"""

from __future__ import annotations

# name → (task, every N minutes)
PERIODIC_TASKS = {
    "发送待发通知（outbox 补发）": ("core.tasks.sweep_outbox", 5),
    "清理无记录引用的上传文件": ("core.tasks.sweep_orphan_files", 24 * 60),
}


def ensure_periodic_tasks(using: str = "default", **kwargs) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for name, (task, minutes) in PERIODIC_TASKS.items():
        interval, _ = IntervalSchedule.objects.using(using).get_or_create(
            every=minutes, period=IntervalSchedule.MINUTES
        )
        PeriodicTask.objects.using(using).update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )
