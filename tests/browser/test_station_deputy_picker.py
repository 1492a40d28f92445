"""The station page's deputy picker in a real browser: typing a name asks the server for a few matches (htmx), the
staff member picks one and stations them; the page has no serious accessibility violation."""

import pytest
from playwright.sync_api import expect

from stations.models import Station, StationDeputy

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_staff_finds_a_deputy_by_typing_and_stations_them(new_page, world, picker_staff):
    station = Station.objects.create(
        congress=world.town_a, kind=Station.Kind.HOME, name="城关镇代表之家", area=world.area_a, township=world.area_a
    )
    staff = picker_staff
    page = new_page()
    log_in(page, staff.username)
    page.goto(f"/stations/{station.pk}/")
    choices = page.locator("#deputy-choices")
    assert choices.get_by_label("吴立新").count() == 1  # the township's deputies before any search
    assert axe_violations(page) == []

    page.get_by_label("查找代表").press_sequentially("周建", delay=50)
    expect(choices.get_by_label("吴立新")).to_have_count(0)  # replaced by the server's matches
    expect(choices.get_by_role("radio")).to_have_count(2)
    choices.get_by_label("周建国").check()
    page.get_by_role("button", name="添加进站代表").click()
    page.wait_for_url(f"**/stations/{station.pk}/")
    assert "已保存" in page.locator("main").inner_text()
    member = StationDeputy.objects.get(station=station)
    assert member.person.name == "周建国"
    # The stationed deputy is listed and no longer offered.
    assert "周建国" in page.locator("table.data").inner_text()
    assert page.locator("#deputy-choices").get_by_label("周建国").count() == 0
