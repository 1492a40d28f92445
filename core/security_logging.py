"""A logging filter that keeps personal data out of logs and error reports: mainland mobile numbers (11 digits
starting with 1), ID numbers (18 characters, the last may be X) and anything that looks like a password field."""

from __future__ import annotations

import logging
import re

from .masking import mask_id_number, mask_phone

ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
SECRET_RE = re.compile(r"(?i)((?:password|passwd|pwd|secret|otp|token)[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]+)")


def scrub(text: str) -> str:
    text = ID_RE.sub(lambda m: mask_id_number(m.group(1)), text)
    text = PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text)
    return SECRET_RE.sub(lambda m: m.group(1) + "******", text)


class PersonalDataFilter(logging.Filter):
    """Render the message once, mask it, and drop the arguments; the traceback text is masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            record.exc_info = None
        return True
