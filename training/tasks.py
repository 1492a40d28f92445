"""Celery tasks of training. Driven by the database and idempotent: the notification key makes each reminder once."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300, time_limit=600, soft_time_limit=570)
def send_training_reminders() -> int:
    """Daily: remind the invited and confirmed deputies of tomorrow's training days (once per deputy and session)."""
    return services.send_reminders()
