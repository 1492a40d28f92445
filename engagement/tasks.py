"""Celery tasks of engagement. Driven by the database and idempotent: each reminder's notification key sends it once."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300, time_limit=600, soft_time_limit=570)
def send_engagement_reminders() -> int:
    """Daily: department report due dates, and the day before an invitation."""
    return services.send_reminders()
