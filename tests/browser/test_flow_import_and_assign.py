"""The start of the suggestion chain in the browser: staff import the roster from Excel (a dry run shows every problem
and writes nothing; a clean file is checked, then confirmed) and see the new deputies in the roster; then they assign
(交办) a suggestion to a lead unit with a co-handler, and the unit finds it on its to-do list waiting to be signed.
test_flow_suggestion.py carries the chain on: the unit signs, meets, answers, the deputy rates, staff close."""

import calendar
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from deputies.importing import HEADERS
from deputies.models import Person, Seat
from suggestions.models import Assignment, Suggestion
from tests import factories as f

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

TITLE = "关于加快农村公路养护的建议"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The uploaded roster waits in storage between the check and the confirmation.
    settings.MEDIA_ROOT = tmp_path / "media"


def roster_row(n, name, **cells):
    id_number = f.make_id_number(n)
    values = {
        "姓名": name,
        "性别": "男" if int(id_number[16]) % 2 else "女",
        "民族": "汉族",
        "出生年月": f"{id_number[6:10]}-{id_number[10:12]}",
        "党派": "中共党员",
        "学历": "大学",
        "工作单位及职务": "城关镇幸福村党支部书记",
        "代表层级": "县",
        "届次": "第十八届",
        "选区": "第3选区",
        "代表构成": "农民",
        "所属镇街": "城关镇",
        "代表小组": "",
        "联系电话": f"139{n:08d}",
        "身份证号": id_number,
    }
    values.update(cells)
    return [values[h] for h in HEADERS]


def write_xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months on, or that month's last day (the answer-deadline rule)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_staff_import_the_roster_then_assign_a_suggestion_the_unit_sees_it(new_page, world, people, flow, tmp_path):
    staff = new_page()
    log_in(staff, people.staff.username)

    # A file with one bad ID number: the dry run names the row and column, and nothing is written.
    bad = write_xlsx(
        tmp_path / "名册有误.xlsx",
        [roster_row(101, "陈晓红"), roster_row(102, "刘建国", 身份证号="33010219750308123X")],
    )
    staff.goto("/deputies/import/")
    assert "从 Excel 导入代表名册" in staff.locator("h1").inner_text()
    staff.get_by_label("Excel 文件（.xlsx）").set_input_files(bad)
    staff.get_by_role("button", name="上传并检查").click()
    result = staff.locator("section[aria-labelledby=preview-h]").inner_text()
    assert "共 2 行，发现 1 处错误，未写入任何数据" in result
    assert "第 3 行" in result and "身份证号" in result
    assert staff.get_by_role("button", name="确认导入").count() == 0
    assert axe_violations(staff) == []
    assert not Person.objects.filter(name__in=["陈晓红", "刘建国"]).exists()

    # The corrected file passes the check, and only the confirmation writes it.
    good = write_xlsx(tmp_path / "名册.xlsx", [roster_row(101, "陈晓红"), roster_row(102, "刘建国")])
    staff.get_by_label("Excel 文件（.xlsx）").set_input_files(good)
    staff.get_by_role("button", name="上传并检查").click()
    assert "全部 2 行检查通过" in staff.locator("main").inner_text()
    assert not Person.objects.filter(name="陈晓红").exists()
    staff.get_by_role("button", name="确认导入").click()
    staff.wait_for_url("**/deputies/")
    page_text = staff.locator("main").inner_text()
    assert "导入完成。共2行：新增代表2人，更新0人，新增代表资格2个" in page_text
    assert "陈晓红" in page_text and "刘建国" in page_text
    assert Seat.objects.filter(person__name__in=["陈晓红", "刘建国"], term=world.term).count() == 2

    # 交办: an accepted suggestion goes to 县教育局 as lead with 县交通运输局 as co-handler.
    s = flow.to("accepted", title=TITLE)
    staff.goto(f"/suggestions/{s.pk}/")
    assert TITLE in staff.locator("h1").inner_text()
    staff.get_by_role("link", name="交办", exact=True).click()
    assert axe_violations(staff) == []
    staff.get_by_label("主办单位").select_option(label="县教育局")
    staff.get_by_label("县交通运输局").check()
    staff.get_by_label("交办意见").fill("请于期限内答复并与代表见面沟通。")
    staff.get_by_role("button", name="交办", exact=True).click()
    staff.goto(f"/suggestions/{s.pk}/")
    detail = staff.locator("main").inner_text()
    assert "办理中" in detail and "县教育局" in detail and "县交通运输局" in detail
    assert Suggestion.objects.get(pk=s.pk).state == Suggestion.State.HANDLING
    lead = Assignment.objects.get(suggestion=s, unit=world.unit)
    due = months_later(timezone.localdate(), 3)
    assert lead.due_date == due and lead.state == Assignment.State.PENDING_SIGN

    # The lead unit's to-do list: the item, waiting to be signed, with its answer deadline three months on.
    unit = new_page()
    log_in(unit, people.unit_staff.username)
    unit.goto("/suggestions/todo/")
    todo = unit.locator("main").inner_text()
    assert TITLE in todo and "待签收" in todo and f"{due:%Y-%m-%d}" in todo
    # Another unit sees nothing of it.
    other = new_page()
    log_in(other, people.third_unit_staff.username)
    other.goto("/suggestions/todo/")
    assert TITLE not in other.locator("main").inner_text()
