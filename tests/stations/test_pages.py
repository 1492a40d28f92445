"""Staff pages: every page opens for the staff with data; scope per role (404 for another township's station, 403
for an action the role never has); list query counts do not grow with rows; exports mask what they must."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from stations import services
from stations.models import Message, Reception, Station, StationDeputy


@pytest.fixture
def busy_station(make_station, make_liaison, staff, world):
    """A station with a checklist, a roster, receptions, an activity and messages."""
    checklist = services.save_checklist(
        actor=staff, congress=world.county, name="六有", items=[("有标识", "照片"), ("有场地", "")]
    )
    station = make_station(deputies=3, checklist=checklist)
    liaison = make_liaison(station)
    today = timezone.localdate()
    services.record_evidence(station, checklist.items.first(), actor=liaison, note="标识牌已安装")
    roster = services.generate_roster(station, actor=staff, start=today.replace(day=1),
                                      end=today.replace(day=1) + dt.timedelta(days=27))  # fmt: skip
    deputy = StationDeputy.objects.filter(station=station).first().person
    services.record_reception(station, actor=liaison, date=today, deputy=deputy, visitor_name="赵六",
                              visitor_phone="13500001234", topic="自来水压力小",
                              content="高层住户水压不足")  # fmt: skip
    services.record_activity(station, actor=liaison, kind="group", date=today, title="季度小组活动",
                             attendees=[deputy], content="学习代表法")  # fmt: skip
    services.submit_message(station, topic="垃圾清运", content="垃圾站满溢", consent=True, contact_phone="13600009999")
    station.roster = roster
    station.liaison = liaison
    return station


def test_every_staff_page_opens(login, staff, busy_station):
    client = login(staff)
    s = busy_station
    reception = Reception.objects.get()
    message = Message.objects.get()
    activity = s.activities.get()
    urls = [
        reverse("stations:list"), reverse("stations:create"), reverse("stations:detail", args=[s.pk]),
        reverse("stations:edit", args=[s.pk]), reverse("stations:standards", args=[s.pk]),
        reverse("stations:rosters", args=[s.pk]), reverse("stations:roster", args=[s.roster.pk]),
        reverse("stations:qr", args=[s.pk]), reverse("stations:reception_new", args=[s.pk]),
        reverse("stations:activity_new", args=[s.pk]), reverse("stations:station_messages", args=[s.pk]),
        reverse("stations:checklists"), reverse("stations:checklist_create") + "?template=nine",
        reverse("stations:compliance"), reverse("stations:figures"), reverse("stations:receptions"),
        reverse("stations:reception", args=[reception.pk]), reverse("stations:activities"),
        reverse("stations:activity", args=[activity.pk]), reverse("stations:messages"),
        reverse("stations:message", args=[message.pk]),
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "代表之家" in client.get(reverse("core:home")).content.decode()


def test_registers_and_poster_are_printable(login, staff, busy_station):
    client = login(staff)
    year = timezone.localdate().year
    xlsx = client.get(reverse("stations:registers", args=[busy_station.pk]), {"year": year})
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[:5] == ["代表名册", "活动记录簿", "接待选民登记簿", "意见建议处理台账", "学习培训记录簿"]
    assert wb["接待选民登记簿"]["H2"].value == "自来水压力小"
    pdf = client.get(reverse("stations:registers", args=[busy_station.pk]), {"year": year, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    poster = client.get(reverse("stations:poster", args=[busy_station.pk]))
    assert poster.content.startswith(b"%PDF")


def test_a_leader_sees_visitor_phones_masked_in_the_list_and_export(login, make_user, busy_station):
    client = login(make_user(Role.LEADER))
    html = client.get(reverse("stations:receptions")).content.decode()
    assert "135****1234" in html and "13500001234" not in html
    export = client.get(reverse("stations:receptions"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws["E2"].value == "135****1234"


def test_the_liaison_sees_the_visitor_phone_in_full(login, busy_station):
    html = login(busy_station.liaison).get(reverse("stations:receptions")).content.decode()
    assert "13500001234" in html


def test_township_staff_get_404_for_another_townships_station(login, town_b_staff, busy_station):
    client = login(town_b_staff)
    assert client.get(reverse("stations:detail", args=[busy_station.pk])).status_code == 404
    assert client.get(reverse("stations:reception", args=[Reception.objects.get().pk])).status_code == 404
    assert client.get(reverse("stations:message", args=[Message.objects.get().pk])).status_code == 404
    assert busy_station.name not in client.get(reverse("stations:list")).content.decode()


def test_township_staff_see_their_own_townships_station(login, town_a_staff, busy_station):
    client = login(town_a_staff)
    assert client.get(reverse("stations:detail", args=[busy_station.pk])).status_code == 200
    assert busy_station.name in client.get(reverse("stations:list")).content.decode()


def test_a_liaison_sees_only_their_own_station(login, busy_station, make_station, make_liaison):
    other = make_station(name="别的站")
    client = login(busy_station.liaison)
    assert client.get(reverse("stations:detail", args=[other.pk])).status_code == 404
    html = client.get(reverse("stations:list")).content.decode()
    assert busy_station.name in html and "别的站" not in html


def test_a_leader_reads_but_may_not_record(login, make_user, busy_station):
    client = login(make_user(Role.LEADER))
    assert client.get(reverse("stations:detail", args=[busy_station.pk])).status_code == 200
    assert client.get(reverse("stations:reception_new", args=[busy_station.pk])).status_code == 403
    response = client.post(reverse("stations:roster_action", args=[busy_station.roster.pk, "publish"]))
    assert response.status_code == 403


def test_a_deputy_or_unit_may_not_open_the_staff_pages(login, make_user, world):
    assert login(make_user(Role.UNIT_STAFF, unit=world.unit)).get(reverse("stations:list")).status_code == 403


def test_a_finished_action_again_is_refused_with_a_message(login, busy_station):
    client = login(busy_station.liaison)
    reception = Reception.objects.get()
    url = reverse("stations:reception_action", args=[reception.pk, "resolve"])
    client.post(url, {"text": "已协调自来水公司加压"})
    response = client.post(url, {"text": "再次办结"}, follow=True)
    assert "该事项已办结" in response.content.decode()
    reception.refresh_from_db()
    assert reception.result == "已协调自来水公司加压"


def test_the_deputy_replies_to_a_message_on_the_phone(client, busy_station):
    person = StationDeputy.objects.filter(station=busy_station).first().person
    message = services.submit_message(
        busy_station, person=person, topic="路面塌陷", content="桥头路面塌陷", consent=True
    )
    client.force_login(person.user)
    assert client.get(reverse("stations:m_messages")).status_code == 200
    assert client.get(reverse("stations:my")).status_code == 200
    page = client.get(reverse("stations:m_message", args=[message.pk])).content.decode()
    assert "桥头路面塌陷" in page and "转为代表建议草稿" in page
    client.post(reverse("stations:m_message_action", args=[message.pk, "reply"]), {"text": "已报告镇政府"})
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED
    other = Message.objects.exclude(pk=message.pk).get()
    assert client.get(reverse("stations:m_message", args=[other.pk])).status_code == 404
    client.post(reverse("stations:m_message_action", args=[message.pk, "suggestion"]))
    message.refresh_from_db()
    assert message.suggestion.lead_deputy_id == person.pk
    assert message.status == Message.Status.FORWARDED


def _many(make_station, staff, n):
    station = make_station(deputies=2)
    deputy = station.memberships.first().person
    today = timezone.localdate()
    Reception.objects.bulk_create(
        Reception(station=station, date=today, deputy=deputy, visitor_name=f"来访人{i}", visitor_phone="13900000000",
                  topic=f"事项{i}", content="内容")
        for i in range(n)
    )  # fmt: skip
    Message.objects.bulk_create(
        Message(station=station, person=deputy, topic=f"留言{i}", content="内容", consent_text="同意",
                consented_at=timezone.now(), code=f"C{n:03d}{i:06d}")
        for i in range(n)
    )  # fmt: skip
    for i in range(n // 10):
        Station.objects.create(congress=station.congress, kind="workstation", name=f"工作站{n}-{i}")
    return station


@pytest.mark.parametrize(
    "url_name", ["stations:receptions", "stations:messages", "stations:list", "stations:activities"]
)
def test_list_query_counts_do_not_grow_with_rows(login, staff, make_station, url_name):
    client = login(staff)
    url = reverse(url_name)
    _many(make_station, staff, 20)
    client.get(url)  # warm the per-user caches the same way for both sizes
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(make_station, staff, 200)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    # The whole request, its shell included (session, user, roles, scope, the bell), as for every main list page.
    assert len(large.captured_queries) <= 8, [q["sql"][:200] for q in large.captured_queries]


def test_the_reception_page_turns_it_into_a_suggestion_and_links_to_it(login, busy_station):
    client = login(busy_station.liaison)
    reception = Reception.objects.get()
    response = client.post(reverse("stations:reception_action", args=[reception.pk, "suggestion"]), {"title": ""})
    assert response.status_code == 302
    reception.refresh_from_db()
    html = client.get(reverse("stations:reception", args=[reception.pk])).content.decode()
    assert reverse("suggestions:detail", args=[reception.suggestion_id]) in html
    assert "转为代表建议" in html
