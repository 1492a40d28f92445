"""Every action refuses: 409 from a state that does not allow it (nothing changes), 403 for a role that never
takes it. Each case builds its item with the real services, then calls the API."""

import datetime as dt

import pytest
from django.utils import timezone

from suggestions import services
from suggestions.models import Answer, Assignment, Suggestion, Transition

from .conftest import act

TODAY = str(dt.date.today())


def lead(flow, s):
    return flow.lead_assignment(s).pk


def co(flow, s):
    return Assignment.objects.get(suggestion=s, role=Assignment.Role.CO).pk


def sent_answer(flow, s):
    return flow.sent_answer(s).pk


def relayed(flow, s):
    """An item assigned to the 政府办 and already relayed: (suggestion, the relayed assignment id)."""
    services.assign(s, actor=flow.p.staff, lead=flow.p.gov_office)
    parent = Assignment.objects.get(suggestion=s, unit=flow.p.gov_office)
    services.relay(parent, actor=flow.p.gov_staff, lead=flow.w.unit)
    return parent.pk


# (action path, state the item is brought to, who acts, body builder) → 409
ILLEGAL_STATE = [
    ("submit", "accepted", "deputy", lambda f, s: {}),
    ("invite", "submitted", "deputy", lambda f, s: {"person": f.p.other_deputy.person_id}),
    ("withdraw", "accepted", "deputy", lambda f, s: {}),
    ("accept", "accepted", "staff", lambda f, s: {}),
    ("return", "handling", "staff", lambda f, s: {"reason": "理由"}),
    ("decline", "answered", "staff", lambda f, s: {"reason": "理由"}),
    ("merge", "handling", "staff", lambda f, s: {"others": [f.to("submitted", title="另一件").pk]}),
    ("assign", "handling", "staff", lambda f, s: {"lead": f.w.unit.pk}),
    ("relay", "accepted", "gov_staff", lambda f, s: {"assignment": relayed(f, s), "lead": f.p.third_unit.pk}),
    ("sign", "signed", "unit_staff", lambda f, s: {"assignment": lead(f, s)}),
    ("request-return", "handling", "unit_staff", lambda f, s: {"assignment": lead(f, s), "reason": "非我单位职责"}),
    ("resolve-return", "signed", "staff", lambda f, s: {"assignment": lead(f, s), "approve": False, "resolution": "x"}),
    (
        "request-extension",
        "answered",
        "unit_staff",
        lambda f, s: {"assignment": lead(f, s), "requested_due": "2027-06-01", "reason": "x"},
    ),
    ("resolve-extension", "signed", "staff", lambda f, s: {"assignment": lead(f, s), "approve": True}),
    ("opinion", "handling", "other_unit_staff", lambda f, s: {"assignment": co(f, s), "opinion": "同意"}),
    (
        "record-contact",
        "handling",
        "unit_staff",
        lambda f, s: {"assignment": lead(f, s), "date": TODAY, "form": "phone", "participants": "李代表"},
    ),
    ("answer", "answered", "unit_staff", lambda f, s: {"assignment": lead(f, s), "text": "x", "result_class": "A"}),
    ("approve-answer", "answered", "unit_head", lambda f, s: {"answer": sent_answer(f, s)}),
    ("reject-answer", "answered", "unit_head", lambda f, s: {"answer": sent_answer(f, s), "note": "x"}),
    ("rate", "handling", "deputy", lambda f, s: {"value": "satisfied"}),
    ("rehandle", "answered", "staff", lambda f, s: {}),
    ("follow-up", "answered", "unit_staff", lambda f, s: {"assignment": lead(f, s), "progress": "进展"}),
    ("mark-key", "submitted", "staff", lambda f, s: {"leader": f.p.leader_member.pk}),
    ("supervise", "submitted", "staff", lambda f, s: {"kind": "reminder", "date": TODAY, "notes": "催办"}),
    ("close", "handling", "staff", lambda f, s: {}),
    ("publish", "handling", "staff", lambda f, s: {}),
    ("disclose", "withdrawn", "staff", lambda f, s: {"disclose": False}),
    ("cosign", "submitted", "cosigner", lambda f, s: {}),
]


def _bring(flow, state, **kw):
    if state in ("withdrawn", "returned"):
        s = flow.to("submitted", **kw)
        if state == "withdrawn":
            services.withdraw(s, actor=flow.p.deputy)
        else:
            services.return_for_revision(s, actor=flow.p.staff, reason="请补充")
        return s
    s = flow.draft(**kw)
    services.invite_cosigner(s, flow.p.cosigner.person, actor=flow.p.deputy)
    services.cosign(s, actor=flow.p.cosigner)
    return flow.to(state, s)


@pytest.mark.parametrize(("path", "state", "who", "body"), ILLEGAL_STATE, ids=[c[0] for c in ILLEGAL_STATE])
def test_an_action_from_a_state_that_does_not_allow_it_answers_409_and_changes_nothing(
    flow, people, api, path, state, who, body
):
    s = _bring(flow, state)
    data = body(flow, s)
    before_state = Suggestion.objects.get(pk=s.pk).state
    before_asg = dict(Assignment.objects.filter(suggestion=s).values_list("pk", "state"))
    before_transitions = Transition.objects.count()
    r = act(api(getattr(people, who)), s, path, **data)
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "illegal_transition"
    assert "不能" in r.json()["detail"] or "没有" in r.json()["detail"] or "已" in r.json()["detail"]
    assert Suggestion.objects.get(pk=s.pk).state == before_state
    assert dict(Assignment.objects.filter(suggestion=s).values_list("pk", "state")) == before_asg
    assert Transition.objects.count() == before_transitions


# (action path, state, who never takes it, body builder) → 403
NEVER_ALLOWED = [
    ("submit", "returned", "staff", lambda f, s: {}),
    ("invite", "returned", "staff", lambda f, s: {"person": f.p.other_deputy.person_id}),
    ("cosign", "returned", "staff", lambda f, s: {}),
    ("withdraw", "submitted", "staff", lambda f, s: {}),
    ("accept", "submitted", "deputy", lambda f, s: {}),
    ("return", "submitted", "deputy", lambda f, s: {"reason": "x"}),
    ("decline", "submitted", "committee", lambda f, s: {"reason": "x"}),
    ("merge", "submitted", "deputy", lambda f, s: {"others": [f.to("submitted", title="另一件").pk]}),
    ("assign", "accepted", "leader", lambda f, s: {"lead": f.w.unit.pk}),
    ("relay", "handling", "unit_staff", lambda f, s: {"assignment": lead(f, s), "lead": f.p.third_unit.pk}),
    ("sign", "handling", "staff", lambda f, s: {"assignment": lead(f, s)}),
    ("request-return", "signed", "staff", lambda f, s: {"assignment": lead(f, s), "reason": "x"}),
    ("resolve-return", "signed", "unit_head", lambda f, s: {"assignment": lead(f, s), "approve": True}),
    (
        "request-extension",
        "signed",
        "other_unit_staff",
        lambda f, s: {"assignment": co(f, s), "requested_due": "2027-06-01", "reason": "x"},
    ),
    ("resolve-extension", "signed", "unit_head", lambda f, s: {"assignment": lead(f, s), "approve": True}),
    ("opinion", "signed", "unit_staff", lambda f, s: {"assignment": lead(f, s), "opinion": "x"}),
    (
        "record-contact",
        "signed",
        "staff",
        lambda f, s: {"assignment": lead(f, s), "date": TODAY, "form": "phone", "participants": "x"},
    ),
    ("answer", "signed", "staff", lambda f, s: {"assignment": lead(f, s), "text": "x", "result_class": "A"}),
    ("approve-answer", "answered", "unit_staff", lambda f, s: {"answer": sent_answer(f, s)}),
    ("reject-answer", "answered", "unit_staff", lambda f, s: {"answer": sent_answer(f, s), "note": "x"}),
    ("rate", "answered", "unit_head", lambda f, s: {"value": "satisfied"}),
    ("rehandle", "rated", "deputy", lambda f, s: {}),
    ("follow-up", "answered", "staff", lambda f, s: {"assignment": lead(f, s), "progress": "x"}),
    ("mark-key", "handling", "committee", lambda f, s: {"leader": f.p.leader_member.pk}),
    ("supervise", "handling", "deputy", lambda f, s: {"kind": "reminder", "date": TODAY, "notes": "x"}),
    ("close", "rated", "leader", lambda f, s: {}),
    ("publish", "answered", "committee", lambda f, s: {}),
    ("disclose", "answered", "deputy", lambda f, s: {"disclose": False}),
]


@pytest.mark.parametrize(("path", "state", "who", "body"), NEVER_ALLOWED, ids=[c[0] for c in NEVER_ALLOWED])
def test_an_action_the_role_never_takes_answers_403(flow, people, api, path, state, who, body):
    s = _bring(flow, state)
    data = body(flow, s)
    before = Transition.objects.count()
    r = act(api(getattr(people, who)), s, path, **data)
    assert r.status_code == 403, r.content
    assert Transition.objects.count() == before


def test_the_409_message_names_the_state_and_the_action(flow, people, api):
    s = flow.to("answered")
    asg = flow.lead_assignment(s)
    # A fresh assignment waiting for signature on an answered item cannot exist; use the workflow directly.
    asg.state = Assignment.State.PENDING_SIGN
    asg.save(update_fields=["state"])
    r = act(api(people.unit_staff), s, "sign", assignment=asg.pk)
    assert r.status_code == 409
    assert r.json()["detail"] == "该建议当前状态为“已答复”，不能签收"


def test_a_return_is_refused_after_the_return_window(flow, people, api, settings):
    import time_machine

    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    later = timezone.now() + dt.timedelta(days=11)
    with time_machine.travel(later, tick=False):
        r = act(api(people.unit_staff), s, "request-return", assignment=asg.pk, reason="非我单位职责")
    assert r.status_code == 409
    assert "已超过申请退回期限" in r.json()["detail"]


def test_submission_waits_for_every_cosigner(flow, people):
    s = flow.draft()
    services.invite_cosigner(s, people.cosigner.person, actor=people.deputy)
    from core.exceptions import IllegalTransition

    with pytest.raises(IllegalTransition, match="王代表"):
        services.submit(s, actor=people.deputy)
    assert not Answer.objects.exists()
