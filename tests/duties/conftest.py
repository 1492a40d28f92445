"""Fixtures for the duty archive: two groups of county deputies, each with a liaison login, and deputies who log in."""

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # The test settings run with DEBUG off, whose manifest storage needs collectstatic; pages here need plain URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Duties:
    alice: object  # deputy in group 1, with a login
    bob: object  # deputy in group 2, with a login
    carol: object  # deputy in group 1, without a login
    alice_user: object
    bob_user: object
    group1: object
    group2: object
    liaison1: object
    liaison2: object
    staff: object


@pytest.fixture
def duties(world, make_user):
    def deputy(name, area):
        person = f.PersonFactory(name=name, township=area)
        f.SeatFactory(person=person, term=world.term, start=dt.date(2021, 10, 1))
        return person

    alice, bob, carol = deputy("艾丽", world.area_a), deputy("鲍勃", world.area_b), deputy("卡罗", world.area_a)
    liaison1, liaison2 = make_user(Role.LIAISON, congress=None), make_user(Role.LIAISON, congress=None)
    group1 = f.GroupFactory(congress=world.county, name="城关代表小组", area=world.area_a, liaison_user=liaison1)
    group2 = f.GroupFactory(congress=world.county, name="河西代表小组", area=world.area_b, liaison_user=liaison2)
    f.MembershipFactory(group=group1, person=alice)
    f.MembershipFactory(group=group1, person=carol)
    f.MembershipFactory(group=group2, person=bob)
    return Duties(
        alice=alice,
        bob=bob,
        carol=carol,
        alice_user=make_user(Role.DEPUTY, person=alice, phone="13900000001"),
        bob_user=make_user(Role.DEPUTY, person=bob, phone="13900000002"),
        group1=group1,
        group2=group2,
        liaison1=liaison1,
        liaison2=liaison2,
        staff=make_user(Role.STAFF),
    )
