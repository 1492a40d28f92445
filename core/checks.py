"""Startup checks of the platform's configuration (`manage.py check`, runserver, migrate)."""

from __future__ import annotations

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.utils import timezone


def holiday_schedule_check(app_configs=None, **kwargs):
    """Warn when this or next year's holiday schedule is unknown to both chinese-calendar and the office's table:
    working-day deadlines in that year would be counted from weekends alone."""
    from .deadlines import library_knows, office_knows

    this_year = timezone.localdate().year
    problems = []
    for year in (this_year, this_year + 1):
        if library_knows(year):
            continue
        try:
            known = office_knows(year)
        except DatabaseError:
            return []  # no database yet (first migrate): nothing to check
        if not known:
            problems.append(
                CheckWarning(
                    f"{year}年的法定节假日和调休安排未知（chinese-calendar 没有该年数据，节假日表也没有该年记录），"
                    "按工作日计算的期限将只跳过周末。",
                    hint=(
                        f"国务院公布{year}年安排后，用 `manage.py load_holidays FILE.csv` 导入，"
                        "或在后台“节假日安排”录入。"
                    ),
                    id="core.W001",
                )
            )
    return problems
