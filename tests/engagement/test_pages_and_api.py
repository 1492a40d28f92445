"""Pages, phone pages and the API: scope (404 outside, 403 for a role without the page), the query budget of every
list (constant in rows, within 8 with the request shell), and the daily schedule registered once."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from duties.models import DutyRecord
from engagement import services
from engagement.models import Notice, NoticeReceipt
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LISTS = [
    "/engagement/notices/",
    "/engagement/reports/",
    "/engagement/topics/",
    "/engagement/invitations/",
    "/engagement/supervisors/",
    "/engagement/visits/",
    "/engagement/consultations/",
    "/engagement/special/",
]


def _populate(world, eng, n, start):
    """Rows for every list, written directly (the services are tested elsewhere; this keeps the test fast)."""
    from engagement import models as m

    county = world.county
    member = f.CommitteeMemberFactory(congress=county)
    plan = m.WorkPlan.objects.create(congress=county, year=TODAY.year, title=f"计划{start}")
    for i in range(start, start + n):
        unit = f.UnitFactory(congress=county)
        group = f.GroupFactory(congress=county)
        notice = m.Notice.objects.create(
            congress=county, title=f"通知{i}", important=bool(i % 2), published_at=timezone.now()
        )
        m.NoticeReceipt.objects.bulk_create([m.NoticeReceipt(notice=notice, person=p) for p in (eng.alice, eng.bob)])
        rnd = m.ReportRound.objects.create(congress=county, title=f"报告{i}", period="上半年", due_date=TODAY)
        m.ReportRequest.objects.create(round=rnd, unit=unit)
        topic = m.Topic.objects.create(plan=plan, title=f"课题{i}")
        m.TopicClaim.objects.create(topic=topic, group=group)
        inv = m.Invitation.objects.create(congress=county, kind="research", title=f"调研{i}", date=TODAY)
        m.InvitationReply.objects.create(invitation=inv, person=eng.alice)
        m.SpecialSupervisor.objects.create(congress=county, person=eng.bob, unit=unit, start=TODAY)
        visit = m.Visit.objects.create(congress=county, member=member, date=TODAY)
        visit.persons.set([eng.alice, eng.carol])
        item = m.ConsultationItem.objects.create(
            congress=county, title=f"会商{i}", source_kind="opinion", deputy=eng.alice
        )
        item.units.set([unit])
        report = m.SpecialReport.objects.create(congress=county, year=TODAY.year, title=f"专报{i}", content="正文")
        m.SpecialReportSource.objects.create(report=report, source_kind="opinion", source_label="热线")


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_every_list_costs_the_same_queries_with_20_or_60_rows_and_at_most_8(world, eng, client):
    client.force_login(eng.staff)
    _populate(world, eng, 20, 0)
    small = {url: _count(client, url) for url in LISTS}
    _populate(world, eng, 40, 20)
    large = {url: _count(client, url) for url in LISTS}
    assert large == small
    assert {url: n for url, n in large.items() if n > 8} == {}
    page = client.get("/engagement/notices/?page=3").content.decode()
    assert "第 3 / 3 页" in page


def test_lists_filter_search_and_export_to_excel(world, eng, client):
    client.force_login(eng.staff)
    services.publish_notice(
        actor=eng.staff, congress=world.county, title="《人大工作》第5期", kind=Notice.Kind.BULLETIN
    )
    services.publish_notice(actor=eng.staff, congress=world.county, title="学习宪法", kind=Notice.Kind.STUDY)
    page = client.get("/engagement/notices/", {"status": "bulletin"}).content.decode()
    assert "《人大工作》第5期" in page and "学习宪法" not in page
    assert "学习宪法" in client.get("/engagement/notices/", {"q": "宪法"}).content.decode()
    export = client.get("/engagement/notices/", {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_department_sees_only_its_own_report_requests_and_another_is_404(world, eng, client):
    rnd = services.create_report_round(
        actor=eng.staff,
        congress=world.county,
        title="2026年上半年报告",
        period="上半年",
        due_date=TODAY + dt.timedelta(days=5),
        units=[world.unit, world.other_unit],
    )
    mine, theirs = rnd.requests.get(unit=world.unit), rnd.requests.get(unit=world.other_unit)
    client.force_login(eng.unit_user)
    page = client.get("/engagement/reports/").content.decode()
    assert "县教育局" in page and "县交通运输局" not in page
    assert client.get(f"/api/v1/department-reports/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/department-reports/").json()["results"]] == [mine.pk]
    assert client.post(f"/engagement/reports/{theirs.pk}/submit/", {"content": "x"}).status_code == 404
    response = client.post(f"/api/v1/department-reports/{mine.pk}/submit/", {"content": "上半年工作报告"})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(f"/api/v1/department-reports/{mine.pk}/submit/", {"content": "再报"}).status_code == 409
    assert client.get("/engagement/notices/").status_code == 403


def test_a_deputy_reads_a_notice_on_the_phone_and_the_receipt_counts(world, eng, client):
    notice = services.publish_notice(actor=eng.staff, congress=world.county, title="重要：代表培训安排", important=True)
    client.force_login(eng.alice_user)
    home = client.get("/").content.decode()
    assert "1 份重要通知未读" in home
    assert "重要：代表培训安排" in client.get("/engagement/my/notices/").content.decode()
    assert client.get(f"/engagement/my/notices/{notice.pk}/").status_code == 200
    assert NoticeReceipt.objects.get(notice=notice, person=eng.alice).read_at is not None
    other = services.publish_notice(actor=eng.staff, congress=world.county, title="河西通知", townships=[world.area_b])
    assert client.get(f"/engagement/my/notices/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/notices/{other.pk}/").status_code == 404
    assert client.get("/engagement/notices/").status_code == 403


def test_a_deputy_answers_and_reports_attendance_on_the_phone_and_staff_confirm_it(world, eng, client):
    upcoming = services.create_invitation(
        actor=eng.staff,
        congress=world.county,
        kind="standing",
        title="列席常委会第20次会议",
        date=TODAY + dt.timedelta(days=2),
        persons=[eng.alice],
    )
    held = services.create_invitation(
        actor=eng.staff, congress=world.county, kind="inspection", title="视察河道治理", date=TODAY, persons=[eng.alice]
    )
    client.force_login(eng.alice_user)
    client.post(f"/engagement/my/invitations/{upcoming.pk}/", {"action": "decline", "reason": ""})
    assert upcoming.replies.get().answer == "pending"
    client.post(f"/engagement/my/invitations/{upcoming.pk}/", {"action": "accept"})
    assert upcoming.replies.get().answer == "accepted"
    client.post(f"/engagement/my/invitations/{held.pk}/", {"action": "attended"})
    client.force_login(eng.staff)
    reply = held.replies.get()
    assert client.post(f"/engagement/replies/{reply.pk}/present/").status_code == 302
    records = DutyRecord.objects.filter(person=eng.alice)
    assert [(r.source, r.status) for r in records] == [(f"invitation:{held.pk}", DutyRecord.Status.VERIFIED)]
    bob_client = client
    bob_client.force_login(eng.bob_user)
    assert bob_client.get(f"/engagement/my/invitations/{held.pk}/").status_code == 404
    assert bob_client.get(f"/api/v1/invitations/{held.pk}/").status_code == 404


def test_staff_pages_open_for_each_kind_of_record(world, eng, client):
    _populate(world, eng, 1, 0)
    client.force_login(eng.staff)
    for url in [
        "/engagement/",
        "/engagement/visits/coverage/",
        "/engagement/notices/new/",
        "/engagement/reports/new/",
        "/engagement/invitations/new/",
        "/engagement/consultations/new/",
        "/engagement/special/new/",
        "/engagement/visits/new/",
        "/engagement/supervisors/new/",
        "/engagement/plans/new/",
    ]:
        assert client.get(url).status_code == 200, url
    from engagement.models import ConsultationItem, Invitation, ReportRound, SpecialReport, Topic

    for url in [
        f"/engagement/notices/{Notice.objects.first().pk}/",
        f"/engagement/reports/rounds/{ReportRound.objects.first().pk}/",
        f"/engagement/topics/{Topic.objects.first().pk}/",
        f"/engagement/invitations/{Invitation.objects.first().pk}/",
        f"/engagement/consultations/{ConsultationItem.objects.first().pk}/",
        f"/engagement/special/{SpecialReport.objects.first().pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    for api in ["notices", "department-reports", "topics", "invitations", "visits", "consultations", "special-reports"]:
        assert client.get(f"/api/v1/{api}/").json()["count"] == 1, api
    assert "联系代表" in client.get("/engagement/").content.decode()


def test_a_township_office_does_not_see_the_county_records(world, eng, make_user, client):
    _populate(world, eng, 1, 0)
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_b))
    from engagement.models import SpecialReport

    assert client.get(f"/engagement/special/{SpecialReport.objects.get().pk}/").status_code == 404
    assert "专报0" not in client.get("/engagement/special/").content.decode()


def test_the_daily_reminder_schedule_is_registered_once(db):
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from engagement.apps import REMINDER_TASK, register_schedule

    register_schedule(apps.get_app_config("engagement"))
    register_schedule(apps.get_app_config("engagement"))
    assert PeriodicTask.objects.filter(task=REMINDER_TASK).count() == 1
