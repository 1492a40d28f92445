"""Fixtures for engagement: county deputies in two townships and two groups, some with a login, a township deputy,
an office staff login and a department login for each of two units."""

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
class Eng:
    alice: object  # county deputy, 城关镇, group 1, with a login
    bob: object  # county deputy, 河西镇, group 2, with a login
    carol: object  # county deputy, 城关镇, group 1, no login
    dave: object  # township (城关镇) deputy only
    alice_user: object
    bob_user: object
    group1: object
    group2: object
    staff: object
    unit_user: object
    other_unit_user: object


@pytest.fixture
def eng(world, make_user):
    def deputy(name, area, congress, term):
        person = f.PersonFactory(name=name, township=area)
        f.SeatFactory(person=person, congress=congress, term=term)
        return person

    alice = deputy("安丽", world.area_a, world.county, world.term)
    bob = deputy("鲍博", world.area_b, world.county, world.term)
    carol = deputy("蔡可", world.area_a, world.county, world.term)
    dave = deputy("戴维", world.area_a, world.town_a, world.town_a_term)
    group1 = f.GroupFactory(congress=world.county, name="城关代表小组", area=world.area_a, convener=alice)
    group2 = f.GroupFactory(congress=world.county, name="河西代表小组", area=world.area_b)
    f.MembershipFactory(group=group1, person=alice)
    f.MembershipFactory(group=group1, person=carol)
    f.MembershipFactory(group=group2, person=bob)
    return Eng(
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        alice_user=make_user(Role.DEPUTY, person=alice),
        bob_user=make_user(Role.DEPUTY, person=bob),
        group1=group1,
        group2=group2,
        staff=make_user(Role.STAFF),
        unit_user=make_user(Role.UNIT_STAFF, unit=world.unit),
        other_unit_user=make_user(Role.UNIT_STAFF, unit=world.other_unit),
    )
