"""The API lists cost the same number of queries at 20 and at 200 suggestions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from suggestions.models import Assignment, Rating, Suggestion


def make_items(world, people, n: int) -> None:
    """n suggestions in various states, each assigned to world.unit (lead) and other_unit (co), some rated."""
    now = timezone.now()
    start = Suggestion.objects.count()
    states = [Suggestion.State.HANDLING, Suggestion.State.ANSWERED, Suggestion.State.RATED]
    items = Suggestion.objects.bulk_create(
        Suggestion(
            congress=world.county,
            meeting=people.meeting,
            year=2026,
            number=start + i + 1,
            title=f"建议{i}",
            content="内容",
            category=people.category,
            committee=world.committee,
            lead_deputy=(people.deputy if i % 2 else people.cosigner).person,
            state=states[i % 3],
            is_key=i % 7 == 0,
        )
        for i in range(n)
    )
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=s,
            unit=unit,
            role=role,
            assigned_at=now,
            due_date=dt.date(2026, 1, 1) + dt.timedelta(days=i % 400),
        )
        for i, s in enumerate(items)
        for unit, role in ((world.unit, Assignment.Role.LEAD), (world.other_unit, Assignment.Role.CO))
    )
    Rating.objects.bulk_create(
        Rating(suggestion=s, round=1, value=Rating.Value.SATISFIED) for s in items if s.state == Suggestion.State.RATED
    )


def count(api, user, url: str) -> tuple[int, int]:
    client = api(User.objects.get(pk=user.pk))  # a fresh user: roles and scope read in this request
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()["count"]


URLS = [
    "/api/v1/suggestions/?page_size=200",
    "/api/v1/suggestions/?page_size=200&overdue=true&search=建议",
    "/api/v1/assignments/?page_size=200",
]


@pytest.mark.parametrize("who", ["staff", "unit_staff", "committee", "deputy", "leader"])
@pytest.mark.parametrize("url", URLS)
def test_list_query_counts_do_not_grow_with_rows(world, people, api, who, url):
    user = getattr(people, who)
    make_items(world, people, 20)
    small, small_rows = count(api, user, url)
    make_items(world, people, 180)
    large, large_rows = count(api, user, url)
    assert large_rows > small_rows > 0 or (large_rows == small_rows == 0 and "assignments" in url)
    assert small == large
    assert large <= 8
