from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    """Operations: health, the record of background work, logs and configuration checks. They watch every app and
    belong to none."""

    name = "ops"
    verbose_name = "运行维护"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from . import checks, signals

        register(checks.secret_key_check, Tags.security)
        register(checks.encryption_keys_check, Tags.security)
        register(checks.email_and_sms_check)
        register(checks.email_reachable_check, Tags.security, deploy=True)
        register(checks.missing_secrets_check, Tags.security, deploy=True)
        signals.connect()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="ops.register_watchdog")


def _after_migrate(sender, using="default", **kwargs) -> None:
    from .tasks import register_watchdog

    register_watchdog(using=using)
