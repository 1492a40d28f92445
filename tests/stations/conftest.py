"""Stations fixtures: a township's 代表之家 with stationed deputies (each with a seat and a login), a liaison, and
the staff of the county and of each township."""

import pytest

from accounts.models import Role
from stations.models import Station, StationDeputy
from tests import factories as f


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    # The rate limit counts in the cache: each test starts from an empty one, apart from other engineers' Redis db.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "st"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_deputy(world):
    """make_deputy(congress=world.town_a, user=True) → a Person with an active seat (and a deputy login)."""

    def _make(congress=None, *, user=True, **person_kwargs):
        congress = congress or world.town_a
        person = f.PersonFactory(**person_kwargs)
        term = congress.terms.order_by("-number").first() or f.TermFactory(congress=congress)
        f.SeatFactory(person=person, term=term, congress=congress)
        if user:
            f.UserFactory(roles=[Role.DEPUTY], congress=None, person=person, phone=person.phone)
        return person

    return _make


@pytest.fixture
def make_station(world, make_deputy):
    """make_station(deputies=3, congress=world.town_a) → a 代表之家 on Wednesdays with stationed deputies."""

    def _make(*, deputies=3, congress=None, name=None, weekdays="3", kind=Station.Kind.HOME, area=None, **kw):
        congress = congress or world.town_a
        station = Station.objects.create(
            congress=congress,
            kind=kind,
            name=name or f"{congress}代表之家{Station.objects.count() + 1}",
            area=area if area is not None else congress.area,
            township=congress.area if congress.level == "township" else None,
            address=f"{congress.area.name}人民路1号",
            opening_hours="工作日 8:30–17:30",
            reception_weekdays=weekdays,
            reception_hours="上午 9:00–11:30",
            phone="0839-1234567",
            **kw,
        )
        for i in range(deputies):
            StationDeputy.objects.create(station=station, person=make_deputy(congress), order=i)
        return station

    return _make


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def town_a_staff(make_user, world):
    return make_user(Role.TOWN_STAFF, congress=world.town_a)


@pytest.fixture
def town_b_staff(make_user, world):
    return make_user(Role.TOWN_STAFF, congress=world.town_b)


@pytest.fixture
def make_liaison(make_user):
    def _make(station):
        user = make_user(Role.LIAISON, congress=None)
        station.liaisons.add(user)
        return user

    return _make
