from django.apps import AppConfig
from django.db.models.signals import post_migrate

# name → (task, hour, minute): daily at that time (Asia/Shanghai).
PERIODIC_TASKS = {
    "代表之家：提前一天提醒值班代表": ("stations.tasks.send_duty_reminders", "16", "0"),
    "代表之家：群众留言超期提醒": ("stations.tasks.remind_open_messages", "9", "30"),
}


def register_schedule(sender, using="default", **kwargs) -> None:
    """Register the daily tasks with django-celery-beat once (get_or_create: a second migrate changes nothing, and
    an office's own changes to the times are kept)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, (task, hour, minute) in PERIODIC_TASKS.items():
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.using(using).get_or_create(name=name, defaults={"task": task, "crontab": crontab})


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = "代表之家（站）"

    def ready(self) -> None:
        post_migrate.connect(register_schedule, sender=self, dispatch_uid="stations.register_schedule")
