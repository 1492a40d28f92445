"""The demo suggestions: every state, work on each demo login's screen, consistent numbers, run twice safely."""

import io

import pytest

from accounts.models import User
from core import demo as county_demo
from suggestions import demo, stats
from suggestions.models import NumberSequence, Suggestion, Transition
from suggestions.permissions import visible_assignments, visible_suggestions


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    county_demo.seed(out)
    assert demo.seed(out) is True
    return out.getvalue()


def test_the_demo_year_has_every_state_with_its_timeline(seeded):
    states = set(Suggestion.objects.values_list("state", flat=True))
    assert states == set(Suggestion.State.values)
    # Every item has at least its first step on the timeline.
    assert not Suggestion.objects.exclude(pk__in=Transition.objects.values("suggestion_id")).exists()
    assert Suggestion.objects.filter(is_key=True, supervisions__isnull=False).exists()
    assert Suggestion.objects.filter(published_at__isnull=False, disclose=True).exists()
    assert Suggestion.objects.filter(round=2).exists()


def test_each_demo_login_has_items(seeded):
    for username in ("deputy", "unit", "unithead", "committee", "leader", "staff"):
        user = User.objects.get(username=username)
        assert visible_suggestions(user).exists(), username
    unit = User.objects.get(username="unit")
    assert visible_assignments(unit).filter(state="pending_sign").exists()
    assert visible_assignments(unit).filter(requests__status="pending").exists()
    leader = User.objects.get(username="leader")
    assert Suggestion.objects.filter(is_key=True, key_leader__user=leader).exists()


def test_numbers_continue_from_the_demo_sequence(seeded):
    for seq in NumberSequence.objects.all():
        numbers = Suggestion.objects.filter(congress=seq.congress, meeting=seq.meeting, number__isnull=False)
        if seq.meeting is None:
            numbers = numbers.filter(year=seq.year)
        assert max(numbers.values_list("number", flat=True)) == seq.last


def test_the_demo_statistics_are_plausible(seeded):
    staff = User.objects.get(username="staff")
    year = Suggestion.objects.filter(meeting__isnull=False).values_list("meeting__start__year", flat=True).first()
    figures = {f["code"]: f for f in stats.compute(stats.scope_for(staff), year).total.figures}
    assert figures["answer_rate"]["denominator"] > 50
    assert 80 <= figures["first_positive_rate"]["rate"] < 100


def test_seeding_twice_changes_nothing(seeded):
    count = Suggestion.objects.count()
    assert demo.seed(io.StringIO()) is False
    assert Suggestion.objects.count() == count
