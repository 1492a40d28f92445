from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from django.core.checks import register

        from .checks import holiday_schedule_check

        register(holiday_schedule_check)
