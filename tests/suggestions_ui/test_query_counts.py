"""List pages read their rows in a constant number of queries: the same at 20 and at 200 items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suggestions.models import Assignment, CoSigner, Rating, Suggestion, Supervision


def add_items(world, cast, n: int, *, start: int = 0) -> None:
    """`n` items in varied states, each assigned to world.unit (lead) and other_unit (co), every third key."""
    now = timezone.now()
    today = timezone.localdate()
    states = [Suggestion.State.HANDLING, Suggestion.State.ANSWERED, Suggestion.State.RATED, Suggestion.State.SUBMITTED]
    items = Suggestion.objects.bulk_create(
        [
            Suggestion(
                congress=world.county,
                meeting=cast.meeting,
                year=2026,
                number=start + i + 1,
                title=f"批量建议{start + i + 1}",
                content="内容",
                category=cast.category,
                committee=world.committee,
                lead_deputy_id=cast.deputy.person_id,
                state=states[i % len(states)],
                is_key=i % 3 == 0,
                key_leader=cast.leader_member if i % 3 == 0 else None,
                follow_up_open=i % 2 == 0,
                submitted_at=now,
                answered_at=now,
            )
            for i in range(n)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=s,
                unit=unit,
                role=role,
                state=Assignment.State.HANDLING,
                assigned_at=now,
                due_date=today + dt.timedelta(days=(s.number % 40) - 10),
            )
            for s in items
            for unit, role in ((world.unit, Assignment.Role.LEAD), (world.other_unit, Assignment.Role.CO))
        ]
    )
    CoSigner.objects.bulk_create([CoSigner(suggestion=s, person_id=cast.cosigner.person_id) for s in items])
    Supervision.objects.bulk_create(
        [Supervision(suggestion=s, kind="meeting", date=today, notes="督办会议") for s in items if s.is_key]
    )
    Rating.objects.bulk_create(
        [Rating(suggestion=s, round=1, value="satisfied") for s in items if s.state == Suggestion.State.RATED]
    )


PAGES = [
    ("staff", "suggestions:list", {}),
    ("staff", "suggestions:list", {"overdue": "on", "unit": "UNIT", "key": "1", "q": "建议"}),
    ("committee", "suggestions:list", {}),
    ("staff", "suggestions:review", {}),
    ("staff", "suggestions:survey", {}),
    ("staff", "suggestions:follow_up", {}),
    ("staff", "suggestions:requests", {}),
    ("leader", "suggestions:key", {}),
    ("unit_head", "suggestions:todo", {}),
    ("deputy", "suggestions:mine", {}),
]


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("who", "name", "params"), PAGES)
def test_a_list_page_costs_the_same_queries_at_20_and_200_items(world, cast, client, who, name, params):
    params = {k: (world.unit.pk if v == "UNIT" else v) for k, v in params.items()}
    client.force_login(getattr(cast, who))
    url = reverse(name)
    add_items(world, cast, 20)
    count_queries(client, url, params)  # warm the session and caches
    at_20 = count_queries(client, url, params)
    add_items(world, cast, 180, start=20)
    at_200 = count_queries(client, url, params)
    assert at_20 == at_200


def test_the_staff_list_page_stays_within_its_query_budget(world, cast, client, django_assert_max_num_queries):
    """The page's own work (filter choices, count, rows) is 3 queries; the rest is the session, the user, the roles,
    the congress scope, navigation and notifications every page pays."""
    add_items(world, cast, 60)
    client.force_login(cast.staff)
    client.get(reverse("suggestions:list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("suggestions:list"), {"page": 2})
    assert "批量建议" in response.content.decode()
