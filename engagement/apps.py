from django.apps import AppConfig
from django.db.models.signals import post_migrate

REMINDER_TASK_NAME = "联系代表：部门报告到期与活动前一天提醒"
REMINDER_TASK = "engagement.tasks.send_engagement_reminders"


def register_schedule(sender, **kwargs) -> None:
    """Register the daily reminders with django-celery-beat once (get_or_create keeps an office's own edits)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    using = kwargs.get("using", "default")
    crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.using(using).get_or_create(
        name=REMINDER_TASK_NAME, defaults={"task": REMINDER_TASK, "crontab": crontab}
    )


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "联系代表"

    def ready(self) -> None:
        post_migrate.connect(register_schedule, sender=self, dispatch_uid="engagement.register_schedule")
