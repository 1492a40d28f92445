"""The station page's deputy picker (issue 9, B1): the page never lists the whole roster (180,000 deputies in a
province), so its size and query count do not grow with the number of deputies; the search finds deputies by name or
pinyin initials within the user's scope, at most PICKER_LIMIT of them; adding checks the posted id against the
scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from deputies.picker import PICKER_LIMIT
from stations.models import StationDeputy
from tests import factories as f


def radios(html: str) -> list[str]:
    """The person ids offered by the picker's radio buttons."""
    return re.findall(r'<input type="radio" name="person" value="(\d+)"', html)


@pytest.fixture
def township_deputies(make_deputy, world):
    """make(n) → n deputies of town A living in its township, with same-length names (代表甲0001 …)."""
    made = []

    def _make(n):
        start = len(made)
        for i in range(start, start + n):
            made.append(make_deputy(world.town_a, user=False, name=f"代表甲{i:04d}", township=world.area_a))
        return made

    return _make


def test_station_page_size_and_queries_do_not_grow_with_the_roster(login, staff, make_station, township_deputies):
    station = make_station(deputies=2)
    client = login(staff)
    url = reverse("stations:detail", args=[station.pk])
    township_deputies(PICKER_LIMIT + 5)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    township_deputies(3 * PICKER_LIMIT)
    with CaptureQueriesContext(connection) as big:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    html1, html2 = first.content.decode(), second.content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)
    # The same bounded list both times: PICKER_LIMIT choices and the note that there are more, never an <option>
    # per deputy.
    assert len(radios(html1)) == len(radios(html2)) == PICKER_LIMIT
    assert "只列出前 20 人" in html2
    assert html2.count("<option") == html1.count("<option")
    assert abs(len(html2) - len(html1)) < 200


def test_search_by_name_and_initials_within_scope(login, town_a_staff, make_station, make_deputy, world):
    station = make_station(deputies=1)
    stationed = station.memberships.get().person
    wang = make_deputy(world.town_a, user=False, name="王建国")
    wang2 = make_deputy(world.county, user=False, name="王建民", township=world.area_a)  # a county deputy living here
    make_deputy(world.town_b, user=False, name="王建设")  # another township's deputy: out of town A's scope
    retired = f.PersonFactory(name="王建业", township=world.area_a)  # no seat at all: cannot be stationed
    client = login(town_a_staff)
    lookup = reverse("stations:deputy_lookup", args=[station.pk])

    found = radios(client.get(lookup, {"deputy_q": "王建"}).content.decode())
    assert sorted(found) == sorted([str(wang.pk), str(wang2.pk)])
    assert radios(client.get(lookup, {"deputy_q": "wjg"}).content.decode()) == [str(wang.pk)]
    assert radios(client.get(lookup, {"deputy_q": "WJ"}).content.decode()) == [str(wang.pk), str(wang2.pk)]
    # Already stationed here: not offered again.
    assert radios(client.get(lookup, {"deputy_q": stationed.name}).content.decode()) == []
    assert str(retired.pk) not in found
    # Without a search, the township's deputies; without JavaScript the page itself answers ?deputy_q=.
    assert radios(client.get(lookup).content.decode()) == [str(wang2.pk)]
    page = client.get(reverse("stations:detail", args=[station.pk]), {"deputy_q": "王建国"}).content.decode()
    assert radios(page) == [str(wang.pk)]
    assert '<label for="id_deputy_q">查找代表</label>' in page


def test_search_is_bounded(login, staff, make_station, township_deputies):
    station = make_station(deputies=0)
    township_deputies(PICKER_LIMIT + 1)
    html = login(staff).get(reverse("stations:deputy_lookup", args=[station.pk]), {"deputy_q": "代表甲"})
    assert len(radios(html.content.decode())) == PICKER_LIMIT
    assert "只列出前 20 人" in html.content.decode()


def test_adding_checks_the_posted_person_against_the_scope(login, town_a_staff, make_station, make_deputy, world):
    station = make_station(deputies=0)
    client = login(town_a_staff)
    add = reverse("stations:add", args=[station.pk, "deputy"])
    outsider = make_deputy(world.town_b, user=False, name="李外镇")
    client.post(add, {"person": outsider.pk, "order": 0})
    assert not StationDeputy.objects.filter(station=station).exists()
    response = client.post(add, {"order": 0}, follow=True)
    assert "请先查找并选择一名代表" in response.content.decode()
    local = make_deputy(world.town_a, user=False, name="李本镇")
    client.post(add, {"person": local.pk, "order": 3})
    member = StationDeputy.objects.get(station=station)
    assert (member.person_id, member.order, member.is_active) == (local.pk, 3, True)


def test_lookup_is_gated_like_adding(login, make_user, town_b_staff, make_station):
    station = make_station(deputies=0)
    lookup = reverse("stations:deputy_lookup", args=[station.pk])
    assert login(town_b_staff).get(lookup, {"deputy_q": "代表"}).status_code == 404
    assert login(make_user(Role.LEADER)).get(lookup, {"deputy_q": "代表"}).status_code == 403
