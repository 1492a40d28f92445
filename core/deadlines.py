"""The one function that computes deadlines: calendar months, calendar days or Chinese working days.

Working days follow the State Council's holiday schedule with its make-up working days (调休): first the office's own
Holiday table (which it extends for years the library does not know, or to correct it), then the chinese-calendar
library, and for a year known to neither, weekends alone — with a warning recorded for staff to load that year's
schedule, never a crash.
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


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later; the month's last day where that day does not exist (Jan 31 + 1 → Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class WorkdayCalendar:
    """Answers is_workday(date) from the office's table, then the library, then weekends. Load once per use:
    `WorkdayCalendar.load(years)` reads the office's table for those years in one query."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, known_years: set[int] | None = None):
        self.overrides = overrides or {}
        self.office_years = known_years or set()
        self.unknown_years: set[int] = set()

    @classmethod
    def load(cls, start_year: int, end_year: int) -> WorkdayCalendar:
        from .models import Holiday

        rows = Holiday.objects.filter(date__year__gte=start_year, date__year__lte=end_year).values_list(
            "date", "is_workday"
        )
        overrides = dict(rows)
        return cls(overrides, {d.year for d in overrides})

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self.office_years:
                self.unknown_years.add(day.year)
            return day.weekday() < 5


def library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def add_workdays(start: dt.date, days: int, cal: WorkdayCalendar | None = None) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    cal = cal or WorkdayCalendar.load(start.year, start.year + 1 + days // 200)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if cal.is_workday(day):
            left -= 1
    if cal.unknown_years:
        warn_unknown_years(cal.unknown_years)
    return day


def deadline(start: dt.date | dt.datetime, amount: int, unit: str | Unit = Unit.MONTHS) -> dt.date:
    """The due date `amount` units after `start` (a datetime counts from its local date in Asia/Shanghai)."""
    if isinstance(start, dt.datetime):
        from django.utils import timezone

        start = timezone.localdate(start)
    unit = Unit(unit)
    if unit is Unit.MONTHS:
        return add_months(start, amount)
    if unit is Unit.DAYS:
        return start + dt.timedelta(days=amount)
    return add_workdays(start, amount)


def warn_unknown_years(years: set[int]) -> None:
    """Counting fell back to weekends for years with no holiday schedule: tell staff once per year."""
    logger.warning("No holiday schedule for %s: working days counted from weekends only", sorted(years))
    try:
        from .alerts import holiday_schedule_missing

        holiday_schedule_missing(years)
    except ImportError:
        pass
