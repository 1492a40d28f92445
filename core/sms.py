"""SMS backends. An office sets SMS_BACKEND to its provider's class; the default only writes a log line."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

logger = logging.getLogger("renda.sms")


class BaseSMSBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSBackend(BaseSMSBackend):
    """Logs the message (phone masked) instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        LoggingSMSBackend.sent.append((phone, text))


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
