"""The roster's filters and search, shared by the list page and its Excel export, so the two always agree."""

from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.db.models import Aggregate, CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat

from core.pagination import fast_selects
from organization.models import Congress

from . import permissions
from .models import Composition, GroupMembership, Seat
from .picker import matching

PARTIES = [
    "中共党员",
    "中共预备党员",
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "无党派人士",
    "群众",
]
SEP = "\x1f"  # separates aggregated values; no name contains it


class StringList(Aggregate):
    """The values of a group joined by a separator: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite (the demo)."""

    function = "STRING_AGG"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(SEP), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def with_summaries(qs):
    """Annotate persons with their seats (level:status pairs) and group names, in the same query as the rows: the
    list's query count stays the same however many rows a page shows."""
    seats = (
        Seat.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(v=StringList(Concat(F("congress__level"), Value(":"), F("status"), output_field=CharField())))
        .values("v")
    )
    groups = (
        GroupMembership.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(v=StringList(F("group__name")))
        .values("v")
    )
    return qs.select_related("township").annotate(seat_summary=Subquery(seats), group_summary=Subquery(groups))


LEVEL_LABELS = dict(Congress.Level.choices)
STATUS_LABELS = dict(Seat.Status.choices)


def seat_labels(summary: str | None) -> list[str]:
    """'county:active<SEP>township:resigned' → ['县', '乡镇（辞职）'], highest level first."""
    pairs = [p.split(":", 1) for p in (summary or "").split(SEP) if ":" in p]
    pairs.sort(key=lambda p: Congress.LEVEL_ORDER.index(p[0]) if p[0] in Congress.LEVEL_ORDER else 99)
    return [
        LEVEL_LABELS.get(level, level) + ("" if status == Seat.Status.ACTIVE else f"（{STATUS_LABELS.get(status)}）")
        for level, status in pairs
    ]


def group_names(summary: str | None) -> list[str]:
    return sorted(n for n in (summary or "").split(SEP) if n)


GROUP_OPTIONS_LIMIT = 300  # more visible groups than this (a province: 13,186): offer those of the chosen township
GROUPS_NARROWED_HELP = "先选择所属镇街，再选该镇街的代表小组"


def int_or_none(value) -> int | None:
    """A filter's posted id as an int, or None (empty or not a number)."""
    return int(value) if str(value or "").isdigit() else None


def option_rows(qs, kind: str, order: str = "pk"):
    """A select's choices as (kind, pk, name, sort key) rows, so that several selects are read in one UNION. No
    ORDER BY or LIMIT inside: SQLite (the demo) refuses them in a part of a UNION."""
    return (
        qs.order_by()
        .annotate(option_kind=Value(kind), option_order=F(order))
        .values_list("option_kind", "pk", "name", "option_order")
    )


def bounded_rows(qs, kind: str, chosen: Q | None, limit: int, order: str = "pk") -> list:
    """The two option_rows parts of a select bounded at `limit` options: the first limit+1 rows of `qs` (by pk),
    enough to tell whether there are more, as `kind`; and the rows matching `chosen` (those of the chosen township,
    the chosen one) as `kind` + "*". Never the whole of `qs`. The bound as an IN over a sliced subquery: SQLite (the
    demo) refuses LIMIT in a part of a UNION."""
    return [
        option_rows(qs.filter(pk__in=qs.order_by("pk").values("pk")[: limit + 1]), kind, order),
        option_rows(qs.filter(chosen) if chosen is not None else qs.none(), kind + "*", order),
    ]


def read_options(first, *parts) -> dict[str, list]:
    """Read option_rows parts in one UNION query: their (pk, name) choices by kind, in sort-key order."""
    by_kind: dict[str, list] = {}
    for kind, pk, name, _order in sorted(first.union(*parts, all=True), key=lambda r: (r[3], r[1])):
        by_kind.setdefault(kind, []).append((pk, name))
    return by_kind


def bounded_choices(by_kind: dict, kind: str, limit: int) -> tuple[list, bool]:
    """(choices, narrowed) of a select read by bounded_rows (its two kinds are popped from `by_kind`): all rows when
    there are at most `limit`, otherwise only the chosen ones, and narrowed is True."""
    first, chosen = by_kind.pop(kind, []), by_kind.pop(kind + "*", [])
    narrowed = len(first) > limit
    return (chosen if narrowed else first), narrowed


class AreaOptions(NamedTuple):
    townships: list
    groups: list
    narrowed: bool = False  # only the chosen township's groups (and the chosen group) are offered
    more: dict | None = None  # the choices of the caller's own parts, by kind


def area_options(user, data, *more) -> AreaOptions:
    """The 所属镇街 and 代表小组 choices of a list's filters, read in one query (a UNION, together with the caller's
    `more` parts shaped by option_rows), bounded: when the user sees more than GROUP_OPTIONS_LIMIT groups, only the
    groups of the chosen township (and the chosen group) are offered, and `narrowed` says so. A province office would
    otherwise get a page of 14,000 <option>s (700 KB, most of the page's time). A group the user sees is offered
    whenever it is the chosen one, so a form on these choices accepts exactly the visible groups (and townships)."""
    township, group = int_or_none(data.get("township")), int_or_none(data.get("group"))
    chosen = Q(area_id=township) | Q(pk=group) if township or group else None
    groups = bounded_rows(permissions.visible_groups(user), "g", chosen, GROUP_OPTIONS_LIMIT)
    by_kind = read_options(option_rows(permissions.visible_townships(user), "t"), *groups, *more)
    group_choices, narrowed = bounded_choices(by_kind, "g", GROUP_OPTIONS_LIMIT)
    return AreaOptions(by_kind.pop("t", []), group_choices, narrowed, by_kind)


def offer_area_options(form, options: AreaOptions) -> None:
    """Give a filter form's `township` and `group` selects their choices (rendered by string join: a province has
    1,344 townships) and Chinese refusals, and tell the user to choose a township first when the groups are narrowed
    to it."""
    form.fields["township"].choices = [("", "全部")] + options.townships
    form.fields["group"].choices = [("", "全部")] + options.groups
    # A township or group outside the user's scope is refused like one that does not exist.
    form.fields["township"].error_messages["invalid_choice"] = "请从列表中选择您可查看的镇街。"
    form.fields["group"].error_messages["invalid_choice"] = "请从列表中选择您可查看的代表小组。"
    if options.narrowed:
        form.fields["group"].help_text = GROUPS_NARROWED_HELP
    fast_selects(form, "township", "group")


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=30, help_text="姓名或拼音首字母，如 zw")
    level = forms.ChoiceField(label="代表层级", required=False, choices=[("", "全部")] + Congress.Level.choices)
    status = forms.ChoiceField(label="资格状态", required=False, choices=[("", "全部")] + Seat.Status.choices)
    township = forms.TypedChoiceField(label="所属镇街", required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label="代表小组", required=False, coerce=int, empty_value=None)
    party = forms.ChoiceField(label="党派", required=False, choices=[("", "全部")] + [(p, p) for p in PARTIES])
    composition = forms.ChoiceField(label="代表构成", required=False, choices=[("", "全部")] + Composition.choices)

    def __init__(self, data, *, user, options: AreaOptions | None = None):
        super().__init__(data)
        self.user = user
        offer_area_options(self, options if options is not None else AreaOptions(*filter_options(user)))
        # Filtering by a masked field would reveal it: only roles that see 党派 may filter by it.
        if not permissions.can_see_personal_data(user):
            del self.fields["party"]

    def filter(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        q = (d.get("q") or "").strip()
        if q:
            qs = matching(qs, q)
        if d.get("level") or d.get("status"):
            seat = Q(person=OuterRef("pk"))
            if d.get("level"):
                seat &= Q(congress__level=d["level"])
            if d.get("status"):
                seat &= Q(status=d["status"])
            qs = qs.filter(Exists(Seat.objects.filter(seat)))
        if d.get("township"):
            qs = qs.filter(township_id=d["township"])
        if d.get("group"):
            qs = qs.filter(Exists(GroupMembership.objects.filter(person=OuterRef("pk"), group_id=d["group"])))
        if d.get("party"):
            qs = qs.filter(party=d["party"])
        if d.get("composition"):
            qs = qs.filter(composition=d["composition"])
        return qs

    def active_filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def filter_options(user) -> tuple[list, list]:
    """(townships, groups) the user may filter by, every one of them, read in one query (a UNION)."""
    rows = option_rows(permissions.visible_townships(user), "t").union(
        option_rows(permissions.visible_groups(user), "g"), all=True
    )
    townships, group_choices = [], []
    for kind, pk, name, _order in sorted(rows, key=lambda r: r[1]):
        (townships if kind == "t" else group_choices).append((pk, name))
    return townships, group_choices
