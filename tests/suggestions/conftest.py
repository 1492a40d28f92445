"""Fixtures of the suggestion lifecycle: a county with a meeting, a lead deputy and a co-signer, office staff, a
leader, a committee, two units (staff and head each) and the government office; and `flow`, which drives a
suggestion through the real services to any state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from organization.models import HandlingUnit
from suggestions import services
from suggestions.models import Answer, Assignment, Category, Rating, Suggestion
from tests import factories as f


@dataclass
class People:
    meeting: object
    category: object
    deputy: object  # user of the lead deputy
    cosigner: object  # user of a second deputy
    other_deputy: object  # a deputy with nothing to do with the item
    staff: object
    leader: object
    leader_member: object
    committee: object  # user of the item's committee
    other_committee: object  # user of another committee
    unit_staff: object
    unit_head: object
    other_unit_staff: object
    other_unit_head: object
    gov_office: object
    gov_staff: object
    third_unit: object
    third_unit_staff: object
    third_unit_head: object


def _deputy_user(world, make_user, name):
    person = f.PersonFactory(name=name)
    f.SeatFactory(person=person, term=world.term, congress=world.county)
    return make_user(Role.DEPUTY, person=person, congress=None)


@pytest.fixture
def people(world, make_user) -> People:
    meeting = f.MeetingFactory(term=world.term, number=5, start=dt.date(2026, 1, 10), end=dt.date(2026, 1, 13))
    category = Category.objects.create(congress=world.county, name="教育", committee=world.committee)
    other_committee = f.CommitteeFactory(congress=world.county, name="财政经济委员会")
    leader_user = make_user(Role.LEADER)
    member = f.CommitteeMemberFactory(congress=world.county, name="张主任", is_leader=True, user=leader_user)
    gov = f.UnitFactory(congress=world.county, name="县政府办公室", kind=HandlingUnit.Kind.GOV_OFFICE)
    third = f.UnitFactory(congress=world.county, name="县卫生健康局")
    return People(
        meeting=meeting,
        category=category,
        deputy=_deputy_user(world, make_user, "李代表"),
        cosigner=_deputy_user(world, make_user, "王代表"),
        other_deputy=_deputy_user(world, make_user, "赵代表"),
        staff=make_user(Role.STAFF),
        leader=leader_user,
        leader_member=member,
        committee=make_user(Role.COMMITTEE, committee=world.committee),
        other_committee=make_user(Role.COMMITTEE, committee=other_committee),
        unit_staff=make_user(Role.UNIT_STAFF, unit=world.unit, congress=None),
        unit_head=make_user(Role.UNIT_HEAD, unit=world.unit, congress=None),
        other_unit_staff=make_user(Role.UNIT_STAFF, unit=world.other_unit, congress=None),
        other_unit_head=make_user(Role.UNIT_HEAD, unit=world.other_unit, congress=None),
        gov_office=gov,
        gov_staff=make_user(Role.UNIT_STAFF, unit=gov, congress=None),
        third_unit=third,
        third_unit_staff=make_user(Role.UNIT_STAFF, unit=third, congress=None),
        third_unit_head=make_user(Role.UNIT_HEAD, unit=third, congress=None),
    )


class Flow:
    """Moves suggestions through the lifecycle with the real services (as the right person each time)."""

    ORDER = ["draft", "submitted", "accepted", "handling", "signed", "answered", "rated", "closed"]

    def __init__(self, world, people: People):
        self.w, self.p = world, people

    def draft(self, title="关于改善城关小学周边交通安全的建议", meeting="default", **kw) -> Suggestion:
        return services.create_draft(
            actor=self.p.deputy,
            congress=self.w.county,
            title=title,
            content="上下学高峰时段车辆拥堵，建议增设护学岗和减速带。",
            meeting=self.p.meeting if meeting == "default" else meeting,
            category=self.p.category,
            **kw,
        )

    def lead_assignment(self, s: Suggestion) -> Assignment:
        return s.assignments.get(unit=self.w.unit, round=Suggestion.objects.get(pk=s.pk).round)

    def to(self, state: str, s: Suggestion | None = None, result_class="A", rating=Rating.Value.SATISFIED, **kw):
        """A suggestion in `state` (draft … closed), assigned to world.unit as lead and other_unit as co."""
        s = s or self.draft(**kw)
        steps = self.ORDER[self.ORDER.index(Suggestion.objects.get(pk=s.pk).state) + 1 : self.ORDER.index(state) + 1]
        for step in steps:
            if step == "submitted":
                services.submit(s, actor=self.p.deputy)
            elif step == "accepted":
                services.accept(s, actor=self.p.staff)
            elif step == "handling":
                services.assign(s, actor=self.p.staff, lead=self.w.unit, co=[self.w.other_unit])
            elif step == "signed":
                services.sign(self.lead_assignment(s), actor=self.p.unit_staff)
            elif step == "answered":
                ans = services.answer(
                    self.lead_assignment(s), actor=self.p.unit_staff, text="已增设护学岗。", result_class=result_class
                )
                services.approve_answer(ans, actor=self.p.unit_head)
            elif step == "rated":
                services.rate(s, actor=self.p.deputy, value=rating)
            elif step == "closed":
                services.close(s, actor=self.p.staff)
        return Suggestion.objects.get(pk=s.pk)

    def sent_answer(self, s: Suggestion) -> Answer:
        return Answer.objects.filter(assignment__suggestion=s, status=Answer.Status.SENT).latest("id")


@pytest.fixture
def flow(world, people) -> Flow:
    return Flow(world, people)


@pytest.fixture
def api():
    """api(user) → a DRF client logged in as `user`."""
    from rest_framework.test import APIClient

    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


def act(client, suggestion, path, **body):
    """POST /api/v1/suggestions/{id}/{path}/ with a JSON body."""
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/{path}/", body, format="json")
