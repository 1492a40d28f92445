"""The local rules of the lifecycle: deadlines, the return window, extensions, re-handling rounds, merging,
numbering and closing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.deadlines import add_months
from core.exceptions import IllegalTransition
from core.models import Notification
from suggestions import services
from suggestions.models import Assignment, HandlingRequest, Rating, Suggestion

from .conftest import act

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_assignment_sets_the_answer_and_opinion_deadlines_and_signing_the_return_window(world, flow, people):
    with time_machine.travel(T0, tick=False):
        s = flow.to("handling")
        lead = flow.lead_assignment(s)
        co = Assignment.objects.get(suggestion=s, role=Assignment.Role.CO)
    assert lead.due_date == dt.date(2026, 6, 2)  # 3 calendar months
    assert co.due_date == dt.date(2026, 6, 2)
    assert co.opinion_due == dt.date(2026, 4, 2)  # 1 month
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        services.sign(lead, actor=people.unit_staff)
    lead.refresh_from_db()
    assert lead.return_deadline == dt.date(2026, 3, 15)  # 10 calendar days after signing on 3 March


def test_the_reassignment_after_an_approved_return_gets_a_fresh_three_month_deadline(world, flow, people, api):
    with time_machine.travel(T0, tick=False):
        s = flow.to("signed")
    old = flow.lead_assignment(s)
    assert old.due_date == dt.date(2026, 6, 2)
    later = T0 + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        r = act(api(people.unit_staff), s, "request-return", assignment=old.pk, reason="属卫健局职责")
        assert r.status_code == 200, r.content
        r = act(api(people.staff), s, "resolve-return", assignment=old.pk, approve=True, new_unit=people.third_unit.pk)
        assert r.status_code == 200, r.content
    old.refresh_from_db()
    new = Assignment.objects.get(suggestion=s, unit=people.third_unit)
    assert old.state == Assignment.State.RETURNED
    assert (new.role, new.state) == (Assignment.Role.LEAD, Assignment.State.PENDING_SIGN)
    assert new.due_date == add_months(dt.date(2026, 3, 10), 3) == dt.date(2026, 6, 10)
    assert HandlingRequest.objects.get(assignment=old).status == HandlingRequest.Status.APPROVED
    assert Notification.objects.filter(recipient=people.third_unit_staff, event="suggestion.assigned").exists()
    # The office, not the unit, decides: a unit cannot resolve its own request, and a refused request resumes.
    s2 = flow.to("signed", title="第二件")
    a2 = flow.lead_assignment(s2)
    services.request_return(a2, actor=people.unit_staff, reason="不是我们的")
    r = act(api(people.staff), s2, "resolve-return", assignment=a2.pk, approve=False, resolution="")
    assert r.status_code == 400
    r = act(api(people.staff), s2, "resolve-return", assignment=a2.pk, approve=False, resolution="属本单位职责")
    assert r.status_code == 200
    a2.refresh_from_db()
    assert a2.state == Assignment.State.HANDLING


def test_an_extension_is_capped_at_six_months_after_assignment(world, flow, people, api):
    with time_machine.travel(T0, tick=False):
        s = flow.to("signed")
    asg = flow.lead_assignment(s)
    cap = dt.date(2026, 9, 2)
    unit = api(people.unit_staff)
    r = act(unit, s, "request-extension", assignment=asg.pk, requested_due="2026-12-31", reason="需列入预算")
    assert r.status_code == 400
    assert "6个月" in str(r.json())
    r = act(unit, s, "request-extension", assignment=asg.pk, requested_due="2026-08-01", reason="需列入预算")
    assert r.status_code == 200
    assert (
        act(unit, s, "request-extension", assignment=asg.pk, requested_due="2026-08-01", reason="x").status_code == 409
    )
    r = act(api(people.staff), s, "resolve-extension", assignment=asg.pk, approve=True, granted_due="2027-01-31")
    assert r.status_code == 200, r.content
    asg.refresh_from_db()
    assert asg.due_date == cap
    assert HandlingRequest.objects.get(assignment=asg).granted_due == cap


def test_rehandling_starts_a_new_round_with_a_one_month_deadline_and_is_capped(world, flow, people, api):
    s = flow.to("rated", rating=Rating.Value.UNSATISFIED)
    staff = api(people.staff)
    with time_machine.travel(T0, tick=False):
        r = act(staff, s, "rehandle", note="代表不满意，重新办理")
    assert r.status_code == 200, r.content
    s.refresh_from_db()
    assert (s.state, s.round) == (Suggestion.State.HANDLING, 2)
    new = Assignment.objects.get(suggestion=s, round=2)
    assert (new.unit, new.role, new.state) == (world.unit, Assignment.Role.LEAD, Assignment.State.HANDLING)
    assert new.due_date == dt.date(2026, 4, 2)
    assert not Assignment.objects.filter(suggestion=s, round=2, role=Assignment.Role.CO).exists()
    # The second round is answered and rated again; a satisfied item cannot be re-handled.
    services.approve_answer(
        services.answer(new, actor=people.unit_staff, text="重新答复", result_class="A"), actor=people.unit_head
    )
    s.refresh_from_db()
    assert s.state == Suggestion.State.ANSWERED
    services.rate(s, actor=people.deputy, value=Rating.Value.UNSATISFIED)
    r = act(staff, s, "rehandle")
    assert r.status_code == 409
    assert "重点督办" in r.json()["detail"]
    s.refresh_from_db()
    assert s.round == 2


def test_a_satisfied_item_is_not_rehandled(flow, people):
    s = flow.to("rated")
    with pytest.raises(IllegalTransition, match="没有“不满意”"):
        services.rehandle(s, actor=people.staff)


def test_a_survey_rating_counts_over_the_deputys_own_for_rehandling(flow, people):
    s = flow.to("rated", rating=Rating.Value.SATISFIED)
    services.rate(s, actor=people.staff, value=Rating.Value.UNSATISFIED, comment="电话回访不满意")
    assert services.rehandle(s, actor=people.staff)


def test_merged_items_are_each_answered_and_rated_by_their_own_deputy(world, flow, people, api):
    main = flow.to("submitted")
    other = services.create_draft(
        actor=people.cosigner,
        congress=world.county,
        title="关于学校周边交通的建议",
        content="同类问题",
        meeting=people.meeting,
    )
    services.submit(other, actor=people.cosigner)
    r = act(api(people.staff), main, "merge", others=[other.pk])
    assert r.status_code == 200, r.content
    main.refresh_from_db()
    other.refresh_from_db()
    assert (main.state, main.number) == (Suggestion.State.ACCEPTED, 1)
    assert (other.state, other.merged_into) == (Suggestion.State.MERGED, main)
    assert Notification.objects.filter(recipient=people.cosigner, event="suggestion.merged").exists()
    # Before the main item is answered the original cannot be rated.
    assert act(api(people.cosigner), other, "rate", value="satisfied").status_code == 409

    flow.to("answered", main)
    for deputy in (people.deputy, people.cosigner):
        assert Notification.objects.filter(recipient=deputy, event="suggestion.answered").exists()
    detail = api(people.cosigner).get(f"/api/v1/suggestions/{other.pk}/").json()
    assert [a["text"] for a in detail["answers"]] == ["已增设护学岗。"]

    r = act(api(people.cosigner), other, "rate", value="unsatisfied", comment="未解决学校北门问题")
    assert r.status_code == 200, r.content
    other.refresh_from_db()
    assert other.state == Suggestion.State.MERGED
    assert other.ratings.get().value == Rating.Value.UNSATISFIED
    services.rate(main, actor=people.deputy, value=Rating.Value.SATISFIED)
    # The original's 不满意 counts towards re-handling the main item.
    assert act(api(people.staff), main, "rehandle").status_code == 200


def test_recess_items_are_numbered_per_year_apart_from_meetings(flow, people):
    at_meeting = flow.to("accepted")
    with time_machine.travel(T0, tick=False):
        recess = flow.to("accepted", meeting=None, title="闭会期间的建议")
    assert (at_meeting.number, at_meeting.year) == (1, 2026)
    assert (recess.number, recess.year, recess.number_display) == (1, 2026, "闭会第1号")


def test_an_unrated_answer_closes_only_when_the_rule_deems_it_rated(flow, people, monkeypatch):
    with time_machine.travel(T0, tick=False):
        s = flow.to("answered")
    with pytest.raises(IllegalTransition, match="尚未测评"):
        services.close(s, actor=people.staff)
    monkeypatch.setenv("RULE_RATING_DEEMED_WORKDAYS", "20")
    with (
        time_machine.travel(T0 + dt.timedelta(days=10), tick=False),
        pytest.raises(IllegalTransition, match="20个工作日"),
    ):
        services.close(s, actor=people.staff)
    with time_machine.travel(T0 + dt.timedelta(days=40), tick=False):
        services.close(s, actor=people.staff)
    s.refresh_from_db()
    assert s.state == Suggestion.State.CLOSED


def test_result_classes_follow_the_local_rule(flow, people, monkeypatch):
    monkeypatch.setenv("RULE_RESULT_CLASSES", "ABC")
    s = flow.to("signed")
    with pytest.raises(ValidationError) as err:
        services.answer(flow.lead_assignment(s), actor=people.unit_staff, text="留作参考", result_class="D")
    assert "A、B、C" in str(err.value)


def test_a_closed_b_item_keeps_its_follow_up_open(flow, people):
    s = flow.to("closed", result_class="B")
    assert (s.state, s.follow_up_open) == (Suggestion.State.CLOSED, True)


def test_publishing_needs_an_answer_and_disclosure(flow, people):
    s = flow.to("answered")
    services.set_disclose(s, actor=people.staff, disclose=False, note="涉密")
    with pytest.raises(IllegalTransition, match="不予公开"):
        services.publish(s, actor=people.staff)
    services.set_disclose(s, actor=people.staff, disclose=True)
    services.publish(s, actor=people.staff)
    s.refresh_from_db()
    assert s.published_at is not None
    assert timezone.now() - s.published_at < dt.timedelta(minutes=1)
