"""A constituent leaves a message on the public station page and follows it by its code; the deputy answers it on
their phone. The township's staff station deputies; the station's liaison builds the month's rotating duty roster,
records a reception and turns it into the deputy's draft suggestion, which the deputy finds on their phone."""

import calendar
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from stations.models import DutySlot, Message, Reception, Station, StationDeputy
from suggestions.models import Suggestion
from tests import factories as f

from .conftest import axe_violations, horizontal_overflow, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    # The public forms' rate limit counts in the cache: start from an empty one, apart from other engineers' Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "br"}}


@pytest.fixture
def station(world):
    station = Station.objects.create(
        congress=world.town_a,
        kind=Station.Kind.HOME,
        name="城关镇代表之家",
        area=world.area_a,
        township=world.area_a,
        address="城关镇人民路1号",
        opening_hours="工作日 8:30–17:30",
        reception_weekdays="3",
        reception_hours="上午 9:00–11:30",
        phone="0839-1234567",
    )
    person = f.PersonFactory(name="周建华")
    f.SeatFactory(person=person, term=world.town_a_term, congress=world.town_a)
    f.UserFactory(roles=[Role.DEPUTY], congress=None, person=person, phone=person.phone, username="zhoujh")
    StationDeputy.objects.create(station=station, person=person, order=0)
    return station


def test_a_constituent_messages_a_deputy_and_reads_the_answer_by_code(new_page, station):
    visitor = new_page(phone=True)
    visitor.goto(f"/public/stations/{station.pk}/")
    main = visitor.locator("main")
    assert "城关镇代表之家" in main.inner_text()
    assert "周建华" in main.inner_text()
    assert horizontal_overflow(visitor) <= 0

    visitor.goto(f"/public/stations/{station.pk}/message/")
    # An empty message is refused with the reason next to the field, and nothing is saved.
    visitor.get_by_role("button", name="提交留言").click()
    assert "请填写主题。" in visitor.locator("main").inner_text()
    assert Message.objects.count() == 0

    visitor.get_by_label("留言对象").select_option(label="周建华代表")
    visitor.locator("#id_topic").fill("村口路灯不亮")
    visitor.locator("#id_content").fill("幸福村村口三盏路灯坏了一个月，晚上出行不便。")
    visitor.get_by_label("我已阅读并同意上述个人信息告知").check()
    visitor.get_by_role("button", name="提交留言").click()
    assert "留言已提交" in visitor.locator("h1").inner_text()
    code = visitor.locator(".st-code").inner_text().strip()
    message = Message.objects.get()
    assert code == message.code and message.person.name == "周建华"

    deputy = new_page(phone=True)
    log_in(deputy, "zhoujh")
    deputy.goto("/stations/my/messages/")
    deputy.get_by_role("link", name="村口路灯不亮").click()
    assert "幸福村村口三盏路灯坏了一个月" in deputy.locator("main").inner_text()
    deputy.get_by_label("答复留言人").fill("已联系村委会，本周内修复。")
    deputy.get_by_role("button", name="答复", exact=True).click()
    assert horizontal_overflow(deputy) <= 0

    # The constituent follows the message by its code, typed into the lookup form.
    visitor.goto("/public/stations/track/")
    visitor.locator("input[name=code]").fill(code.lower())
    visitor.locator("main form button[type=submit]").click()
    progress = visitor.locator("main").inner_text()
    assert "村口路灯不亮" in progress
    assert "已联系村委会，本周内修复。" in progress


def next_month(today: dt.date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def test_a_liaison_builds_the_duty_roster_and_turns_a_reception_into_a_suggestion(new_page, world, station, make_user):
    liaison_user = make_user(Role.LIAISON, congress=None, username="lianluoyuan")
    station.liaisons.add(liaison_user)
    for name in ("林晓梅", "吴国强"):  # deputies of the township, not yet stationed here
        person = f.PersonFactory(name=name, township=world.area_a)
        f.SeatFactory(person=person, term=world.town_a_term, congress=world.town_a)

    # The township's staff station two more deputies through the search-as-you-type picker.
    town = new_page()
    log_in(town, make_user(Role.TOWN_STAFF, congress=world.town_a).username)
    town.goto(f"/stations/{station.pk}/")
    for name in ("林晓梅", "吴国强"):
        town.get_by_label("查找代表").fill(name)
        town.locator("#deputy-choices").get_by_label(name).check()
        town.get_by_role("button", name="添加进站代表").click()
        town.wait_for_load_state()
    members = town.locator("main").inner_text()
    assert "进站代表（3）" in members and "林晓梅" in members and "吴国强" in members
    stationed = StationDeputy.objects.filter(station=station, is_active=True).values_list("person__name", flat=True)
    assert set(stationed) == {"周建华", "林晓梅", "吴国强"}

    # The station's liaison builds the roster.
    liaison = new_page()
    log_in(liaison, "lianluoyuan")
    liaison.goto(f"/stations/{station.pk}/")
    assert "城关镇代表之家" in liaison.locator("h1").inner_text()

    # Next month's roster on the station's reception day (Wednesday), one deputy a day, published at once.
    year, month = next_month(timezone.localdate())
    wednesdays = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == 2]
    liaison.get_by_role("link", name="值班表").first.click()
    assert "固定接待日：周三，每次 1 名代表" in liaison.locator("main").inner_text()
    liaison.get_by_label("周期").select_option(label="月")
    liaison.get_by_label("年份").fill(str(year))
    liaison.get_by_label("月份/季度").fill(str(month))
    liaison.get_by_label("生成后立即公布").check()
    liaison.get_by_role("button", name="生成值班表").click()
    text = liaison.locator("main").inner_text()
    assert "已于" in text and "公布" in text
    # Each Wednesday has its deputy, and turns differ by at most one between the three.
    for day in wednesdays:
        assert f"{day:%Y-%m-%d}（星期三）" in text
    counts = {}
    for line in liaison.locator("section.card li").all_inner_texts():
        name, n = line.split("：")
        counts[name] = int(n.removesuffix(" 次"))
    assert set(counts) == {"周建华", "林晓梅", "吴国强"}
    assert sum(counts.values()) == len(wednesdays) and max(counts.values()) - min(counts.values()) <= 1
    assert DutySlot.objects.filter(roster__station=station).count() == len(wednesdays)
    assert axe_violations(liaison) == []

    # A reception received by 周建华, turned into his draft suggestion.
    liaison.goto(f"/stations/{station.pk}/")
    liaison.locator("a.button", has_text="接待登记").click()
    form = liaison.locator("main form")
    assert "接待代表" in form.inner_text() and "反映事项" in form.inner_text()
    # The date field shows today, ready to keep (a date input takes only YYYY-MM-DD).
    assert liaison.locator("#id_date").input_value() == timezone.localdate().isoformat()
    assert axe_violations(liaison) == []
    liaison.locator("#id_deputy").select_option(label="周建华")
    liaison.locator("#id_visitor_name").fill("张大爷")
    liaison.locator("#id_visitor_phone").fill("13700001111")
    liaison.locator("#id_category").select_option(label="交通出行")
    liaison.locator("#id_topic").fill("幸福村公交站台缺少遮雨棚")
    liaison.locator("#id_content").fill("幸福村公交站台没有遮雨棚，老人和学生雨天候车淋雨，希望尽快加装。")
    liaison.get_by_role("button", name="保存").click()
    assert "接待登记已保存。" in liaison.locator("main").inner_text()
    assert "幸福村公交站台缺少遮雨棚" in liaison.locator("h1").inner_text()
    liaison.get_by_role("button", name="转为周建华代表的建议草稿").click()
    text = liaison.locator("main").inner_text()
    assert "已为接待代表生成建议草稿" in text
    assert "转为代表建议" in text and "《幸福村公交站台缺少遮雨棚》（草稿）" in text
    reception = Reception.objects.get()
    assert reception.suggestion.state == Suggestion.State.DRAFT and reception.suggestion.lead_deputy.name == "周建华"
    assert axe_violations(liaison) == []

    # The deputy finds the draft on the phone, with the constituent's words in it.
    phone = new_page(phone=True)
    log_in(phone, "zhoujh")
    phone.goto("/suggestions/mine/")
    assert "幸福村公交站台缺少遮雨棚" in phone.locator("main").inner_text()
    phone.get_by_role("link", name="幸福村公交站台缺少遮雨棚").first.click()
    assert "老人和学生雨天候车淋雨" in phone.locator("main").inner_text()
    assert horizontal_overflow(phone) <= 0
