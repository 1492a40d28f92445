"""Every legal transition, taken through the API by the role the rules give it."""

import datetime as dt

from django.utils import timezone

from suggestions import services
from suggestions.models import Answer, Assignment, Contact, Rating, Suggestion, Supervision, Transition

from .conftest import act


def test_the_whole_lifecycle_through_the_api(world, people, api):
    deputy, staff = api(people.deputy), api(people.staff)
    unit, head = api(people.unit_staff), api(people.unit_head)
    co_unit = api(people.other_unit_staff)

    r = deputy.post(
        "/api/v1/suggestions/",
        {
            "congress": world.county.pk,
            "title": "关于加强农村饮水安全的建议",
            "content": "部分村庄水质不达标。",
            "meeting": people.meeting.pk,
            "category": people.category.pk,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    s = Suggestion.objects.get(pk=r.json()["id"])
    assert s.state == Suggestion.State.DRAFT
    assert s.committee == world.committee  # from the category

    r = deputy.patch(f"/api/v1/suggestions/{s.pk}/", {"title": "关于保障农村饮水安全的建议"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "关于保障农村饮水安全的建议"

    assert act(deputy, s, "invite", person=people.cosigner.person_id).status_code == 200
    assert act(deputy, s, "submit").status_code == 409  # the co-signer has not confirmed
    assert act(api(people.cosigner), s, "cosign").status_code == 200
    assert act(deputy, s, "submit").status_code == 200
    assert act(staff, s, "accept").status_code == 200
    s.refresh_from_db()
    assert (s.state, s.number, s.year) == (Suggestion.State.ACCEPTED, 1, 2026)

    r = act(staff, s, "assign", lead=world.unit.pk, co=[world.other_unit.pk])
    assert r.status_code == 200, r.content
    lead = Assignment.objects.get(suggestion=s, unit=world.unit)
    co = Assignment.objects.get(suggestion=s, unit=world.other_unit)
    assert lead.role == Assignment.Role.LEAD and co.role == Assignment.Role.CO
    assert act(unit, s, "sign", assignment=lead.pk).status_code == 200
    assert act(co_unit, s, "sign", assignment=co.pk).status_code == 200
    assert act(co_unit, s, "opinion", assignment=co.pk, opinion="同意主办单位意见。").status_code == 200
    r = act(
        unit,
        s,
        "record-contact",
        assignment=lead.pk,
        date=str(timezone.localdate()),
        form="meeting",
        participants="李代表、县教育局王局长",
    )
    assert r.status_code == 200, r.content
    assert Contact.objects.filter(assignment=lead).count() == 1

    r = act(unit, s, "answer", assignment=lead.pk, text="已列入明年计划。", result_class="B")
    assert r.status_code == 200, r.content
    r = act(head, s, "reject-answer", assignment=lead.pk, note="请补充资金安排。")
    assert r.status_code == 200, r.content
    r = act(unit, s, "answer", assignment=lead.pk, text="已列入明年计划，资金300万元。", result_class="B")
    assert r.status_code == 200, r.content
    r = act(head, s, "approve-answer", assignment=lead.pk)
    assert r.status_code == 200, r.content
    s.refresh_from_db()
    assert s.state == Suggestion.State.ANSWERED
    assert s.follow_up_open is True
    assert s.answered_at is not None

    assert act(deputy, s, "rate", value="basic", comment="希望尽快落实").status_code == 200
    assert act(staff, s, "rate", value="satisfied").status_code == 200  # a third-party survey rating
    assert set(Rating.objects.filter(suggestion=s).values_list("source", flat=True)) == {"deputy", "survey"}
    s.refresh_from_db()
    assert s.state == Suggestion.State.RATED

    r = act(api(people.leader), s, "mark-key", leader=people.leader_member.pk, committee=world.committee.pk, note="")
    assert r.status_code == 200, r.content
    r = act(
        api(people.committee),
        s,
        "supervise",
        kind="report",
        date=str(timezone.localdate()),
        notes="听取县教育局办理情况汇报",
        scores=[{"member": people.leader_member.pk, "score": 92}],
    )
    assert r.status_code == 200, r.content
    assert Supervision.objects.get(suggestion=s).scores.get().score == 92

    r = act(unit, s, "follow-up", assignment=lead.pk, progress="已完成招标。")
    assert r.status_code == 200, r.content
    r = act(
        unit,
        s,
        "follow-up",
        assignment=lead.pk,
        progress="工程完工。",
        final=True,
        text="已全部完成。",
        result_class="A",
    )
    assert r.status_code == 200, r.content
    final = Answer.objects.get(assignment=lead, is_final_follow_up=True)
    assert act(head, s, "approve-answer", answer=final.pk).status_code == 200
    s.refresh_from_db()
    assert s.follow_up_open is False

    assert act(staff, s, "close").status_code == 200
    assert act(staff, s, "publish").status_code == 200
    s.refresh_from_db()
    assert s.state == Suggestion.State.CLOSED and s.published_at is not None
    assert act(staff, s, "disclose", disclose=False, note="涉及个人隐私").status_code == 200
    s.refresh_from_db()
    assert s.disclose is False and s.published_at is None

    timeline = deputy.get(f"/api/v1/suggestions/{s.pk}/timeline/").json()
    actions = [t["action"] for t in timeline]
    for expected in ("create_draft", "submit", "accept", "assign", "sign", "approve_answer", "answered", "rate"):
        assert expected in actions
    # The deputy follows the official steps; a unit's drafting and internal review stay with the unit and staff.
    assert "reject_answer" not in actions and "answer" not in actions
    staff_timeline = staff.get(f"/api/v1/suggestions/{s.pk}/timeline/").json()
    assert Transition.objects.filter(suggestion=s).count() == len(staff_timeline)
    assert "reject_answer" in [t["action"] for t in staff_timeline]
    assert all(t["actor_name"] for t in timeline)


def test_a_deputy_can_withdraw_and_staff_can_return_or_decline(flow, people, api):
    deputy, staff = api(people.deputy), api(people.staff)
    s1 = flow.to("submitted")
    assert act(staff, s1, "return", reason="").status_code == 400  # a reason is required
    assert act(staff, s1, "return", reason="请补充具体地点").status_code == 200
    s1.refresh_from_db()
    assert s1.state == Suggestion.State.RETURNED
    assert act(deputy, s1, "submit").status_code == 200
    assert act(deputy, s1, "withdraw").status_code == 200
    s1.refresh_from_db()
    assert s1.state == Suggestion.State.WITHDRAWN

    s2 = flow.to("submitted", title="关于另一件事的建议")
    assert act(staff, s2, "decline", reason="").status_code == 400
    assert act(staff, s2, "decline", reason="属于司法个案").status_code == 200
    s2.refresh_from_db()
    assert s2.state == Suggestion.State.DECLINED
    assert s2.transitions.get(action="decline").note == "属于司法个案"


def test_the_government_office_relays_to_departments_which_keep_its_due_date(world, flow, people, api):
    s = flow.to("accepted")
    staff = api(people.staff)
    assert act(staff, s, "assign", lead=people.gov_office.pk).status_code == 200
    parent = Assignment.objects.get(suggestion=s, unit=people.gov_office)
    r = act(api(people.gov_staff), s, "relay", assignment=parent.pk, lead=world.unit.pk, co=[people.third_unit.pk])
    assert r.status_code == 200, r.content
    parent.refresh_from_db()
    assert parent.state == Assignment.State.RELAYED
    children = Assignment.objects.filter(parent=parent)
    assert {c.unit_id for c in children} == {world.unit.pk, people.third_unit.pk}
    assert {c.due_date for c in children} == {parent.due_date}
    child = children.get(unit=world.unit)
    # The department answers; the relayed parent no longer counts, so the item is answered.
    unit = api(people.unit_staff)
    assert act(unit, s, "sign", assignment=child.pk).status_code == 200
    assert act(unit, s, "answer", assignment=child.pk, text="已办理。", result_class="A").status_code == 200
    assert act(api(people.unit_head), s, "approve-answer", assignment=child.pk).status_code == 200
    s.refresh_from_db()
    assert s.state == Suggestion.State.ANSWERED
    # A department may not pass an item on by itself.
    s2 = flow.to("handling", title="第二件")
    asg = flow.lead_assignment(s2)
    r = act(unit, s2, "relay", assignment=asg.pk, lead=people.third_unit.pk)
    assert r.status_code == 403


def test_split_items_are_answered_when_every_part_is(world, flow, people, api):
    s = flow.to("accepted")
    r = act(
        api(people.staff),
        s,
        "assign",
        splits=[{"unit": world.unit.pk, "part": "校园周边交通"}, {"unit": world.other_unit.pk, "part": "道路设施"}],
    )
    assert r.status_code == 200, r.content
    for user, head, unit in (
        (people.unit_staff, people.unit_head, world.unit),
        (people.other_unit_staff, people.other_unit_head, world.other_unit),
    ):
        asg = Assignment.objects.get(suggestion=s, unit=unit)
        assert asg.role == Assignment.Role.SPLIT
        assert act(api(user), s, "sign", assignment=asg.pk).status_code == 200
        assert act(api(user), s, "answer", assignment=asg.pk, text="已办理。", result_class="A").status_code == 200
        assert act(api(head), s, "approve-answer", assignment=asg.pk).status_code == 200
        s.refresh_from_db()
        expected = Suggestion.State.ANSWERED if unit == world.other_unit else Suggestion.State.HANDLING
        assert s.state == expected


def test_a_unit_requests_and_staff_grant_an_extension(world, flow, people, api):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    wanted = asg.due_date + dt.timedelta(days=30)
    r = act(
        api(people.unit_staff),
        s,
        "request-extension",
        assignment=asg.pk,
        requested_due=str(wanted),
        reason="需专题研究",
    )
    assert r.status_code == 200, r.content
    r = act(api(people.staff), s, "resolve-extension", assignment=asg.pk, approve=True)
    assert r.status_code == 200, r.content
    asg.refresh_from_db()
    assert asg.due_date == wanted


def test_the_list_filters_by_year_state_unit_overdue_key_and_number(world, flow, people, api):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC), tick=False):
        late = flow.to("handling", title="关于城区停车难的建议")  # due 20 April 2026: overdue now
    answered = flow.to("answered", title="关于乡村道路养护的建议")
    other = flow.to("accepted", title="关于医疗的建议")
    services.assign(other, actor=people.staff, lead=world.other_unit)
    services.mark_key(other, actor=people.staff, leader=people.leader_member)
    client = api(people.staff)

    def found(query):
        r = client.get(f"/api/v1/suggestions/?{query}")
        assert r.status_code == 200, r.content
        return {row["id"] for row in r.json()["results"]}

    assert found("year=2026") == {late.pk, answered.pk, other.pk}
    assert found("year=2025") == set()
    assert found("state=answered") == {answered.pk}
    assert found("state=handling&state=answered") == {late.pk, answered.pk, other.pk}
    assert found(f"unit={world.other_unit.pk}") == {late.pk, answered.pk, other.pk}  # co-handler of the first two
    assert found(f"unit={people.third_unit.pk}") == set()
    assert found("overdue=true") == {late.pk}
    assert found("is_key=true") == {other.pk}
    assert found("search=停车") == {late.pk}
    assert found(f"search=第{answered.number}号") == {answered.pk}
    assert found(f"category={people.category.pk}&committee={world.committee.pk}") == {late.pk, answered.pk, other.pk}
    todo = api(people.unit_staff).get("/api/v1/assignments/?open=true").json()["results"]
    assert [row["suggestion"] for row in todo] == [late.pk]
    assert todo[0]["overdue"] is True and todo[0]["days_left"] < 0


def test_the_detail_lists_the_actions_the_user_may_take_now(world, flow, people, api):
    s = flow.to("submitted")
    staff_actions = api(people.staff).get(f"/api/v1/suggestions/{s.pk}/").json()["allowed_actions"]
    assert {"accept", "return_for_revision", "decline", "merge"} <= set(staff_actions["suggestion"])
    assert "submit" not in staff_actions["suggestion"]
    assert api(people.deputy).get(f"/api/v1/suggestions/{s.pk}/").json()["allowed_actions"]["suggestion"] == [
        "withdraw"
    ]
    flow.to("handling", s)
    detail = api(people.unit_staff).get(f"/api/v1/suggestions/{s.pk}/").json()
    assert detail["allowed_actions"]["assignments"] == {str(flow.lead_assignment(s).pk): ["sign"]}
