"""Celery tasks of the platform services. Every task is idempotent and takes primary keys.

Each task sets its soft limit below its hard limit: the global CELERY_TASK_SOFT_TIME_LIMIT is longer than these
hard limits, and Celery refuses to publish a task whose soft limit exceeds its hard limit."""

from celery import shared_task

from . import notifications


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60, time_limit=300, soft_time_limit=270)
def send_deliveries(notification_id: int) -> int:
    return notifications.send_pending(notification_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def sweep_outbox() -> int:
    """Periodic: send whatever waits in the outbox (queued while Redis was down, or failed and retryable)."""
    return notifications.send_pending()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def sweep_orphan_files() -> int:
    """Daily: remove uploaded files no record refers to (剩余信息保护). Idempotent: a second run finds nothing."""
    from . import files

    return len(files.sweep_orphans().removed)
