from django.apps import AppConfig
from django.db.models.signals import post_migrate

REMINDER_TASK_NAME = "培训：提前一天提醒参训代表"
REMINDER_TASK = "training.tasks.send_training_reminders"


def register_schedule(sender, **kwargs) -> None:
    """Register the daily reminder with django-celery-beat once (get_or_create: running migrate again changes
    nothing, and an office's own edits to the schedule are kept)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    using = kwargs.get("using", "default")
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="0", hour="9", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=REMINDER_TASK_NAME, defaults={"task": REMINDER_TASK, "crontab": crontab}
    )


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "学习培训"

    def ready(self) -> None:
        post_migrate.connect(register_schedule, sender=self, dispatch_uid="training.register_schedule")
