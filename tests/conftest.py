"""Shared fixtures: a small county with two townships, and one user per role."""

from dataclasses import dataclass

import pytest
from django.dispatch import receiver
from django.test.signals import setting_changed

from organization.models import Area, Congress

from . import factories as f


@receiver(setting_changed)
def _celery_follows_the_broker_setting(setting, **kwargs):
    """A test that points CELERY_BROKER_URL elsewhere (a closed port: Redis down) must not leave Celery's connection
    and producer pools bound to it: publishing in every later test would fail after its retries (and take seconds
    each). pytest-django's `settings` fixture sends setting_changed on the change and on the restore."""
    if setting.startswith("CELERY_BROKER"):
        import kombu.pools

        from renda.celery import app

        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None


PASSWORD = "Pass-word-123"


@dataclass
class World:
    county: Congress
    town_a: Congress
    town_b: Congress
    area_a: Area
    area_b: Area
    term: object
    town_a_term: object
    unit: object
    other_unit: object
    committee: object


@pytest.fixture
def world(db) -> World:
    county_area = f.AreaFactory(name="测试县", level=Area.Level.COUNTY)
    area_a = f.AreaFactory(name="城关镇", level=Area.Level.TOWNSHIP, parent=county_area)
    area_b = f.AreaFactory(name="河西镇", level=Area.Level.TOWNSHIP, parent=county_area)
    county = f.CongressFactory(name="测试县人民代表大会", short_name="县人大", area=county_area)
    town_a = f.CongressFactory(name="城关镇人民代表大会", level=Congress.Level.TOWNSHIP, area=area_a, parent=county)
    town_b = f.CongressFactory(name="河西镇人民代表大会", level=Congress.Level.TOWNSHIP, area=area_b, parent=county)
    term = f.TermFactory(congress=county)
    town_a_term = f.TermFactory(congress=town_a)
    return World(
        county=county,
        town_a=town_a,
        town_b=town_b,
        area_a=area_a,
        area_b=area_b,
        term=term,
        town_a_term=town_a_term,
        unit=f.UnitFactory(congress=county, name="县教育局"),
        other_unit=f.UnitFactory(congress=county, name="县交通运输局"),
        committee=f.CommitteeFactory(congress=county, name="教科文卫委员会"),
    )


@pytest.fixture
def make_user(world):
    """make_user("staff") → a user with that role in the county's office (or the given congress/unit/person)."""

    def _make(*roles, **kwargs):
        kwargs.setdefault("congress", world.county)
        return f.UserFactory(roles=list(roles), **kwargs)

    return _make


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
