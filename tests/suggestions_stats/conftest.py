"""Suggestions built directly as rows (not through the workflow services), in the states the statistics, reminders
and public pages read."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
import pytest
from factory.django import DjangoModelFactory

from suggestions.models import Answer, Assignment, Category, Contact, HandlingRequest, Rating, Suggestion
from tests import factories as f

SH = ZoneInfo("Asia/Shanghai")
S = Suggestion.State


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SH)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    congress = factory.SubFactory(f.CongressFactory)
    name = factory.Sequence(lambda n: f"分类{n}")


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    congress = factory.SubFactory(f.CongressFactory)
    title = factory.Sequence(lambda n: f"关于改善第{n}项民生事项的建议")
    content = "建议有关部门加大投入，切实解决群众反映的问题。"
    lead_deputy = factory.SubFactory(f.PersonFactory)
    state = S.DRAFT


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    suggestion = factory.SubFactory(SuggestionFactory)
    unit = factory.SubFactory(f.UnitFactory)
    role = Assignment.Role.LEAD
    state = Assignment.State.HANDLING
    assigned_at = factory.LazyFunction(lambda: at(dt.date(2026, 3, 2)))
    due_date = dt.date(2026, 6, 2)


@pytest.fixture
def meeting(world):
    return f.MeetingFactory(term=world.term, number=5, start=dt.date(2026, 1, 10), end=dt.date(2026, 1, 13))


@pytest.fixture
def build(world, meeting):
    """build(state, ...) → a suggestion of the county raised at the 2026 meeting, assigned on 2026-03-02 to
    world.unit (lead, due 2026-06-02), with the answer, contact and ratings asked for."""
    counter = iter(range(1, 100000))

    def _build(
        state=S.HANDLING,
        *,
        unit=None,
        role=Assignment.Role.LEAD,
        meeting=meeting,
        assigned_on=dt.date(2026, 3, 2),
        due=dt.date(2026, 6, 2),
        answered_on=None,
        result_class="A",
        contact=False,
        ratings=(),
        round=1,
        co_unit=None,
        **fields,
    ):
        number = next(counter)
        sug = SuggestionFactory(
            congress=world.county,
            meeting=meeting,
            year=(meeting.start.year if meeting else assigned_on.year),
            number=number,
            state=state,
            round=round,
            accepted_at=at(assigned_on) - dt.timedelta(days=3),
            assigned_at=at(assigned_on),
            answered_at=at(answered_on) if answered_on else None,
            closed_at=at(answered_on + dt.timedelta(days=30)) if state == S.CLOSED and answered_on else None,
            **fields,
        )
        asg = AssignmentFactory(
            suggestion=sug,
            unit=unit or world.unit,
            role=role,
            state=Assignment.State.ANSWERED if answered_on else Assignment.State.HANDLING,
            assigned_at=at(assigned_on),
            due_date=due,
            signed_at=at(assigned_on) + dt.timedelta(days=1),
            answered_at=at(answered_on) if answered_on else None,
            round=round,
        )
        if co_unit is not None:
            AssignmentFactory(
                suggestion=sug,
                unit=co_unit,
                role=Assignment.Role.CO,
                assigned_at=at(assigned_on),
                due_date=due,
                opinion_due=dt.date(assigned_on.year, assigned_on.month + 1, assigned_on.day),
            )
        if answered_on:
            Answer.objects.create(
                assignment=asg,
                round=1,
                text="经研究，已将该事项列入今年重点工作，现答复如下……",
                result_class=result_class,
                status=Answer.Status.SENT,
                approved_at=at(answered_on),
            )
        if contact:
            Contact.objects.create(
                assignment=asg,
                date=assigned_on + dt.timedelta(days=10),
                form=Contact.Form.MEETING,
                participants="承办单位负责人、领衔代表",
            )
        for spec in ratings:
            # "satisfied", or (value, source), or (value, source, round)
            value, source, rnd = {1: (spec, "deputy", 1), 2: (*spec, 1), 3: spec}[
                1 if isinstance(spec, str) else len(spec)
            ]
            Rating.objects.create(suggestion=sug, round=rnd, value=value, source=source)
        return sug

    return _build


@pytest.fixture
def request_factory_row():
    def _make(assignment, kind=HandlingRequest.Kind.EXTENSION):
        return HandlingRequest.objects.create(assignment=assignment, kind=kind, reason="情况复杂，需协调多个部门")

    return _make
