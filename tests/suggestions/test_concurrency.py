"""Safe under concurrency: real threads, each with its own database connection."""

import threading

import pytest
from django.db import connection

from core.exceptions import IllegalTransition
from suggestions import services
from suggestions.models import Answer, Suggestion


def run_together(*calls):
    """Run the callables at once (released by a barrier); return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_number_without_gaps_or_duplicates(flow, people, make_user):
    from accounts.models import Role

    staff = [people.staff, make_user(Role.STAFF), make_user(Role.STAFF)]
    items = [flow.to("submitted", title=f"第{i}件建议") for i in range(9)]
    recess = [flow.to("submitted", title=f"闭会第{i}件", meeting=None) for i in range(4)]
    calls = [(lambda s=s, u=staff[i % 3]: services.accept(s, actor=u)) for i, s in enumerate([*items, *recess])]
    results = run_together(*calls)
    assert not [r for r in results if isinstance(r, Exception)]
    numbers = sorted(Suggestion.objects.filter(pk__in=[s.pk for s in items]).values_list("number", flat=True))
    assert numbers == list(range(1, 10))
    recess_numbers = Suggestion.objects.filter(pk__in=[s.pk for s in recess]).values_list("number", "year")
    assert sorted(recess_numbers) == [(n, recess_numbers[0][1]) for n in range(1, 5)]


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_answers_exactly_one_wins(flow, people):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    results = run_together(
        lambda: services.answer(asg, actor=people.unit_staff, text="答复一", result_class="A"),
        lambda: services.answer(asg, actor=people.unit_head, text="答复二", result_class="B"),
    )
    winners = [r for r in results if isinstance(r, Answer)]
    losers = [r for r in results if isinstance(r, IllegalTransition)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "不能重复答复" in str(losers[0])
    assert Answer.objects.filter(assignment=asg).count() == 1


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_answers_through_the_api_one_gets_409(flow, people, api):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    clients = [api(people.unit_staff), api(people.unit_head)]
    results = run_together(
        *[
            (
                lambda c=c, t=t: (
                    c.post(
                        f"/api/v1/suggestions/{s.pk}/answer/",
                        {"assignment": asg.pk, "text": t, "result_class": "A"},
                        format="json",
                    ).status_code
                )
            )
            for c, t in zip(clients, ["甲", "乙"], strict=True)
        ]
    )
    assert sorted(results) == [200, 409]
    assert Answer.objects.filter(assignment=asg).count() == 1
