"""Celery tasks of the stations: daily reminders, driven by the database and safe to run twice (the notification
keys name the duty slot, or the message and the threshold)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def send_duty_reminders() -> int:
    """Daily (afternoon): the deputies on duty tomorrow."""
    return services.send_duty_reminders()


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def remind_open_messages() -> int:
    """Daily (morning): messages still open past each configured age."""
    return services.remind_open_messages()
