"""Settings for the test suite: the real settings with a fixed secret and fast password hashing.
PostgreSQL and Redis still come from DATABASE_URL and REDIS_URL."""

import os

os.environ.setdefault("RENDA_TESTING", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "*")

from .settings import *  # noqa: E402,F403

# Pages render in tests without `collectstatic`: plain static storage instead of the manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
