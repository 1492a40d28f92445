"""The rotating check-in code (签到码) of a training day.

The projector page shows a QR code of a URL carrying a signed token over (day id, time window index). A token is
good for its own window and the one after it (grace), so a photo of yesterday's screen, or a code passed on after
two minutes, does not work. The signature (TimestampSigner, keyed by SECRET_KEY) makes a token impossible to forge.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

SALT = "training.checkin"

MSG_FORGED = "签到码无效，请扫描培训现场大屏上的二维码。"
MSG_STALE = "签到码已过期，请重新扫描培训现场大屏上的最新二维码。"
MSG_OTHER_DAY = "该签到码不属于本场培训日程，请扫描本场培训现场的二维码。"


class CheckInRefused(ValidationError):
    """A check-in that must not happen; the message (Chinese) is shown to the deputy."""


def window_seconds() -> int:
    return int(getattr(settings, "TRAINING_QR_WINDOW_SECONDS", 60))


def window_index(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return int(now.timestamp()) // window_seconds()


def make_token(day_id: int, now: dt.datetime | None = None) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{day_id}.{window_index(now)}")


def verify_token(token: str, day_id: int, now: dt.datetime | None = None) -> None:
    """Raise CheckInRefused unless `token` is a genuine code of day `day_id` for the current or previous window."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token or "")
        token_day, token_window = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise CheckInRefused(MSG_FORGED, code="forged") from None
    if token_day != int(day_id):
        raise CheckInRefused(MSG_OTHER_DAY, code="other_day")
    age = window_index(now) - token_window
    if age < 0:
        raise CheckInRefused(MSG_FORGED, code="forged")
    if age > 1:
        raise CheckInRefused(MSG_STALE, code="stale")
