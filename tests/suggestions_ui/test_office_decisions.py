"""The office's decisions through the pages: extensions, returns, split assignment, key supervision with scores,
survey entry, re-handling after 不满意, follow-up of a B answer, publishing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from suggestions import services
from suggestions.models import Assignment, HandlingRequest, Rating, Suggestion


def act(level, pk, name):
    return reverse("suggestions:act", args=[level, pk, name])


def test_staff_grant_an_extension_the_unit_asked_for(cast, drive, client):
    s = drive.to("signed")
    lead = drive.lead_assignment(s)
    wanted = lead.due_date + dt.timedelta(days=30)
    client.force_login(cast.unit_staff)
    response = client.post(
        act("assignment", lead.pk, "request_extension"),
        {"reason": "涉及多部门协调，需延期", "requested_due": wanted.isoformat()},
    )
    assert response.status_code == 302
    client.force_login(cast.staff)
    page = client.get(reverse("suggestions:requests")).content.decode()
    assert "涉及多部门协调" in page and "申请延期" in page
    client.post(act("assignment", lead.pk, "resolve_extension"), {"decision": "approve", "resolution": "同意"})
    assert Assignment.objects.get(pk=lead.pk).due_date == wanted
    assert "涉及多部门协调" not in client.get(reverse("suggestions:requests")).content.decode()


def test_refusing_an_extension_needs_a_reason_next_to_the_field(cast, drive, client):
    s = drive.to("signed")
    lead = drive.lead_assignment(s)
    services.request_extension(
        lead, actor=cast.unit_staff, requested_due=lead.due_date + dt.timedelta(days=10), reason="需要时间"
    )
    client.force_login(cast.staff)
    response = client.post(act("assignment", lead.pk, "resolve_extension"), {"decision": "refuse", "resolution": ""})
    assert response.status_code == 400 and "不同意延期时请说明理由" in response.content.decode()
    assert HandlingRequest.objects.get(assignment=lead).status == HandlingRequest.Status.PENDING


def test_staff_reassign_a_wrongly_assigned_item_to_another_unit(world, cast, drive, client):
    s = drive.to("signed")
    lead = drive.lead_assignment(s)
    client.force_login(cast.unit_staff)
    client.post(act("assignment", lead.pk, "request_return"), {"reason": "不属本单位职责", "suggested_unit": "交通局"})
    client.force_login(cast.staff)
    response = client.post(
        act("assignment", lead.pk, "resolve_return"), {"decision": "approve", "new_unit": world.other_unit.pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.RETURNED
    new = Assignment.objects.get(suggestion=s, unit=world.other_unit)
    assert new.state == Assignment.State.PENDING_SIGN
    client.force_login(cast.other_unit_staff)
    assert s.title in client.get(reverse("suggestions:todo")).content.decode()


def test_a_split_assignment_gives_each_unit_its_part(world, cast, drive, client):
    s = drive.to("accepted")
    client.force_login(cast.staff)
    response = client.post(
        act("suggestion", s.pk, "assign"),
        {
            "mode": "split",
            "split_unit_1": world.unit.pk,
            "split_part_1": "护学岗",
            "split_unit_2": world.other_unit.pk,
            "split_part_2": "减速带",
        },
    )
    assert response.status_code == 302
    parts = dict(Assignment.objects.filter(suggestion=s).values_list("unit__name", "part"))
    assert parts == {"县教育局": "护学岗", "县交通运输局": "减速带"}


def test_a_split_row_without_its_part_is_refused_next_to_the_field(world, cast, drive, client):
    s = drive.to("accepted")
    client.force_login(cast.staff)
    response = client.post(
        act("suggestion", s.pk, "assign"),
        {"mode": "split", "split_unit_1": world.unit.pk, "split_unit_2": world.other_unit.pk, "split_part_2": "减速带"},
    )
    assert response.status_code == 400 and "请填写该单位负责答复的内容" in response.content.decode()
    assert not Assignment.objects.filter(suggestion=s).exists()


def test_bulk_assignment_is_all_or_nothing(world, cast, drive, client):
    a = drive.to("accepted", title="关于教师队伍建设的建议")
    b = drive.to("accepted", title="关于增加幼儿园学位的建议")
    client.force_login(cast.staff)
    response = client.post(
        reverse("suggestions:assign"), {"items": [a.pk, b.pk], "mode": "lead", "lead_unit": world.unit.pk}
    )
    assert response.status_code == 302
    assert set(Suggestion.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {"handling"}
    response = client.post(reverse("suggestions:assign"), {"mode": "lead", "lead_unit": world.unit.pk})
    assert response.status_code == 400 and "请至少选择一件建议" in response.content.decode()


def test_key_supervision_with_committee_members_scores(world, cast, drive, client):
    s = drive.to("handling")
    client.force_login(cast.staff)
    client.post(act("suggestion", s.pk, "mark_key"), {"leader": cast.leader_member.pk, "committee": world.committee.pk})
    assert Suggestion.objects.get(pk=s.pk).is_key
    response = client.post(
        act("suggestion", s.pk, "supervise"),
        {
            "kind": "report",
            "date": timezone.localdate().isoformat(),
            "notes": "听取县教育局办理情况汇报",
            "committee": world.committee.pk,
            f"score_{cast.leader_member.pk}": "92",
        },
    )
    assert response.status_code == 302
    client.force_login(cast.leader)
    dashboard = client.get(reverse("suggestions:key")).content.decode()
    assert s.title in dashboard and "听取县教育局办理情况汇报" in dashboard and "张主任" in dashboard
    detail = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "张主任 92分" in detail


def test_a_report_supervision_without_scores_is_refused(world, cast, drive, client):
    s = drive.to("handling")
    client.force_login(cast.staff)
    response = client.post(
        act("suggestion", s.pk, "supervise"),
        {"kind": "report", "date": timezone.localdate().isoformat(), "notes": "汇报"},
    )
    assert response.status_code == 400 and "请至少录入一位委员的评分" in response.content.decode()


def test_staff_enter_a_third_party_phone_rating_from_the_survey_list(cast, drive, client):
    s = drive.to("answered")
    client.force_login(cast.staff)
    assert s.title in client.get(reverse("suggestions:survey")).content.decode()
    client.post(act("suggestion", s.pk, "rate"), {"value": "basic", "comment": "电话回访"})
    rating = Rating.objects.get(suggestion=s)
    assert rating.source == Rating.Source.SURVEY and rating.value == Rating.Value.BASIC
    assert s.title not in client.get(reverse("suggestions:survey")).content.decode()


def test_an_unsatisfied_rating_needs_a_reason_and_leads_to_rehandling(cast, drive, client):
    s = drive.to("answered")
    client.force_login(cast.deputy)
    response = client.post(act("suggestion", s.pk, "rate"), {"value": "unsatisfied", "comment": ""})
    assert response.status_code == 400 and "请写明理由" in response.content.decode()
    client.post(act("suggestion", s.pk, "rate"), {"value": "unsatisfied", "comment": "护学岗未落实"})
    client.force_login(cast.staff)
    client.post(act("suggestion", s.pk, "rehandle"), {"note": ""})
    s.refresh_from_db()
    assert s.round == 2 and s.state == Suggestion.State.HANDLING
    assert "第2轮办理" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()


def test_a_b_answer_is_followed_up_by_the_unit_until_carried_out(cast, drive, client, pdf_upload):
    s = drive.to("answered", result_class="B")
    lead = drive.lead_assignment(s)
    client.force_login(cast.unit_staff)
    assert s.title in client.get(reverse("suggestions:todo")).content.decode()
    client.post(
        act("assignment", lead.pk, "follow_up"),
        {"date": timezone.localdate().isoformat(), "progress": "护学岗已列入明年预算"},
    )
    client.force_login(cast.staff)
    assert "护学岗已列入明年预算" in client.get(reverse("suggestions:follow_up")).content.decode()
    client.force_login(cast.unit_staff)
    response = client.post(
        act("assignment", lead.pk, "follow_up"),
        {
            "date": timezone.localdate().isoformat(),
            "progress": "已全部落实",
            "final": "on",
            "result_class": "A",
            "text": "护学岗已全部到位。",
            "letter": pdf_upload("最终答复.pdf"),
        },
    )
    assert response.status_code == 302
    final = lead.answers.get(is_final_follow_up=True)
    client.force_login(cast.unit_head)
    client.post(act("answer", final.pk, "approve_answer"), {"note": ""})
    assert not Suggestion.objects.get(pk=s.pk).follow_up_open


def test_staff_publish_an_answered_item(cast, drive, client):
    s = drive.to("rated")
    client.force_login(cast.staff)
    detail = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert act("suggestion", s.pk, "publish") in detail
    client.post(act("suggestion", s.pk, "publish"))
    assert Suggestion.objects.get(pk=s.pk).published_at is not None
    assert "已公开" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()


def test_merging_from_the_review_queue(cast, drive, client):
    a = drive.to("submitted", title="关于城关小学交通安全的建议")
    b = drive.to("submitted", title="关于校园周边交通的建议", deputy=cast.other_deputy)
    client.force_login(cast.staff)
    response = client.post(reverse("suggestions:merge"), {"main": a.pk, "items": [a.pk, b.pk]})
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=b.pk).merged_into_id == a.pk
    client.force_login(cast.other_deputy)
    page = client.get(reverse("suggestions:detail", args=[b.pk])).content.decode()
    assert "已并案" in page or "并案" in page
