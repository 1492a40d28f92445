"""The Celery app. Tasks live in each app's tasks.py and are discovered from INSTALLED_APPS."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")

app = Celery("renda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
