"""A constituent leaves a message on the public station page and follows it by its code; the deputy answers it on
their phone."""

import pytest

from accounts.models import Role
from stations.models import Message, Station, StationDeputy
from tests import factories as f

from .conftest import horizontal_overflow, log_in

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
