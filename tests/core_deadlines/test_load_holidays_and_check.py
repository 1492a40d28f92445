"""The office's holiday table: the import command and the startup check that asks for next year's schedule."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from core.checks import holiday_schedule_check
from core.models import AuditEntry, Holiday


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "holidays.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_import_creates_and_updates_rows_and_records_an_audit_entry(db, tmp_path):
    call_command("load_holidays", write(tmp_path, "2027-01-01,0,元旦\n2027-02-06,是,春节调休\n"))
    assert Holiday.objects.get(date=dt.date(2027, 2, 6)).is_workday is True
    call_command("load_holidays", write(tmp_path, "date,is_workday,name\n2027-02-06,放假,春节\n"))
    changed = Holiday.objects.get(date=dt.date(2027, 2, 6))
    assert (changed.is_workday, changed.name) == (False, "春节")
    assert Holiday.objects.count() == 2
    assert AuditEntry.objects.filter(action="import", note__contains="节假日").count() == 2


def test_the_import_reads_gbk_files_saved_by_excel(db, tmp_path):
    call_command("load_holidays", write(tmp_path, "日期,是否上班,名称\n2027-10-01,0,国庆节\n", encoding="gbk"))
    assert Holiday.objects.get().name == "国庆节"


def test_a_bad_row_saves_nothing_and_names_the_line(db, tmp_path):
    path = write(tmp_path, "2027-01-01,0,元旦\n2027-13-01,0,错误\n2027-01-02,maybe,元旦\n")
    with pytest.raises(CommandError) as err:
        call_command("load_holidays", path)
    assert "第2行" in str(err.value) and "第3行" in str(err.value)
    assert not Holiday.objects.exists()


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_holidays", "/nonexistent/holidays.csv")


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0), tick=False)
def test_the_check_warns_while_next_years_schedule_is_unknown(db):
    warnings = holiday_schedule_check()
    assert [w.id for w in warnings] == ["core.W001"]
    assert "2027" in warnings[0].msg


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0), tick=False)
def test_the_check_is_quiet_once_the_office_loads_next_year(db):
    Holiday.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert holiday_schedule_check() == []


@time_machine.travel(dt.datetime(2025, 6, 1, 9, 0), tick=False)
def test_the_check_is_quiet_when_the_library_knows_both_years(db):
    assert holiday_schedule_check() == []
