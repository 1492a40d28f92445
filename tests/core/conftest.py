import pytest

from core.sms import LoggingSMSBackend


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable: a closed port on loopback. (Celery's pools follow the setting, both ways: the
    setting_changed receiver in tests/conftest.py.)"""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    yield
    settings.CELERY_BROKER_URL = settings.REDIS_URL


@pytest.fixture
def sms_sent():
    LoggingSMSBackend.sent.clear()
    yield LoggingSMSBackend.sent
    LoggingSMSBackend.sent.clear()
