from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_schedule(sender, using="default", **kwargs):
    from .tasks import ensure_schedule

    ensure_schedule(using=using)


class SuggestionsConfig(AppConfig):
    name = "suggestions"

    def ready(self) -> None:
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="suggestions.ensure_schedule")
