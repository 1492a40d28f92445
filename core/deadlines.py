"""The one function that computes deadlines: calendar months, calendar days or Chinese working days.

Working days follow the State Council's holiday schedule with its make-up working days (调休): first the office's own
Holiday table (which it extends for years the library does not know, or to correct it), then the chinese-calendar
library (its data ends with 2026), and for a year known to neither, weekends alone — with an alert to staff to load
that year's schedule (core.alerts), never a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from enum import StrEnum

import chinese_calendar

logger = logging.getLogger(__name__)


class Unit(StrEnum):
    MONTHS = "months"
    DAYS = "days"
    WORKDAYS = "workdays"


UNIT_LABELS = {Unit.MONTHS: "个月", Unit.DAYS: "日", Unit.WORKDAYS: "个工作日"}


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later; the month's last day where that day does not exist (Jan 31 + 1 → Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def library_knows(year: int) -> bool:
    """Whether chinese-calendar has the holiday schedule of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def office_knows(year: int) -> bool:
    """Whether the office has loaded rows of `year` into its Holiday table."""
    from .models import Holiday

    return Holiday.objects.filter(date__year=year).exists()


def schedule_known(year: int) -> bool:
    return library_knows(year) or office_knows(year)


class WorkdayCalendar:
    """Answers is_workday(date) from the office's table, then the library, then weekends.

    `WorkdayCalendar.load(first_year, last_year)` reads the office's table for those years in one query; the years
    it had to count from weekends alone are collected in `unknown_years`.
    """

    def __init__(self, overrides: dict[dt.date, bool] | None = None, office_years: set[int] | None = None):
        self.overrides = overrides or {}
        self.office_years = office_years if office_years is not None else {d.year for d in self.overrides}
        self.unknown_years: set[int] = set()

    @classmethod
    def load(cls, first_year: int, last_year: int) -> WorkdayCalendar:
        from .models import Holiday

        rows = Holiday.objects.filter(date__year__gte=first_year, date__year__lte=last_year).values_list(
            "date", "is_workday"
        )
        return cls(dict(rows))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # A year the library does not know: what the office's table does not list follows the week. With no
            # rows of that year at all, the schedule is unknown and staff are told to load it.
            if day.year not in self.office_years:
                self.unknown_years.add(day.year)
            return day.weekday() < 5


def add_workdays(start: dt.date, days: int, cal: WorkdayCalendar | None = None) -> dt.date:
    """The date `days` working days after `start` (start itself not counted); a negative `days` counts back."""
    step = 1 if days >= 0 else -1
    if cal is None:
        span = abs(days) // 200 + 1
        first, last = (start.year, start.year + span) if step > 0 else (start.year - span, start.year)
        cal = WorkdayCalendar.load(first, last)
    day, left = start, abs(days)
    while left > 0:
        day += dt.timedelta(days=step)
        if cal.is_workday(day):
            left -= 1
    if cal.unknown_years:
        warn_unknown_years(cal.unknown_years)
    return day


def is_workday(day: dt.date) -> bool:
    cal = WorkdayCalendar.load(day.year, day.year)
    result = cal.is_workday(day)
    if cal.unknown_years:
        warn_unknown_years(cal.unknown_years)
    return result


def deadline(start: dt.date | dt.datetime, amount: int, unit: str | Unit = Unit.MONTHS) -> dt.date:
    """The due date `amount` units after `start` (a datetime counts from its local date in Asia/Shanghai).

    months: the same day `amount` calendar months later (the month's last day where it does not exist);
    days: calendar days; workdays: working days after `start`, skipping holidays and counting 调休 days.
    """
    if isinstance(start, dt.datetime):
        from django.utils import timezone

        start = timezone.localdate(start) if timezone.is_aware(start) else start.date()
    try:
        unit = Unit(unit)
    except ValueError:
        raise ValueError(f"未知的期限单位：{unit}（应为 months、days 或 workdays）") from None
    if unit is Unit.MONTHS:
        return add_months(start, amount)
    if unit is Unit.DAYS:
        return start + dt.timedelta(days=amount)
    return add_workdays(start, amount)


def warn_unknown_years(years: set[int]) -> None:
    """Counting fell back to weekends for years with no holiday schedule: tell staff, once per year."""
    logger.warning("No holiday schedule for %s: working days counted from weekends only", sorted(years))
    from .alerts import holiday_schedule_missing

    holiday_schedule_missing(years)
