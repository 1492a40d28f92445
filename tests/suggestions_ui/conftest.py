"""Fixtures of the suggestion screens: a county with a meeting and a category, the people of every role, and `drive`,
which moves a suggestion through the real services to a state (the pages are then tested as each person sees them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from suggestions import services
from suggestions.models import Answer, Assignment, Category, Rating, Suggestion
from tests import factories as f

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Cast:
    meeting: object
    category: object
    other_category: object
    deputy: object
    cosigner: object
    other_deputy: object
    staff: object
    leader: object
    leader_member: object
    committee: object
    other_committee: object
    unit_staff: object
    unit_head: object
    other_unit_staff: object


def deputy_user(world, make_user, name, phone=None):
    kwargs = {"name": name}
    if phone:
        kwargs["phone"] = phone
    person = f.PersonFactory(**kwargs)
    f.SeatFactory(person=person, term=world.term, congress=world.county)
    return make_user(Role.DEPUTY, person=person, congress=None)


@pytest.fixture
def cast(world, make_user) -> Cast:
    meeting = f.MeetingFactory(term=world.term, number=5, start=dt.date(2026, 1, 10), end=dt.date(2026, 1, 13))
    category = Category.objects.create(congress=world.county, name="教育", committee=world.committee)
    other_committee = f.CommitteeFactory(congress=world.county, name="财政经济委员会")
    other_category = Category.objects.create(congress=world.county, name="财政", committee=other_committee)
    leader = make_user(Role.LEADER)
    member = f.CommitteeMemberFactory(congress=world.county, name="张主任", is_leader=True, user=leader)
    return Cast(
        meeting=meeting,
        category=category,
        other_category=other_category,
        deputy=deputy_user(world, make_user, "李明", phone="13912345678"),
        cosigner=deputy_user(world, make_user, "王芳"),
        other_deputy=deputy_user(world, make_user, "赵强"),
        staff=make_user(Role.STAFF),
        leader=leader,
        leader_member=member,
        committee=make_user(Role.COMMITTEE, committee=world.committee),
        other_committee=make_user(Role.COMMITTEE, committee=other_committee),
        unit_staff=make_user(Role.UNIT_STAFF, unit=world.unit, congress=None),
        unit_head=make_user(Role.UNIT_HEAD, unit=world.unit, congress=None),
        other_unit_staff=make_user(Role.UNIT_STAFF, unit=world.other_unit, congress=None),
    )


class Drive:
    """Moves suggestions through the lifecycle with the real services, as the right person each time."""

    ORDER = ["draft", "submitted", "accepted", "handling", "signed", "answered", "rated", "closed"]

    def __init__(self, world, cast: Cast):
        self.w, self.c = world, cast

    def draft(self, title="关于改善城关小学周边交通安全的建议", deputy=None, category=None, **kw) -> Suggestion:
        return services.create_draft(
            actor=deputy or self.c.deputy,
            congress=self.w.county,
            title=title,
            content="上下学高峰时段车辆拥堵，学生过街存在安全隐患，建议增设护学岗、减速带和过街天桥。",
            meeting=self.c.meeting,
            category=category or self.c.category,
            **kw,
        )

    def lead_assignment(self, s: Suggestion, unit=None) -> Assignment:
        s = Suggestion.objects.get(pk=s.pk)
        return s.assignments.get(unit=unit or self.w.unit, round=s.round)

    def to(self, state: str, s: Suggestion | None = None, *, unit=None, result_class="A", **kw) -> Suggestion:
        s = s or self.draft(**kw)
        deputy = next(
            u for u in (self.c.deputy, self.c.cosigner, self.c.other_deputy) if u.person_id == s.lead_deputy_id
        )
        unit = unit or self.w.unit
        start = self.ORDER.index(Suggestion.objects.get(pk=s.pk).state)
        for step in self.ORDER[start + 1 : self.ORDER.index(state) + 1]:
            if step == "submitted":
                services.submit(s, actor=deputy)
            elif step == "accepted":
                services.accept(s, actor=self.c.staff)
            elif step == "handling":
                services.assign(s, actor=self.c.staff, lead=unit)
            elif step == "signed":
                services.sign(self.lead_assignment(s, unit), actor=self._unit_user(unit))
            elif step == "answered":
                ans = services.answer(
                    self.lead_assignment(s, unit),
                    actor=self._unit_user(unit),
                    text="已增设护学岗。",
                    result_class=result_class,
                )
                services.approve_answer(ans, actor=self._unit_head(unit))
            elif step == "rated":
                services.rate(s, actor=deputy, value=Rating.Value.SATISFIED)
            elif step == "closed":
                services.close(s, actor=self.c.staff)
        return Suggestion.objects.get(pk=s.pk)

    def _unit_user(self, unit):
        return self.c.unit_staff if unit == self.w.unit else self.c.other_unit_staff

    def _unit_head(self, unit):
        if unit == self.w.unit:
            return self.c.unit_head
        from tests.factories import UserFactory

        return UserFactory(roles=[Role.UNIT_HEAD], unit=unit)

    def sent_answer(self, s: Suggestion) -> Answer:
        return Answer.objects.filter(assignment__suggestion=s, status=Answer.Status.SENT).latest("id")


@pytest.fixture
def drive(world, cast) -> Drive:
    return Drive(world, cast)


@pytest.fixture
def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def _make(name="答复函.pdf"):
        return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")

    return _make
