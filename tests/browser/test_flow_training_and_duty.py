"""A deputy checks in to a training day by the QR code on the projector page (opening, on a 375 px phone, the URL the
code encodes) and then logs a duty on the phone; both show in their duty records."""

import datetime as dt
import time
from decimal import Decimal
from urllib.parse import urljoin

import pytest
import segno
from django.core import signing
from django.utils import timezone

from accounts.models import Role
from duties import defaults as duty_defaults
from duties import services as duty_services
from duties.models import DutyRecord
from tests import factories as f
from training import qr
from training.models import CheckIn, Enrolment, Kind, TrainingDay, TrainingSession

from .conftest import PASSWORD, axe_violations, horizontal_overflow, log_in

pytestmark = pytest.mark.browser

SESSION_TITLE = "2026年县人大代表履职能力培训班"


@pytest.fixture
def training_day(world):
    """A one-day session today, started five minutes ago, with one invited deputy (陈明) who has a phone login."""
    for code, _name, _self in duty_defaults.DUTY_TYPES:
        duty_services.duty_type(code)
    person = f.PersonFactory(name="陈明", township=world.area_a)
    f.SeatFactory(person=person, term=world.term, congress=world.county)
    f.UserFactory(roles=[Role.DEPUTY], congress=None, person=person, phone=person.phone, username="chenming")
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).time() if now.hour or now.minute >= 5 else dt.time(0, 0)
    session = TrainingSession.objects.create(
        congress=world.county, kind=Kind.DUTY, title=SESSION_TITLE, lecturers="张教授", planned_hours=Decimal("3")
    )
    day = TrainingDay.objects.create(
        session=session, date=now.date(), start_time=start, end_time=dt.time(23, 59), place="县人大会议室",
        hours=Decimal("3"),
    )  # fmt: skip
    Enrolment.objects.create(session=session, person=person, status=Enrolment.Status.INVITED)
    return day


def qr_svg(url: str) -> bytes:
    """The projector's QR code of `url`, drawn exactly as the server draws it."""
    import io

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=8, border=2, xmldecl=True)
    return buf.getvalue()


def url_in_qr(svg: bytes, base: str, day: TrainingDay, seconds: range) -> str:
    """The check-in URL that the served QR code encodes: the signed URL of this day whose code is that very image.
    The token signs (day, time window) with the second it was made, so the candidates are the seconds around the
    request."""
    signer = signing.Signer(salt=qr.SALT)
    for ts in seconds:
        for window in {ts // qr.window_seconds(), ts // qr.window_seconds() - 1}:
            token = signer.sign(f"{day.pk}.{window}:{signing.b62_encode(ts)}")
            url = urljoin(base, f"/training/checkin/{day.pk}/?t={token}")
            if qr_svg(url) == svg:
                return url
    raise AssertionError("the QR code encodes none of this day's check-in URLs")


def test_a_deputy_checks_in_by_the_qr_code_and_logs_a_duty_on_the_phone(new_page, world, make_user, training_day):
    day = training_day
    staff = new_page()
    log_in(staff, make_user(Role.STAFF).username)

    # The projector page: the session, the count so far and the code.
    staff.goto(f"/training/days/{day.pk}/qr/")
    screen = staff.locator("main").inner_text()
    assert SESSION_TITLE in screen and "已签到 0 / 应到 1 人" in screen
    src = staff.get_by_role("img", name="签到二维码：请用手机扫码签到").get_attribute("src")
    before = int(time.time())
    svg = staff.request.get(src).body()
    after = int(time.time())
    checkin_url = url_in_qr(svg, staff.url, day, range(before - 1, after + 2))

    # The deputy scans it with the phone: asked to log in first, then brought back and checked in.
    phone = new_page(phone=True)
    phone.goto(checkin_url)
    assert "/accounts/login/" in phone.url
    phone.get_by_label("用户名").fill("chenming")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "签到成功"
    card = phone.locator("main").inner_text()
    assert SESSION_TITLE in card and "县人大会议室" in card and "迟到" not in card
    assert horizontal_overflow(phone) <= 0
    assert axe_violations(phone) == []
    checkin = CheckIn.objects.get()
    assert (checkin.day, checkin.method, checkin.enrolment.person.name) == (day, CheckIn.Method.QR, "陈明")

    # Scanning again keeps the first check-in.
    phone.goto(checkin_url)
    assert phone.locator("h1").inner_text() == "您已签到"
    assert CheckIn.objects.count() == 1
    # The projector page updates itself (htmx polls every 30 s; here the same request is made at once).
    staff.evaluate("htmx.ajax('GET', location.pathname, {target: '#qr-live', select: '#qr-live', swap: 'outerHTML'})")
    staff.get_by_text("已签到 1 / 应到 1 人").wait_for(timeout=5000)
    assert staff.url.endswith(f"/training/days/{day.pk}/qr/")
    assert axe_violations(staff) == []

    # My training: this year's count and hours include the day.
    phone.goto("/training/my/")
    assert f"{timezone.localdate().year}年已参加培训 1 次，累计 3.0 学时" in phone.locator("main").inner_text()

    # Logging a duty on the phone: the date is today already; submitted for verification.
    phone.goto("/duties/m/new/")
    assert phone.locator("#id_date").input_value() == timezone.localdate().isoformat()
    phone.locator("#id_type").select_option(label="专题调研")
    phone.locator("#id_place").fill("城关镇幸福村")
    phone.locator("#id_title").fill("幸福村饮水安全专题调研")
    phone.locator("#id_content").fill("走访农户12户，察看水源地和净水设施，收集意见5条。")
    phone.locator("#id_hours").fill("3")
    assert horizontal_overflow(phone) <= 0
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="提交审核").click()
    detail = phone.locator("main").inner_text()
    assert "已提交，等待审核。" in detail and "幸福村饮水安全专题调研" in detail
    assert "类型：专题调研" in detail and "地点：城关镇幸福村" in detail and "时长：3" in detail
    assert axe_violations(phone) == []
    record = DutyRecord.objects.get(title="幸福村饮水安全专题调研")
    assert record.person.name == "陈明" and record.date == timezone.localdate()

    # Both are in the deputy's duty list: the duty just logged and the training attended.
    phone.goto("/duties/m/")
    records = phone.locator("main").inner_text()
    assert "幸福村饮水安全专题调研" in records and SESSION_TITLE in records
