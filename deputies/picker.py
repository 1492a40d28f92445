"""The search-as-you-type deputy picker shared by staff forms (a station's deputies, a duty record or 述职 logged on a
deputy's behalf): a labelled search box asks a lookup view for at most PICKER_LIMIT deputies, shown as radio buttons
(templates/deputies/_picker.html, _picker_choices.html); without JavaScript the 查找 button reloads the page with
the search. The form's field posts a person id (PersonPickField: a ModelChoiceField with a hidden widget) checked
against the whole scope the form allows, which is never rendered as options: 180,000 deputies in a province."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from .models import Person

PICKER_LIMIT = 20  # choices the picker shows at once, whatever the size of the roster
PICKER_SCAN = 200  # matching deputies checked against the user's scope per search
QUERY_PARAM = "deputy_q"


def search_text(request) -> str:
    return (request.GET.get(QUERY_PARAM) or "").strip()[:30]


class NameHasChars(Func):
    """Every character of the search is in the name: `regexp_split_to_array(UPPER(name), '') @>
    regexp_split_to_array(UPPER(q), '')`, answered by the GIN index deputies_person_name_chars (migration 0002).
    A necessary condition of `name__icontains=q` (which stays beside it), so the rows are the same; without it a
    search such as 王 read all 180,000 names of a province in list order (195 ms, bench/RESULTS.md). Trigram indexes
    do not serve Chinese names: a name and most searches are shorter than three characters. PostgreSQL only."""

    output_field = BooleanField()

    def __init__(self, q: str):
        super().__init__(F("name"), Value(q))

    def as_sql(self, compiler, connection, **extra):
        (name, name_params), (q, q_params) = (compiler.compile(e) for e in self.source_expressions)
        split = "regexp_split_to_array(UPPER({}), '')"
        return f"{split.format(name)} @> {split.format(q)}", (*name_params, *q_params)


def matching(persons: QuerySet, q: str) -> QuerySet:
    """`persons` whose name contains `q`, or whose pinyin initials start with it (latin letters): the roster's, the
    duty list's and the pickers' search."""
    by_name = Q(name__icontains=q)
    if connection.vendor == "postgresql":
        by_name &= Q(NameHasChars(q))
    if re.fullmatch(r"[A-Za-z]+", q):
        return persons.filter(Q(name_initials__startswith=q.lower()) | by_name)
    return persons.filter(by_name)


def pick(candidates: QuerySet, allowed: QuerySet) -> tuple[list[Person], bool]:
    """(up to PICKER_LIMIT of `candidates` that are in `allowed`, whether there may be more).

    Two steps, so the scope check stays cheap at province scale: the first PICKER_SCAN candidates (an index-friendly
    query the caller narrowed by a search or a township), then `allowed` (the form's scope, which for a province
    office hashes every seat when applied to the whole table) on those ids only. Whatever is shown is in the scope; a
    search matching more than PICKER_SCAN deputies asks for more of the name."""
    order = ("name_initials", "id")
    ids = list(candidates.order_by(*order).values_list("pk", flat=True)[:PICKER_SCAN])
    if not ids:
        return [], False
    # The page's ids first, then their rows with the township: joined before the LIMIT, PostgreSQL hashed every
    # area of the province (8,191, ~7 ms) for 21 rows.
    shown = allowed.filter(pk__in=ids).order_by(*order).values("pk")[: PICKER_LIMIT + 1]
    rows = list(Person.objects.filter(pk__in=shown).select_related("township").order_by(*order))
    return rows[:PICKER_LIMIT], len(rows) > PICKER_LIMIT or len(ids) == PICKER_SCAN


@dataclass
class Picker:
    """What the picker's templates show: the search, its choices, where to look up and where to reload without
    JavaScript, the legend without a search (`nearby`) and the text when nothing is found (`none`)."""

    q: str
    choices: list
    more: bool
    lookup_url: str
    page_url: str
    anchor: str
    nearby: str
    none: str
    field: str = "person"
    chosen: str = ""  # the id checked when the form comes back with errors
    limit: int = PICKER_LIMIT
    param: str = QUERY_PARAM


class PersonPickField(forms.ModelChoiceField):
    """The picked deputy: a hidden input holding a person id, validated against `queryset` (the form's whole
    scope) but never rendered as options."""

    widget = forms.HiddenInput

    def __init__(self, *, label="代表", invalid="所选代表不在您的范围内。", **kwargs):
        super().__init__(queryset=Person.objects.none(), label=label, **kwargs)
        self.error_messages["required"] = "请先查找并选择一名代表。"
        self.error_messages["invalid_choice"] = invalid
