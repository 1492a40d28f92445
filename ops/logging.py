"""Structured logs: JSON lines with the request id, free of personal data, and the last errors kept for the
administrators' page.

Configured in renda/settings.py LOGGING: the filters sit on the handlers, so every record that reaches a file, the
console or the error page is masked, whichever logger it came from.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import threading
from collections import deque

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# A mainland mobile number (11 digits starting 13–19) and an 18-character resident ID number, not inside a longer
# run of digits or letters (order numbers, hashes).
_PHONE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{2})(\d)(\d|[Xx])(?![0-9A-Za-z])")


def mask_personal_data(text: str) -> str:
    """110105199003071234 → 110105**********34; 13812341234 → 138****1234."""
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(4)[-1:] + m.group(5), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (set by ops.middleware.RequestIdMiddleware for the current request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs a 404/500 after the middleware returned: its record carries the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or request_id_var.get()
        return True


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and phone numbers in the message and the traceback before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep the raw message
            message = str(record.msg)
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
            record.exc_info = None  # the masked text is what formatters print
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (Asia/Shanghai offset), level, logger, message, request id, and the
    traceback when there is one. Masked once more here, for records that bypassed the filter."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        for key in ("status_code", "task_id", "task_name"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return mask_personal_data(json.dumps(entry, ensure_ascii=False, default=str))


class RecentErrorsHandler(logging.Handler):
    """Keeps the last `capacity` ERROR records of this process in memory for the administrators' page. Each
    gunicorn worker and Celery process has its own; the JSON log file has them all."""

    records: deque = deque(maxlen=200)
    _lock = threading.Lock()

    def __init__(self, capacity: int = 200, level: int = logging.ERROR) -> None:
        super().__init__(level)
        if RecentErrorsHandler.records.maxlen != capacity:
            RecentErrorsHandler.records = deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            exc = record.exc_text or (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
            item = {
                "time": dt.datetime.fromtimestamp(record.created).astimezone(),
                "level": record.levelname,
                "logger": record.name,
                "message": mask_personal_data(record.getMessage()),
                "request_id": getattr(record, "request_id", "") or request_id_var.get(),
                "exception": mask_personal_data(exc),
            }
            with self._lock:
                RecentErrorsHandler.records.append(item)
        except Exception:  # noqa: BLE001 - logging must not raise
            self.handleError(record)

    @classmethod
    def recent(cls) -> list[dict]:
        with cls._lock:
            return list(reversed(cls.records))
