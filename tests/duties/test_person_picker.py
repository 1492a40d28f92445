"""The deputy picker on the staff forms that record for a deputy (代为记录履职 /duties/records/new/, 记录述职
/duties/voter-reports/new/; issue 9): the pages never list the whole scope (180,000 deputies in a province), so their
size and query count do not grow with it; the search finds deputies by name or pinyin initials within the scope, at
most PICKER_LIMIT of them; the posted id is checked against the scope; the lookup has the form's gate."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from deputies.picker import PICKER_LIMIT
from duties.models import DutyRecord, DutyType, VoterReport
from tests import factories as f

FORMS = ["duties:record_create", "duties:voter_report_new"]


def radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="person" value="(\d+)"', html)


@pytest.fixture
def deputy(world):
    def _make(name, congress=None, township=None):
        congress = congress or world.county
        person = f.PersonFactory(name=name, township=township or world.area_a)
        term = congress.terms.order_by("-number").first() or f.TermFactory(congress=congress)
        f.SeatFactory(person=person, term=term, congress=congress, start=dt.date(2021, 10, 1))
        return person

    return _make


@pytest.mark.parametrize("name", FORMS)
def test_page_size_and_queries_do_not_grow_with_the_scope(client, make_user, deputy, name):
    client.force_login(make_user(Role.STAFF))
    url = reverse(name)
    for i in range(PICKER_LIMIT + 5):
        deputy(f"代表甲{i:04d}")
    client.get(url, {"deputy_q": "代表甲"})  # warm caches
    with CaptureQueriesContext(connection) as small:
        first = client.get(url, {"deputy_q": "代表甲"})
        plain1 = client.get(url)
    for i in range(PICKER_LIMIT + 5, 4 * PICKER_LIMIT):
        deputy(f"代表甲{i:04d}")
    with CaptureQueriesContext(connection) as big:
        second = client.get(url, {"deputy_q": "代表甲"})
        plain2 = client.get(url)
    assert first.status_code == second.status_code == plain1.status_code == plain2.status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    html1, html2 = first.content.decode(), second.content.decode()
    assert len(radios(html1)) == len(radios(html2)) == PICKER_LIMIT
    assert "只列出前 20 人" in html2
    assert html2.count("<option") == html1.count("<option")
    assert abs(len(html2) - len(html1)) < 200
    assert len(plain1.content) == len(plain2.content)
    assert radios(plain2.content.decode()) == []  # an office finds by name: nothing listed before a search
    assert '<label for="id_deputy_q">查找代表</label>' in plain2.content.decode()


def test_search_by_name_and_initials_within_scope(client, make_user, world, deputy):
    wang = deputy("王建国", world.town_a)
    wang2 = deputy("王建民", world.county, township=world.area_a)  # a county deputy living in town A
    outsider = deputy("王建设", world.town_b, township=world.area_b)
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    lookup = reverse("duties:person_lookup")
    found = radios(client.get(lookup, {"deputy_q": "王建"}).content.decode())
    assert sorted(found) == sorted([str(wang.pk), str(wang2.pk)])
    assert radios(client.get(lookup, {"deputy_q": "wjg"}).content.decode()) == [str(wang.pk)]
    assert radios(client.get(lookup, {"deputy_q": "WJ"}).content.decode()) == [str(wang.pk), str(wang2.pk)]
    assert radios(client.get(lookup, {"deputy_q": outsider.name}).content.decode()) == []
    # Without JavaScript the page itself answers ?deputy_q=.
    page = client.get(reverse("duties:record_create"), {"deputy_q": "王建国"}).content.decode()
    assert radios(page) == [str(wang.pk)]


def test_a_liaison_is_offered_their_groups_members_only(client, duties):
    client.force_login(duties.liaison1)
    lookup = reverse("duties:person_lookup")
    offered = radios(client.get(lookup).content.decode())
    assert sorted(offered) == sorted([str(duties.alice.pk), str(duties.carol.pk)])
    assert radios(client.get(lookup, {"deputy_q": duties.bob.name}).content.decode()) == []
    page = client.get(reverse("duties:record_create")).content.decode()
    assert sorted(radios(page)) == sorted(offered)


def test_the_posted_deputy_is_checked_against_the_scope(client, make_user, world, deputy):
    local = deputy("李本镇", world.town_a)
    outsider = deputy("李外镇", world.town_b, township=world.area_b)
    client.force_login(make_user(Role.TOWN_STAFF, congress=world.town_a))
    url = reverse("duties:record_create")
    data = {"type": DutyType.objects.get(code="voter_contact").pk, "date": "2025-05-06", "title": "走访选民"}
    refused = client.post(url, {**data, "person": outsider.pk}).content.decode()
    assert "所选代表不在您可以代为记录的范围内" in refused
    assert outsider.name not in refused
    assert "请先查找并选择一名代表" in client.post(url, data).content.decode()
    assert not DutyRecord.objects.exists()
    # A form sent back with errors keeps the chosen deputy checked.
    again = client.post(url, {**data, "title": "", "person": local.pk}).content.decode()
    assert re.search(rf'value="{local.pk}" required checked', again)
    assert client.post(url, {**data, "person": local.pk}).status_code == 302
    assert DutyRecord.objects.get().person == local

    report = {"date": "2025-05-06", "place": "村委会", "voters_present": 30, "satisfied": 20,
              "basically_satisfied": 8, "unsatisfied": 2}  # fmt: skip
    response = client.post(reverse("duties:voter_report_new"), {**report, "person": outsider.pk})
    assert "所选代表不在您可以代为记录的范围内" in response.content.decode()
    assert not VoterReport.objects.exists()


def test_the_edit_page_names_the_deputy_without_a_select(client, duties):
    from duties import services

    record = services.log_duty(
        actor=duties.staff,
        person=duties.alice,
        data={"type": DutyType.objects.get(code="voter_contact"), "date": dt.date(2025, 5, 6), "title": "走访"},
    )
    client.force_login(duties.staff)
    html = client.get(reverse("duties:record_edit", args=[record.pk])).content.decode()
    assert "代表：<strong>艾丽</strong>" in html
    assert '<select name="person"' not in html and radios(html) == []


def test_lookup_is_gated_like_recording(client, make_user, duties):
    lookup = reverse("duties:person_lookup")
    for user in (make_user(Role.LEADER), duties.alice_user):
        client.force_login(user)
        assert client.get(lookup, {"deputy_q": "艾"}).status_code == 403
        assert client.get(reverse("duties:record_create")).status_code == 403
        # 记录述职 asks the same rule as the API's voter reports (a leader reads them but records none).
        assert client.get(reverse("duties:voter_report_new")).status_code == 403
