"""Every main staff list page, the whole request included (session, user, roles, scope, the bell), costs at most
8 queries, the same with 20 or 60 rows. The apps' own tests check 20 against 200 rows in detail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from duties.services import record_duty
from suggestions.models import Suggestion
from tests import factories as f

PAGES = [
    "/deputies/",
    "/deputies/groups/",
    "/suggestions/",
    "/training/",
    "/organization/units/",
    "/duties/",
    "/stations/",
    "/notifications/",
]
BUDGET = 8


def _populate(world, n):
    for i in range(n):
        person = f.PersonFactory(township=world.area_a)
        f.SeatFactory(person=person, term=world.term, congress=world.county)
        f.MembershipFactory(group=f.GroupFactory(congress=world.county, area=world.area_a), person=person)
        f.UnitFactory(congress=world.county)
        Suggestion.objects.create(
            congress=world.county,
            title=f"建议{i}",
            content="内容",
            lead_deputy=person,
            state=Suggestion.State.SUBMITTED,
        )
        record_duty(person=person, type_code="proposal", date=world.term.start, title="提出建议", source=f"t:{i}")


def _count(client, url):
    client.get(url)  # warm: first-request work (e.g. content types) is not the page's
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_main_list_pages_stay_within_the_query_budget_whatever_the_rows(world, make_user, client):
    client.force_login(make_user(Role.STAFF))
    _populate(world, 20)
    small = {url: _count(client, url) for url in PAGES}
    _populate(world, 40)
    large = {url: _count(client, url) for url in PAGES}
    assert large == small
    assert {url: n for url, n in large.items() if n > BUDGET} == {}
