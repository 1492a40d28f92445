"""Training fixtures: deputies with seats, sessions with days, built directly (the services are what is tested)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from tests import factories as f
from training.models import Enrolment, Kind, TrainingDay, TrainingSession


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The test settings run with DEBUG off, whose manifest storage needs collectstatic; pages here need plain URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def make_deputy(world):
    """make_deputy(congress=world.county, township=world.area_a, user=True) → a Person with an active seat."""

    def _make(congress=None, *, township=None, term=None, user=True, status="active", **person_kwargs):
        congress = congress or world.county
        person = f.PersonFactory(township=township, **person_kwargs)
        if term is None:
            term = congress.terms.order_by("-number").first() or f.TermFactory(congress=congress)
        f.SeatFactory(person=person, term=term, congress=congress, status=status)
        if user:
            f.UserFactory(roles=[Role.DEPUTY], congress=None, person=person, phone=person.phone)
        return person

    return _make


@pytest.fixture
def make_session(world):
    """make_session(dates=[date, ...], congress=..., kind=...) → a TrainingSession with one day per date."""

    def _make(dates=None, *, congress=None, kind=Kind.DUTY, title=None, hours="4", start="09:00", end="12:00", **kw):
        dates = dates or [timezone.localdate()]
        session = TrainingSession.objects.create(
            congress=congress or world.county,
            kind=kind,
            title=title or f"代表履职培训班{TrainingSession.objects.count() + 1}",
            lecturers="张教授",
            planned_hours=Decimal(hours) * len(dates),
            **kw,
        )
        for d in dates:
            TrainingDay.objects.create(
                session=session,
                date=d,
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end),
                place="县人大会议室",
                hours=Decimal(hours),
            )
        return session

    return _make


@pytest.fixture
def enrol():
    def _enrol(session, person, status=Enrolment.Status.INVITED, **kw):
        return Enrolment.objects.create(session=session, person=person, status=status, **kw)

    return _enrol


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)
