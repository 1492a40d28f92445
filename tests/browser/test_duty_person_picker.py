"""代为记录履职 in a real browser: typing a name asks the server for a few matches (htmx), the staff member picks one
and records the duty; the page has no serious accessibility violation."""

import pytest
from playwright.sync_api import expect

from duties.models import DutyRecord, DutyType

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_staff_finds_a_deputy_by_typing_and_records_a_duty(new_page, picker_staff):
    staff = picker_staff
    page = new_page()
    log_in(page, staff.username)
    page.goto("/duties/records/new/")
    choices = page.locator("#deputy-choices")
    expect(choices.get_by_role("radio")).to_have_count(0)  # nothing listed before a search
    assert axe_violations(page) == []

    page.get_by_label("查找代表").press_sequentially("周建", delay=50)
    expect(choices.get_by_role("radio")).to_have_count(2)
    choices.get_by_label("周建国").check()
    page.get_by_label("履职类型").select_option(label=DutyType.objects.get(code="voter_contact").name)
    page.get_by_label("事项").fill("走访选民")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/duties/records/*/")
    assert "已记录并审核通过" in page.locator("main").inner_text()
    record = DutyRecord.objects.get()
    assert (record.person.name, record.title) == ("周建国", "走访选民")
