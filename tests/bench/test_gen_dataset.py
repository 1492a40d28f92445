"""Smoke test of `manage.py gen_dataset` at its tiny scale (the county/city/province sets are for bench/run.py)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from core.management.commands.gen_dataset import SCALES, Generator
from deputies.models import Person, Seat
from duties.models import DutyRecord
from organization.models import Congress
from stations.models import Message, Reception, Station
from suggestions.models import Assignment, Suggestion
from tests import factories as f
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(db):
    call_command("gen_dataset", scale="tiny", years=2, seed=7, stdout=io.StringIO())


def test_a_tiny_data_set_holds_every_suggestion_state_and_the_other_records(tiny):
    states = set(Suggestion.objects.values_list("state", flat=True))
    assert states == {value for value, _ in Suggestion.State.choices}
    # 12 county deputies and 8 in each of 2 townships, each with a current seat.
    assert Person.objects.count() == 12 + 2 * 8
    assert Seat.objects.count() == 28
    assert Suggestion.objects.count() == 2 * 20
    handled = Suggestion.objects.filter(state__in=["handling", "answered", "rated", "closed"])
    assert not handled.filter(assignments__isnull=True).exists()
    assert Assignment.objects.filter(state="answered").exists()
    assert Station.objects.count() == 2 * 2
    assert Reception.objects.exists() and Message.objects.exists()
    assert Enrolment.objects.exists()
    assert DutyRecord.objects.count() == 28 * 2 * 2
    assert User.objects.get(username="bench-admin").display_name == "gen:tiny:2:7:2"


def test_names_are_chinese_and_the_same_seed_draws_the_same_names(tiny):
    names = list(Person.objects.values_list("name", flat=True))
    assert all("\u4e00" <= ch <= "\u9fff" for name in names for ch in name)
    same = [Generator(SCALES["tiny"], 7, 2, None, print) for _ in range(2)]
    other = Generator(SCALES["tiny"], 8, 2, None, print)
    drawn = [[g.name() for _ in range(50)] for g in (*same, other)]
    assert drawn[0] == drawn[1] != drawn[2]


def test_it_refuses_a_database_that_holds_other_data():
    f.CongressFactory(name="真实的县人民代表大会")
    with pytest.raises(CommandError, match="非生成的数据"):
        call_command("gen_dataset", scale="tiny", years=1)
    assert Congress.objects.count() == 1


def test_it_refuses_to_add_a_second_data_set_without_force(tiny):
    with pytest.raises(CommandError, match="已有生成的数据集"):
        call_command("gen_dataset", scale="tiny", years=1)
