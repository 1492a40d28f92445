"""The Celery app. Tasks live in each app's tasks.py and are discovered from INSTALLED_APPS.

Reliability settings are in renda/settings.py (acks late, requeued on worker loss, a visibility timeout longer than
any task's time limit, JSON only); tests/security/test_worker_faults.py kills a real worker mid-task and feeds it
malformed messages. The Redis transport below keeps a worker running when the queue holds something that is not a
message at all: kombu would stop the worker on it ("Unrecoverable error"); this drops and logs it instead.
"""

import logging
import os

from celery import Celery, signals
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")

logger = logging.getLogger("renda.celery")

app = Celery("renda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_without_secrets(**kwargs) -> None:
    """A worker or beat does not start without the server's secrets (settings.MISSING_SECRETS). Celery logs and
    swallows a receiver's exceptions, so the refusal is a SystemExit with the reason."""
    from django.core.exceptions import ImproperlyConfigured

    from renda.env import require_secrets

    try:
        require_secrets()
    except ImproperlyConfigured as exc:
        raise SystemExit(str(exc)) from exc


def _is_envelope(payload) -> bool:
    """The shape kombu's Redis transport puts on the queue: a JSON object with a body and delivery properties."""
    if not isinstance(payload, dict) or "body" not in payload:
        return False
    properties = payload.get("properties")
    return (
        isinstance(properties, dict)
        and "delivery_tag" in properties
        and isinstance(properties.get("delivery_info"), dict)
    )


class RedisChannel(kombu_redis.Channel):
    def _brpop_read(self, **options):
        try:
            return super()._brpop_read(**options)
        except ValueError as exc:  # not JSON (or not text): already taken off the queue, nothing to deliver
            logger.error("Dropped an undecodable item from the broker queue: %s", type(exc).__name__)
            return True

    def _get(self, queue):
        try:
            return super()._get(queue)
        except ValueError as exc:
            logger.error("Dropped an undecodable item from the broker queue %s: %s", queue, type(exc).__name__)
            raise kombu_redis.Empty() from exc


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport (CELERY_BROKER_TRANSPORT for redis:// brokers) that drops malformed queue items."""

    Channel = RedisChannel

    def _deliver(self, message, queue):
        if not _is_envelope(message):
            logger.error("Dropped a malformed message from the broker queue %s", queue)
            return
        super()._deliver(message, queue)
