"""The deputy list: search by name or pinyin initials, filters, masking, and a query count that does not grow."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def listed(client, **params) -> list[str]:
    response = client.get(reverse("deputies:list"), params)
    assert response.status_code == 200
    return [row["person"].name for row in response.context["rows"]]


def test_pinyin_initials_find_a_deputy_as_offices_type_them(roster, make_user, login):
    f.SeatFactory(person=f.PersonFactory(name="张伟明"), term=roster.county_deputy.seats.get().term)
    client = login(make_user("staff"))
    assert listed(client, q="zw") == ["张伟", "张伟明"]
    assert listed(client, q="ZWM") == ["张伟明"]
    assert listed(client, q="伟") == ["张伟", "张伟明"]
    assert listed(client, q="ln") == ["李娜"]


def test_filters_by_level_township_group_status_party_and_composition(roster, world, make_user, login):
    client = login(make_user("staff"))
    roster.town_b_deputy.composition = "farmer"
    roster.town_b_deputy.party = "群众"
    roster.town_b_deputy.save()
    assert listed(client, level="county") == ["张伟"]
    assert sorted(listed(client, level="township")) == ["李娜", "王芳"]
    assert sorted(listed(client, township=world.area_a.pk)) == ["张伟", "李娜"]
    assert listed(client, group=roster.town_b_group.pk) == ["王芳"]
    assert listed(client, composition="farmer") == ["王芳"]
    assert listed(client, party="群众") == ["王芳"]
    assert listed(client, status="resigned") == []


def test_the_status_filter_applies_to_the_seat_at_the_filtered_level(roster, world, make_user, login):
    seat = roster.town_a_deputy.seats.get()
    seat.status, seat.end = "resigned", dt.date(2024, 1, 1)
    seat.save()
    f.SeatFactory(person=roster.town_a_deputy, term=world.term)  # still an active county deputy
    client = login(make_user("staff"))
    assert listed(client, level="township", status="resigned") == ["李娜"]
    assert listed(client, level="county", status="resigned") == []


def test_roles_without_personal_data_see_phone_and_party_masked_and_cannot_filter_by_party(roster, make_user, login):
    client = login(make_user("leader"))
    response = client.get(reverse("deputies:list"), {"q": "zw", "party": "群众"})
    html = response.content.decode()
    assert "138****1234" in html and "13812341234" not in html
    assert "中共党员" not in html and "***" in html
    assert "party" not in response.context["form"].fields
    # The party parameter is ignored rather than revealing who is in which party.
    assert [r["person"].name for r in response.context["rows"]] == ["张伟"]


def test_the_office_sees_phone_numbers_in_full(roster, make_user, login):
    html = login(make_user("staff")).get(reverse("deputies:list"), {"q": "zw"}).content.decode()
    assert "13812341234" in html and "中共党员" in html


def test_the_list_shows_levels_and_groups_of_each_deputy(roster, world, make_user, login):
    f.SeatFactory(person=roster.county_deputy, term=world.town_a_term)
    response = login(make_user("staff")).get(reverse("deputies:list"), {"q": "zw"})
    (row,) = response.context["rows"]
    assert row["levels"] == ["县", "乡镇"]
    assert row["groups"] == ["城关代表小组"]


def make_deputies(world, count):
    groups = [f.GroupFactory(congress=world.county) for _ in range(3)]
    for n in range(count):
        person = f.PersonFactory(township=world.area_a if n % 2 else world.area_b)
        f.SeatFactory(person=person, term=world.term)
        f.SeatFactory(person=person, term=world.town_a_term)
        f.MembershipFactory(group=groups[n % 3], person=person)
        f.MembershipFactory(group=groups[(n + 1) % 3], person=person)


# The per-request shell every page pays whatever it shows: the session read and save (in a savepoint), the user,
# and the navigation's unread count. What is left is the list's own work.
SHELL = re.compile(r'django_session|^SAVEPOINT|^RELEASE SAVEPOINT|FROM "accounts_user" WHERE|core_notification')


def list_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("deputies:list"), params)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 20
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("params", [{}, {"q": "代表", "level": "county", "status": "active"}])
def test_the_list_query_count_does_not_grow_with_rows(params, world, make_user, login, django_assert_num_queries):
    client = login(make_user("staff"))
    make_deputies(world, 20)
    at_20 = list_queries(client, params)
    own = [q for q in at_20 if not SHELL.search(q)]
    assert len(own) <= 8, own
    make_deputies(world, 180)
    with django_assert_num_queries(len(at_20)):
        client.get(reverse("deputies:list"), params)
    with django_assert_num_queries(len(at_20)):
        client.get(reverse("deputies:list"), {**params, "page": 5})
