"""The public pages: no personal data; the message form refuses floods and honeypot hits with a clear message while
normal sending works; a tracking page shows only its own message."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.masking import mask_phone
from stations import services
from stations.models import Message, Roster, StationDeputy


@pytest.fixture
def station(make_station, staff):
    station = make_station(deputies=3)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    roster = services.generate_roster(station, actor=staff, start=monday, end=monday + dt.timedelta(days=6))
    services.publish_roster(roster, actor=staff)
    return station


def _send(client, station, **data):
    payload = {"topic": "小区停车难", "category": "traffic", "content": "希望增加停车位。", "consent": "on"}
    payload.update(data)
    return client.post(reverse("stations_public:message", args=[station.pk]), payload, REMOTE_ADDR="10.0.0.7")


def test_the_station_page_shows_names_and_this_weeks_duty_but_no_personal_data(client, station, make_liaison):
    liaison = make_liaison(station)
    services.record_reception(
        station, actor=liaison, date=timezone.localdate(), visitor_name="李四", visitor_phone="13712345678",
        topic="路灯", content="路灯坏了",
    )  # fmt: skip
    html = client.get(reverse("stations_public:detail", args=[station.pk])).content.decode()
    people = [m.person for m in StationDeputy.objects.filter(station=station).select_related("person")]
    on_duty = Roster.objects.get(station=station).slots.first().person
    for person in people:
        assert person.name in html
        assert person.phone not in html
        assert mask_phone(person.phone) not in html
        assert person.id_number not in html
        assert person.address not in html
    assert on_duty.name in html
    assert "13712345678" not in html and "李四" not in html


def test_the_finder_filters_by_township_and_name(client, make_station, world):
    a = make_station(name="城关镇代表之家")
    b = make_station(congress=world.town_b, name="河西镇代表之家")
    html = client.get(reverse("stations_public:finder"), {"township": world.area_b.pk}).content.decode()
    assert b.name in html and a.name not in html
    html = client.get(reverse("stations_public:finder"), {"q": "城关"}).content.decode()
    assert a.name in html and b.name not in html


def test_a_normal_message_is_sent_and_gives_a_tracking_code(client, station):
    response = _send(client, station, contact_phone="13800002222")
    message = Message.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("stations_public:sent", args=[message.code])
    assert message.consent_text and message.consented_at
    assert message.contact_phone == "13800002222"
    assert message.code in client.get(response.url).content.decode()


def test_a_message_without_consent_is_refused_next_to_the_field(client, station):
    response = _send(client, station, consent="")
    assert response.status_code == 400
    assert "请阅读并勾选个人信息告知" in response.content.decode()
    assert not Message.objects.exists()


def test_a_honeypot_hit_is_refused_with_a_clear_message(client, station):
    response = _send(client, station, website="http://spam.example")
    assert response.status_code == 400
    assert "自动程序" in response.content.decode()
    assert not Message.objects.exists()


def test_a_flood_from_one_address_is_refused_after_the_limit(client, station, settings):
    settings.STATIONS_MESSAGE_RATE = 3
    for _ in range(3):
        assert _send(client, station).status_code == 302
    response = _send(client, station)
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Message.objects.count() == 3
    other = client.post(
        reverse("stations_public:message", args=[station.pk]),
        {"topic": "别的地址", "content": "内容", "category": "other", "consent": "on"},
        REMOTE_ADDR="10.0.0.8",
    )
    assert other.status_code == 302


def test_with_the_cache_down_the_form_stays_open_and_the_honeypot_still_works(client, station, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert _send(client, station).status_code == 302
    assert _send(client, station, website="x").status_code == 400
    assert Message.objects.count() == 1


def test_the_tracking_page_shows_only_that_message_and_another_code_is_404(client, station, make_liaison):
    liaison = make_liaison(station)
    _send(client, station, topic="第一条留言", contact_phone="13800003333")
    _send(client, station, topic="第二条留言", content="另一条内容")
    first, second = Message.objects.order_by("id")
    services.reply_message(first, actor=liaison, text="已联系社区协调车位")
    html = client.get(reverse("stations_public:track", args=[first.code])).content.decode()
    assert "第一条留言" in html and "已联系社区协调车位" in html
    assert "第二条留言" not in html and "另一条内容" not in html
    assert "13800003333" not in html
    unknown = "ZZZZZZZZZZ" if first.code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    assert client.get(reverse("stations_public:track", args=[unknown])).status_code == 404


def test_the_sender_rates_a_replied_message_once(client, station, make_liaison):
    liaison = make_liaison(station)
    _send(client, station)
    message = Message.objects.get()
    url = reverse("stations_public:track", args=[message.code])
    assert "评价本次办理" not in client.get(url).content.decode()
    services.close_message(message, actor=liaison, result="已增设 20 个车位")
    assert client.post(url, {"rating": "satisfied"}).status_code == 302
    message.refresh_from_db()
    assert message.rating == "satisfied"
    again = client.post(url, {"rating": "unsatisfied"})
    assert again.status_code == 400
    assert "已评价" in again.content.decode()


def test_a_message_to_a_deputy_lands_in_that_deputys_inbox(client, station):
    person = StationDeputy.objects.filter(station=station).first().person
    response = client.post(
        reverse("stations_public:message_deputy", args=[station.pk, person.pk]),
        {"topic": "灌溉水渠", "content": "水渠堵塞", "category": "agriculture", "consent": "on"},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.person == person
    assert person.user.notifications.filter(event="station.message.new").count() == 1


def test_the_qr_code_is_an_svg_pointing_to_the_form(client, station):
    response = client.get(reverse("stations_public:qr", args=[station.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def test_guessing_tracking_codes_is_stopped_after_many_misses(client, station):
    from stations.public import TRACK_MISSES

    for i in range(TRACK_MISSES):
        assert client.get(reverse("stations_public:track", args=[f"WRONG{i:05d}"])).status_code == 404
    response = client.get(reverse("stations_public:track", args=["WRONGAGAIN"]))
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
