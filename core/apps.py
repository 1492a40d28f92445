from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from django.core.checks import register

        from .checks import holiday_schedule_check

        register(holiday_schedule_check)
        # After django_celery_beat's tables exist: post_migrate is sent once per app after the whole migration run.
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="core.ensure_periodic_tasks")


def _after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    from .schedules import ensure_periodic_tasks

    ensure_periodic_tasks(using=using)
