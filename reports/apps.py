from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "年度报告"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="reports.ensure_schedules")


def _after_migrate(sender, using="default", **kwargs) -> None:
    from .schedules import ensure_schedules

    ensure_schedules(using=using)
