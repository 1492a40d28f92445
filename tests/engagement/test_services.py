"""The rules of the office's work with deputies, at the service level."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Role
from core.exceptions import IllegalTransition
from core.models import AuditEntry, Notification
from duties.archive import Period, build
from duties.models import DutyRecord
from engagement import permissions, services, stats
from engagement.models import InvitationReply, Notice, NoticeReceipt, ReportRequest, SpecialReport
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_notice_to_one_township_reaches_exactly_its_county_deputies_there(world, eng):
    notice = services.publish_notice(
        actor=eng.staff, congress=world.county, title="关于参加视察的通知", townships=[world.area_a]
    )
    assert set(notice.receipts.values_list("person__name", flat=True)) == {"安丽", "蔡可"}
    assert Notification.objects.filter(event="engagement.notice").count() == 1  # carol has no login
    assert AuditEntry.objects.filter(object_id=str(notice.pk), action=AuditEntry.Action.CREATE).exists()


def test_a_notice_to_a_group_and_to_all_levels_reaches_the_members_and_the_township_deputies(world, eng):
    to_group = services.publish_notice(actor=eng.staff, congress=world.county, title="小组通知", groups=[eng.group2])
    everyone = services.publish_notice(
        actor=eng.staff, congress=world.county, title="《人大工作》第3期", reach=Notice.Reach.SUBTREE
    )
    assert list(to_group.receipts.values_list("person__name", flat=True)) == ["鲍博"]
    assert set(everyone.receipts.values_list("person__name", flat=True)) == {"安丽", "鲍博", "蔡可", "戴维"}


def test_read_receipts_count_once_and_the_unread_important_figure_falls(world, eng):
    notice = services.publish_notice(actor=eng.staff, congress=world.county, title="重要通知", important=True)
    assert services.unread_important({world.county.pk}) == 3
    services.read_notice(notice, actor=eng.alice_user)
    first = NoticeReceipt.objects.get(notice=notice, person=eng.alice).read_at
    services.read_notice(notice, actor=eng.alice_user)
    figures = stats.annotate_receipts(Notice.objects.filter(pk=notice.pk)).get()
    assert (figures.reached, figures.read) == (3, 1)
    assert NoticeReceipt.objects.get(notice=notice, person=eng.alice).read_at == first
    assert services.unread_important({world.county.pk}) == 2
    assert services.unread_important({world.town_b.pk}) == 0


def test_a_deputy_cannot_read_a_notice_not_sent_to_them(world, eng):
    notice = services.publish_notice(actor=eng.staff, congress=world.county, title="城关通知", townships=[world.area_a])
    with pytest.raises(PermissionDenied):
        services.read_notice(notice, actor=eng.bob_user)
    assert not permissions.visible_notices(eng.bob_user).filter(pk=notice.pk).exists()
    assert permissions.visible_notices(eng.alice_user).filter(pk=notice.pk).exists()


def _round(world, eng, due=None):
    return services.create_report_round(
        actor=eng.staff,
        congress=world.county,
        title="2026年上半年工作情况报告",
        period="2026年上半年",
        due_date=due or TODAY + dt.timedelta(days=3),
        units=[world.unit, world.other_unit],
    )


def test_a_department_sees_and_submits_only_its_own_report_request(world, eng):
    rnd = _round(world, eng)
    mine = rnd.requests.get(unit=world.unit)
    theirs = rnd.requests.get(unit=world.other_unit)
    assert list(permissions.visible_report_requests(eng.unit_user)) == [mine]
    with pytest.raises(PermissionDenied):
        services.submit_report(theirs, actor=eng.unit_user, content="报告")
    services.submit_report(mine, actor=eng.unit_user, content="上半年执法情况和建议办理情况")
    mine.refresh_from_db()
    assert mine.status == ReportRequest.Status.SUBMITTED and mine.submitted_by == eng.unit_user


def test_accepted_reports_are_compiled_and_sent_to_all_deputies_once(world, eng):
    rnd = _round(world, eng)
    req = rnd.requests.get(unit=world.unit)
    services.submit_report(req, actor=eng.unit_user, content="教育局报告")
    with pytest.raises(IllegalTransition):
        services.submit_report(req, actor=eng.unit_user, content="再报一次")
    services.review_report(req, actor=eng.staff, accept=True)
    bundle = services.distribute_round(rnd, actor=eng.staff)
    assert bundle.kind == Notice.Kind.REPORTS and "【县教育局】" in bundle.body
    assert bundle.receipts.count() == 3
    with pytest.raises(IllegalTransition):
        services.distribute_round(rnd, actor=eng.staff)


def test_report_reminders_are_sent_once_when_the_task_runs_twice(world, eng):
    _round(world, eng, due=TODAY + dt.timedelta(days=3))
    from engagement.tasks import send_engagement_reminders

    first = send_engagement_reminders()
    second = send_engagement_reminders()
    assert (first, second) == (2, 0)  # one login for each of the two departments
    assert Notification.objects.filter(event="engagement.report_due", recipient=eng.unit_user).count() == 1


def test_the_day_before_reminder_reaches_invited_deputies_once_but_not_those_who_declined(world, eng):
    inv = services.create_invitation(
        actor=eng.staff,
        congress=world.county,
        kind="inspection",
        title="视察农村饮水工程",
        date=TODAY + dt.timedelta(days=1),
        persons=[eng.alice, eng.bob],
    )
    services.answer_invitation(inv.replies.get(person=eng.bob), actor=eng.bob_user, accept=False, reason="出差")
    assert services.send_reminders(TODAY) == 1
    assert services.send_reminders(TODAY) == 0
    assert Notification.objects.get(event="engagement.invitation_eve").recipient == eng.alice_user


def test_a_topic_claimed_by_a_group_shows_on_its_members_archives(world, eng):
    plan = services.create_plan(actor=eng.staff, congress=world.county, year=TODAY.year, title="年度调研计划")
    topic = services.add_topic(plan, actor=eng.staff, title="农村养老服务调研", kind="research")
    claim = services.claim_topic(topic, actor=eng.alice_user, group=eng.group1)  # alice convenes group 1
    with pytest.raises(PermissionDenied):
        services.claim_topic(topic, actor=eng.bob_user, group=eng.group1)
    services.complete_claim(claim, actor=eng.alice_user, result="形成调研报告一篇", finished_on=TODAY)
    for person in (eng.alice, eng.carol):
        archive = build(person, Period.for_year(TODAY.year))
        assert [r.title for r in archive.records] == ["认领课题：农村养老服务调研"]
        assert archive.records[0].status == DutyRecord.Status.VERIFIED
    assert build(eng.bob, Period.for_year(TODAY.year)).records == []
    assert list(permissions.visible_topics(eng.alice_user)) == [topic]
    assert list(permissions.visible_topics(eng.bob_user)) == []


def _past_invitation(world, eng, **kw):
    return services.create_invitation(
        actor=eng.staff,
        congress=world.county,
        kind=kw.get("kind", "law_check"),
        title="《食品安全法》执法检查",
        date=TODAY - dt.timedelta(days=1),
        hours=4,
        persons=[eng.alice, eng.bob],
    )


def test_attendance_recorded_by_the_deputy_and_by_staff_is_one_verified_duty(world, eng):
    inv = _past_invitation(world, eng)
    reply = inv.replies.get(person=eng.alice)
    own = services.record_attendance(reply, actor=eng.alice_user)
    assert own.status == DutyRecord.Status.SUBMITTED
    checked = services.record_attendance(reply, actor=eng.staff)
    assert checked.pk == own.pk and checked.status == DutyRecord.Status.VERIFIED
    services.record_attendance(reply, actor=eng.alice_user)
    services.record_attendance(reply, actor=eng.staff)
    records = DutyRecord.objects.filter(person=eng.alice, source=f"invitation:{inv.pk}")
    assert [(r.type.code, r.status) for r in records] == [("inspection", DutyRecord.Status.VERIFIED)]


def test_attendance_recorded_by_staff_first_is_not_duplicated_by_the_deputy(world, eng):
    inv = _past_invitation(world, eng, kind="standing")
    reply = inv.replies.get(person=eng.bob)
    services.record_attendance(reply, actor=eng.staff)
    services.record_attendance(reply, actor=eng.bob_user)
    records = DutyRecord.objects.filter(person=eng.bob, source=f"invitation:{inv.pk}")
    assert [(r.type.code, r.status) for r in records] == [("standing_meeting", DutyRecord.Status.VERIFIED)]


def test_staff_marking_absent_removes_the_duty_and_a_deputy_cannot_answer_for_another(world, eng):
    inv = _past_invitation(world, eng)
    reply = inv.replies.get(person=eng.alice)
    services.record_attendance(reply, actor=eng.staff)
    services.record_attendance(reply, actor=eng.staff, attended=False)
    assert not DutyRecord.objects.filter(person=eng.alice).exists()
    with pytest.raises(PermissionDenied):
        services.record_attendance(reply, actor=eng.bob_user)
    with pytest.raises(IllegalTransition):
        services.answer_invitation(reply, actor=eng.alice_user, accept=True)


def test_a_deputy_signs_up_and_declining_needs_a_reason(world, eng):
    inv = services.create_invitation(
        actor=eng.staff,
        congress=world.county,
        kind="hearing",
        title="听证会",
        date=TODAY + dt.timedelta(days=5),
        persons=[eng.alice],
    )
    reply = inv.replies.get()
    services.answer_invitation(reply, actor=eng.alice_user, accept=True)
    assert InvitationReply.objects.get(pk=reply.pk).answer == InvitationReply.Answer.ACCEPTED
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.answer_invitation(reply, actor=eng.alice_user, accept=False)


def test_visit_coverage_matches_a_hand_computed_data_set(world, eng, make_user):
    # Members: 甲 linked to group 1 (alice, carol), 乙 linked to group 2 (bob). Deputies: alice, bob, carol (county).
    jia = f.CommitteeMemberFactory(congress=world.county, name="甲", user=make_user(Role.LEADER))
    yi = f.CommitteeMemberFactory(congress=world.county, name="乙")
    eng.group1.linked_members.add(jia)
    eng.group2.linked_members.add(yi)
    year = TODAY.year
    services.record_visit(actor=jia.user, member=jia, date=TODAY, persons=[eng.alice], group=eng.group1)
    services.record_visit(actor=eng.staff, member=jia, date=TODAY, persons=[eng.alice, eng.bob])
    services.record_visit(actor=eng.staff, member=yi, date=dt.date(year - 1, 6, 1), persons=[eng.bob])  # last year
    with pytest.raises(PermissionDenied):
        services.record_visit(actor=jia.user, member=yi, date=TODAY, persons=[eng.bob])
    cov = stats.coverage(world.county.pk, year)
    # Reached this year: alice, bob → 2 of 3 deputies; carol not visited.
    assert (cov.deputies, cov.reached, cov.visits, str(cov.rate)) == (3, 2, 2, "66.7")
    assert [p.name for p in cov.not_visited] == ["蔡可"]
    rows = {r["member"].name: (r["visits"], r["reached"], r["linked"], r["linked_reached"]) for r in cov.members}
    assert rows == {"甲": (2, 2, 2, 1), "乙": (0, 0, 1, 0)}
    groups = {r["group"].name: (r["size"], r["reached"], r["visits"]) for r in cov.groups}
    assert groups == {"城关代表小组": (2, 1, 1), "河西代表小组": (1, 1, 0)}


def test_a_consultation_item_links_back_to_its_source_and_becomes_a_suggestion(world, eng):
    from stations.models import Reception, Station

    station = Station.objects.create(congress=world.county, name="城关代表之家", kind=Station.Kind.HOME)
    reception = Reception.objects.create(
        station=station, date=TODAY, deputy=eng.alice, topic="老旧小区加装电梯", content="群众反映"
    )
    item = services.add_consultation(
        actor=eng.staff,
        congress=world.county,
        title="老旧小区加装电梯",
        units=[world.unit],
        source_kind="reception",
        source_id=reception.pk,
        deputy=eng.alice,
    )
    assert (item.source_kind, item.source_id) == ("reception", reception.pk)
    assert item.source_label == "接待选民：老旧小区加装电梯"
    from engagement import sources

    assert sources.url(item.source_kind, item.source_id) == f"/stations/receptions/{reception.pk}/"
    with pytest.raises(IllegalTransition):
        services.complete_consultation(item, actor=eng.staff, outcome="已完成")
    services.record_consultation(
        item, actor=eng.staff, meeting_date=TODAY, attendees="住建局、街道", agreed="纳入明年计划"
    )
    suggestion = services.consultation_to_suggestion(item, actor=eng.staff)
    assert suggestion.lead_deputy == eng.alice and item.__class__.objects.get(pk=item.pk).suggestion == suggestion
    assert list(permissions.visible_consultations(eng.unit_user)) == [item]
    assert list(permissions.visible_consultations(eng.other_unit_user)) == []


def test_a_special_report_is_numbered_when_sent_and_links_back_to_its_sources(world, eng):
    from suggestions.models import Suggestion

    s = Suggestion.objects.create(
        congress=world.county, title="关于校车安全的建议", content="内容", lead_deputy=eng.alice
    )
    report = services.create_special_report(
        actor=eng.staff,
        congress=world.county,
        title="群众反映校车安全问题",
        content="近期多个站点反映……",
        items=[("suggestion", s.pk, ""), ("opinion", None, "12345热线汇总")],
    )
    assert {(x.source_kind, x.source_label) for x in report.sources.all()} == {
        ("suggestion", "代表建议：关于校车安全的建议"),
        ("opinion", "12345热线汇总"),
    }
    from engagement import sources

    linked = report.sources.get(source_kind="suggestion")
    assert sources.url(linked.source_kind, linked.source_id) == f"/suggestions/{s.pk}/"
    second = services.create_special_report(actor=eng.staff, congress=world.county, title="第二期", content="正文")
    services.send_special_report(report, actor=eng.staff, sent_to="县委、县政府主要领导")
    services.send_special_report(second, actor=eng.staff, sent_to="县长")
    report.refresh_from_db()
    second.refresh_from_db()
    assert (report.number, second.number) == (1, 2)
    services.record_instruction(report, actor=eng.staff, instructed_by="县长", instruction="请教育局牵头落实")
    services.close_special_report(report, actor=eng.staff, follow_up="已完成校车排查")
    assert SpecialReport.objects.get(pk=report.pk).status == SpecialReport.Status.CLOSED
    assert list(permissions.visible_special_reports(eng.alice_user)) == []
