"""What keeps the big lists fast at province scale (issue 9, B1): a paginator that counts at most 1,000 rows, a select
rendered without a template per option (same markup as Django's), and the deputy list's filters bounded when a
province office sees thousands of activity groups."""

import re

import pytest
from django import forms
from django.urls import reverse

from core.pagination import COUNT_LIMIT, BoundedPaginator, fast_selects
from deputies.filters import GROUP_OPTIONS_LIMIT
from deputies.models import ActivityGroup, Person


def persons_in(area, n, prefix="甲"):
    Person.objects.bulk_create(
        Person(name=f"{prefix}{i:04d}", name_initials=f"j{i:04d}", gender="男", township=area) for i in range(n)
    )


def test_the_bounded_paginator_counts_up_to_its_limit(world):
    persons_in(world.area_a, 25)
    qs = Person.objects.order_by("id")
    exact = BoundedPaginator(qs, 5, limit=100)
    assert (exact.count, exact.count_exact, exact.count_label, exact.num_pages) == (25, True, "25", 5)
    capped = BoundedPaginator(qs, 5, limit=10)
    assert (capped.count, capped.count_exact, capped.count_label, capped.num_pages) == (11, False, "10+", 3)
    # The rows of a reachable page are the real ones.
    assert [p.name for p in capped.get_page(3)] == ["甲0010"]
    assert [p.name for p in capped.get_page(2)] == [f"甲{i:04d}" for i in range(5, 10)]


class Filters(forms.Form):
    a = forms.ChoiceField(label="A", choices=[("", "全部"), ("1", "一<&>"), ("2", '二"')], help_text="说明")
    b = forms.TypedChoiceField(label="B", coerce=int, choices=[("", "全部"), (1, "x"), (2, "y")], required=False)


@pytest.mark.parametrize("data", [None, {"a": "2", "b": "1"}, {"a": "<x>"}])
def test_fast_select_renders_what_django_select_renders(data):
    plain, fast = Filters(data), Filters(data)
    fast_selects(fast, "a", "b")
    squash = lambda html: re.sub(r">\s+<", "><", html.strip())  # noqa: E731
    for name in ("a", "b"):
        assert squash(str(fast[name])) == squash(str(plain[name]))
    assert "一&lt;&amp;&gt;" in str(fast["a"]) and "<x>" not in str(fast["a"])


def test_the_deputy_list_says_when_there_are_more_than_it_counts(world, make_user, login):
    persons_in(world.area_a, COUNT_LIMIT + 1)
    html = login(make_user("staff")).get(reverse("deputies:list")).content.decode()
    assert f"共 {COUNT_LIMIT}+ 人" in html
    assert f"第 1 / {COUNT_LIMIT // 20 + 1} 页" in html


def test_the_deputy_list_offers_the_groups_of_the_chosen_township_when_there_are_many(world, make_user, login):
    ActivityGroup.objects.bulk_create(
        ActivityGroup(congress=world.county, name=f"第{i}小组", area=world.area_b) for i in range(GROUP_OPTIONS_LIMIT)
    )
    here = ActivityGroup.objects.create(congress=world.county, name="城关第一小组", area=world.area_a)
    client = login(make_user("staff"))

    def group_options(params):
        html = client.get(reverse("deputies:list"), params).content.decode()
        select = re.search(r'<select name="group".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="(\d*)"', select), html

    options, html = group_options({})
    assert options == [""]  # more than the limit: choose a township first
    assert "先选择所属镇街" in html
    options, _ = group_options({"township": world.area_a.pk})
    assert options == ["", str(here.pk)]
    # A chosen group stays selectable (and filters) even without its township.
    options, _ = group_options({"group": here.pk})
    assert options == ["", str(here.pk)]
    ActivityGroup.objects.filter(area=world.area_b).first().delete()  # back to the limit: every group is listed
    options, _ = group_options({})
    assert len(options) == GROUP_OPTIONS_LIMIT + 1


def test_the_suggestion_list_offers_its_own_congress_units_when_there_are_many(world, make_user, login):
    from organization.models import HandlingUnit
    from suggestions.forms import OPTIONS_LIMIT

    HandlingUnit.objects.bulk_create(
        HandlingUnit(congress=world.town_a, name=f"城关镇第{i}办") for i in range(OPTIONS_LIMIT)
    )
    far = HandlingUnit.objects.filter(congress=world.town_a).first()
    client = login(make_user("staff"))  # the county office reads the township's units too

    def unit_options(params):
        html = client.get(reverse("suggestions:list"), params).content.decode()
        select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
        return set(re.findall(r'<option value="(\d*)"', select)), html

    options, html = unit_options({})
    assert options == {"", str(world.unit.pk), str(world.other_unit.pk)}  # the county's own units
    assert "仅列出本级人大的选项" in html
    options, _ = unit_options({"unit": far.pk})  # a unit chosen elsewhere (a link) stays selectable
    assert options == {"", str(world.unit.pk), str(world.other_unit.pk), str(far.pk)}
    HandlingUnit.objects.filter(congress=world.town_a).exclude(pk=far.pk).delete()  # few units: all of them
    options, html = unit_options({})
    assert options == {"", str(world.unit.pk), str(world.other_unit.pk), str(far.pk)}
    assert "仅列出本级人大的选项" not in html


def test_the_per_row_scope_of_persons_is_the_same_set(world, make_user):
    from accounts.models import Role
    from deputies.permissions import visible_persons
    from tests import factories as f

    county = f.PersonFactory(name="县代表")
    f.SeatFactory(person=county, term=world.term)
    town_a = f.PersonFactory(name="城关代表")
    f.SeatFactory(person=town_a, term=world.town_a_term)
    town_b = f.PersonFactory(name="河西代表", township=world.area_b)
    f.SeatFactory(person=town_b, term=f.TermFactory(congress=world.town_b))
    f.PersonFactory(name="城关居民", township=world.area_a)  # no seat: visible through the township
    f.PersonFactory(name="无关人员")
    users = [
        make_user(Role.STAFF),
        make_user(Role.TOWN_STAFF, congress=world.town_a),
        make_user(Role.TOWN_STAFF, congress=world.town_b),
        make_user(Role.DEPUTY, congress=None, person=town_a),
    ]
    seen = []
    for user in users:
        plain = set(visible_persons(user).values_list("name", flat=True))
        assert set(visible_persons(user, per_row=True).values_list("name", flat=True)) == plain
        seen.append(plain)
    assert seen == [
        {"县代表", "城关代表", "河西代表", "城关居民"},
        {"城关代表", "城关居民"},
        {"河西代表"},
        {"城关代表"},
    ]
