from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "deputies"
