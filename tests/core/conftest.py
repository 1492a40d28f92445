import kombu.pools
import pytest

from core.sms import LoggingSMSBackend
from renda.celery import app as celery_app


def _reset_broker_pools():
    """Forget the broker connections Celery holds, so the next publish connects to the configured broker again."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable: a closed port on loopback."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    _reset_broker_pools()
    yield
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    _reset_broker_pools()


@pytest.fixture
def sms_sent():
    LoggingSMSBackend.sent.clear()
    yield LoggingSMSBackend.sent
    LoggingSMSBackend.sent.clear()
