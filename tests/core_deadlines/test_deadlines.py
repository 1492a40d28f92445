"""The deadline function: calendar months and days, and working days with China's holidays and 调休.

The 2026 dates below are the State Council's 2026 schedule as chinese-calendar 1.11.0 records it:
Spring Festival 2026-02-15 … 02-23 off, make-up working days Sat 02-14 and Sat 02-28;
Mid-Autumn 09-25 … 09-27 off; National Day 10-01 … 10-07 off, make-up working days Sun 09-20 and Sat 10-10.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from accounts.models import Role
from core.deadlines import add_workdays, deadline, is_workday
from core.models import Holiday, Notification

D = dt.date


def test_the_2026_schedule_used_here_is_the_librarys():
    assert all(not chinese_calendar.is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert chinese_calendar.is_workday(D(2026, 2, 14)) and chinese_calendar.is_workday(D(2026, 2, 28))
    assert all(not chinese_calendar.is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert chinese_calendar.is_workday(D(2026, 9, 20)) and chinese_calendar.is_workday(D(2026, 10, 10))


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 3, 31), 3, D(2026, 6, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 1, 15), 3, D(2026, 4, 15)),
    ],
)
def test_months_keep_the_day_or_fall_back_to_the_months_last_day(db, start, months, due):
    assert deadline(start, months, "months") == due


def test_calendar_days_ignore_holidays(db):
    assert deadline(D(2026, 9, 28), 10, "days") == D(2026, 10, 8)


def test_a_datetime_counts_from_its_date_in_shanghai(db):
    # 2026-01-30 17:30 UTC is already 2026-01-31 in Shanghai.
    start = dt.datetime(2026, 1, 30, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert deadline(start, 1, "months") == D(2026, 2, 28)


def test_workdays_across_spring_festival_skip_the_holiday_and_count_both_make_up_saturdays(db):
    assert deadline(D(2026, 2, 13), 1, "workdays") == D(2026, 2, 14)  # Saturday, a make-up working day
    assert deadline(D(2026, 2, 13), 2, "workdays") == D(2026, 2, 24)  # 15th–23rd off
    # Thu 12 Feb + 7: 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat, make-up).
    assert deadline(D(2026, 2, 12), 7, "workdays") == D(2026, 2, 28)


def test_workdays_across_national_day_skip_the_holiday_and_count_the_make_up_days(db):
    assert deadline(D(2026, 9, 18), 1, "workdays") == D(2026, 9, 20)  # Sunday, a make-up working day
    assert deadline(D(2026, 9, 24), 1, "workdays") == D(2026, 9, 28)  # Mid-Autumn 25–27 off
    assert deadline(D(2026, 9, 30), 1, "workdays") == D(2026, 10, 8)
    assert deadline(D(2026, 9, 30), 3, "workdays") == D(2026, 10, 10)  # Saturday, a make-up working day
    assert deadline(D(2026, 9, 30), 4, "workdays") == D(2026, 10, 12)


def test_negative_workdays_count_back_over_the_holiday(db):
    assert add_workdays(D(2026, 2, 24), -1) == D(2026, 2, 14)


def test_an_unknown_unit_is_refused_in_chinese(db):
    with pytest.raises(ValueError, match="未知的期限单位"):
        deadline(D(2026, 1, 1), 1, "weeks")


def test_the_offices_row_corrects_a_year_the_library_knows(db):
    Holiday.objects.create(date=D(2026, 3, 2), is_workday=False, name="地方节日")
    assert deadline(D(2026, 3, 1), 1, "workdays") == D(2026, 3, 3)
    # The rest of 2026 still follows the library.
    assert deadline(D(2026, 2, 13), 1, "workdays") == D(2026, 2, 14)


def test_a_year_known_to_neither_counts_weekends_and_alerts_staff_once(make_user):
    staff = make_user(Role.STAFF)
    admin = make_user(Role.ADMIN)
    deputy = make_user(Role.DEPUTY)
    # Fri 2027-03-05 + 1 working day: Monday, weekends alone.
    assert deadline(D(2027, 3, 5), 1, "workdays") == D(2027, 3, 8)
    assert deadline(D(2027, 3, 5), 6, "workdays") == D(2027, 3, 15)
    assert is_workday(D(2027, 3, 6)) is False

    alerts = Notification.objects.filter(event="system.holidays_missing")
    assert sorted(alerts.values_list("recipient_id", flat=True)) == sorted([staff.pk, admin.pk])
    assert not alerts.filter(recipient=deputy).exists()
    assert all("2027" in n.title for n in alerts)


def test_a_deadline_crossing_into_an_unknown_year_alerts_for_that_year_only(make_user):
    staff = make_user(Role.STAFF)
    assert deadline(D(2026, 12, 30), 3, "workdays") == D(2027, 1, 4)  # 31 Dec, then Fri 1 Jan, Mon 4 Jan
    assert list(Notification.objects.filter(recipient=staff).values_list("title", flat=True)) == [
        "请导入2027年节假日安排"
    ]


def test_once_the_office_loads_a_year_its_rows_are_used_and_no_alert_is_sent(make_user, tmp_path):
    from django.core.management import call_command

    staff = make_user(Role.STAFF)
    # The office's own rows for 2027 (test data, not the official schedule).
    csv = tmp_path / "2027.csv"
    rows = ["date,is_workday,name", "2027-02-06,1,春节调休上班"]
    rows += [f"2027-02-{day:02d},0,春节" for day in range(7, 14)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    call_command("load_holidays", str(csv))

    assert deadline(D(2027, 2, 5), 1, "workdays") == D(2027, 2, 6)  # the office's make-up Saturday
    assert deadline(D(2027, 2, 5), 2, "workdays") == D(2027, 2, 15)  # 7–13 off, 14 Sunday
    assert not Notification.objects.filter(recipient=staff).exists()
