"""Alerts to the office about the platform's own configuration, sent as in-app notifications.

Each alert is keyed so that it reaches each recipient once (e.g. once per missing holiday year), however often the
condition is met.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from .notifications import INAPP, notify

HOLIDAY_EVENT = "system.holidays_missing"


def office_admins():
    """Users who keep the platform's settings: office staff and system administrators (active)."""
    from accounts.models import Role, User

    return (
        User.objects.filter(is_active=True)
        .filter(Q(roles__role__in=[Role.STAFF, Role.ADMIN]) | Q(is_superuser=True))
        .distinct()
        .order_by("id")
    )


def holiday_key(year: int, user_id: int) -> str:
    return f"system.holidays:{year}:u{user_id}"


def holiday_schedule_missing(years: Iterable[int]) -> int:
    """Tell office staff that working days in `years` were counted from weekends alone. Sent once per year and
    recipient; returns how many notifications were new."""
    from .models import Notification

    years = sorted(set(years))
    if not years:
        return 0
    recipients = list(office_admins())
    keys = {holiday_key(y, u.pk) for y in years for u in recipients}
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    sent = 0
    for year in years:
        for user in recipients:
            key = holiday_key(year, user.pk)
            if key in existing:
                continue
            note = notify(
                user,
                event=HOLIDAY_EVENT,
                key=key,
                title=f"请导入{year}年节假日安排",
                body=(
                    f"系统没有{year}年的法定节假日和调休安排，涉及{year}年的工作日期限暂按周末计算，可能不准确。"
                    f"请在国务院办公厅发布通知后，在“节假日安排”中录入，或使用 load_holidays 命令导入。"
                ),
                url="/django-admin/core/holiday/",
                channels=(INAPP,),
            )
            sent += note is not None
    return sent
