"""The rates of suggestion handling (见面率、答复率、办结率、满意率 …), computed by the database.

Counting rules (issue 3, domain.md):
- A year covers the suggestions raised at that year's meetings and those raised in recess and assigned that year.
- Assigned = past acceptance: 办理中, 已答复, 已测评, 已办结. A merged original (已并案) counts once per original,
  through its main item (the handling, answer and contact are the main item's); its rating is its own, as each deputy
  rates the answer they received.
- By unit: the unit's lead (主办) and split (分办) assignments of the first round, not co-handling (协办), nor an
  assignment it relayed, returned or that was cancelled; the unit's own answer, contact and deadline count.
- A survey rating (第三方测评) counts over the deputy's own where both exist. Items answered and never rated are 未评价,
  unless rules.rating_deemed_workdays deems them rated (as 满意) after that many working days.

Each figure comes from `values(dimension).annotate(Count(..., filter=Q(...)))`: two queries for the totals and two for
a breakdown (main items and merged originals apart, summed per group), whatever the number of suggestions.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import UNIT_ROLES, Role
from accounts.scopes import ALL, office_congress_ids
from core.deadlines import add_workdays
from organization.models import Area, HandlingUnit, Meeting, SpecialCommittee
from renda.db_routers import read_alias

from .models import Answer, Assignment, Category, Contact, Rating, Suggestion
from .rules import rules

S = Suggestion.State
A = Assignment.State
AR = Assignment.Role
RV = Rating.Value

ASSIGNED_STATES = (S.HANDLING, S.ANSWERED, S.RATED, S.CLOSED)
ANSWERED_STATES = (S.ANSWERED, S.RATED, S.CLOSED)
HANDLER_ROLES = (AR.LEAD, AR.SPLIT)
# Assignments that are not (or no longer) the unit's own handling.
NOT_HANDLING = (A.CANCELLED, A.RETURNED, A.RELAYED)
BREAKDOWNS = {
    "unit": "承办单位",
    "committee": "专门委员会",
    "category": "分类",
    "meeting": "会议",
    "township": "镇街（领衔代表）",
}
STATS_ROLES = (Role.ADMIN, Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF)


# --- the figures and their definitions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    numerator: str
    denominator: str
    definition: str


def _figures(deemed_days: int) -> list[Figure]:
    return list(_figure_definitions(deemed_days))


@functools.lru_cache(maxsize=8)
def _figure_definitions(deemed_days: int) -> tuple[Figure, ...]:
    survey = "同一轮既有代表本人测评又有第三方电话测评的，以第三方测评为准"
    deemed = f"；答复满{deemed_days}个工作日未测评的视为满意" if deemed_days else "；未测评的计入“未评价”，不计入分母"
    first = f"按首轮（第一次答复后）测评结果计算，{survey}{deemed}"
    final = f"按每件建议最后一轮测评结果计算（含不满意后重新办理的答复），{survey}{deemed}"
    return (
        Figure(
            "meet_rate", "见面率", "met", "assigned", "主办或分办单位登记了与领衔代表见面或沟通记录的件数 ÷ 交办件数"
        ),
        Figure("answer_rate", "答复率", "answered", "assigned", "已正式答复（审核签发）的件数 ÷ 交办件数"),
        Figure(
            "ontime_rate",
            "按期答复率",
            "on_time",
            "due_base",
            "在答复期限内（含批准延期）答复的件数 ÷（已答复件数 ＋ 已过期限仍未答复的件数）",
        ),
        Figure(
            "close_rate", "办结率", "closed", "assigned", "已办结的件数 ÷ 交办件数（B、C类答复办结后仍继续跟踪落实）"
        ),
        Figure("solve_rate", "解决率", "class_a", "answered", "答复为A类（已解决或基本解决）的件数 ÷ 已答复件数"),
        Figure(
            "first_satisfied_rate",
            "满意率（首轮）",
            "first_satisfied",
            "first_rated",
            f"“满意”件数 ÷ 已测评件数，{first}",
        ),
        Figure(
            "first_basic_rate",
            "基本满意率（首轮）",
            "first_basic",
            "first_rated",
            f"“基本满意”件数 ÷ 已测评件数，{first}",
        ),
        Figure(
            "first_positive_rate",
            "满意和基本满意率（首轮）",
            "first_positive",
            "first_rated",
            f"（“满意”＋“基本满意”）件数 ÷ 已测评件数，{first}",
        ),
        Figure(
            "first_unsatisfied_rate",
            "不满意率（首轮）",
            "first_unsatisfied",
            "first_rated",
            f"“不满意”件数 ÷ 已测评件数，{first}",
        ),
        Figure(
            "final_satisfied_rate",
            "满意率（最终）",
            "final_satisfied",
            "final_rated",
            f"“满意”件数 ÷ 已测评件数，{final}",
        ),
        Figure(
            "final_basic_rate",
            "基本满意率（最终）",
            "final_basic",
            "final_rated",
            f"“基本满意”件数 ÷ 已测评件数，{final}",
        ),
        Figure(
            "final_positive_rate",
            "满意和基本满意率（最终）",
            "final_positive",
            "final_rated",
            f"（“满意”＋“基本满意”）件数 ÷ 已测评件数，{final}",
        ),
        Figure(
            "final_unsatisfied_rate",
            "不满意率（最终）",
            "final_unsatisfied",
            "final_rated",
            f"“不满意”件数 ÷ 已测评件数，{final}",
        ),
        Figure(
            "unrated_rate",
            "未评价比例",
            "unrated",
            "answered",
            "已答复但领衔代表尚未测评（也未视为已测评）的件数 ÷ 已答复件数",
        ),
        *(
            Figure(
                f"class_{c.lower()}_share",
                f"{c}类占比",
                f"class_{c.lower()}",
                "answered",
                f"答复为{label} 的件数 ÷ 已答复件数",
            )
            for c, label in Answer.ResultClass.choices
        ),
    )


COUNT_LABELS = {
    "assigned": "交办件数",
    "met": "已见面沟通",
    "answered": "已答复",
    "on_time": "按期答复",
    "overdue_open": "逾期未答复",
    "closed": "已办结",
    "first_rated": "首轮已测评",
    "final_rated": "已测评（最终）",
    "unrated": "未评价",
    "deemed": "视为满意",
    "class_a": "A类",
    "class_b": "B类",
    "class_c": "C类",
    "class_d": "D类",
}


# Each figure's (numerator, denominator): the same for every rating rule (only the definitions' wording changes).
FIGURE_TERMS = tuple((f.numerator, f.denominator) for f in _figure_definitions(0))
# The counts of a row, in their order (COUNT_LABELS, then the ratings, then due_base = answered + overdue_open).
COUNT_NAMES = (
    *COUNT_LABELS,
    *(f"{p}_{v}" for p in ("first", "final") for v in ("satisfied", "basic", "positive", "unsatisfied")),
    "due_base",
)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """Percent to 0.1 (half up); None when there is nothing to divide by."""
    if not denominator:
        return None
    # Integer arithmetic: tenths of a percent, rounded half up (the same as Decimal quantize ROUND_HALF_UP).
    return Decimal((2000 * numerator + denominator) // (2 * denominator)).scaleb(-1)


# --- the queries ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of counted row. `own` is the path from the queried model to the counted suggestion (its meeting,
    lead deputy, category and rating); `eff` to the suggestion whose handling counts (the main item of a merged one);
    `asg` to the assignment whose own work counts (unit breakdown), or None."""

    model: type
    own: str
    eff: str
    asg: str | None
    base: Q


def _sources(by_unit: bool) -> list[Source]:
    if not by_unit:
        return [
            Source(Suggestion, "", "", None, Q(state__in=ASSIGNED_STATES)),
            Source(Suggestion, "", "merged_into__", None, Q(state=S.MERGED, merged_into__state__in=ASSIGNED_STATES)),
        ]
    # The first round's assignment: a re-handling round (重新办理) gives the same units new rows, counted once.
    handling = (
        Q(role__in=HANDLER_ROLES, round=1) & ~Q(state__in=NOT_HANDLING) & Q(suggestion__state__in=ASSIGNED_STATES)
    )
    return [
        Source(Assignment, "suggestion__", "suggestion__", "", handling),
        Source(
            Assignment,
            "suggestion__merged_items__",
            "suggestion__",
            "",
            handling & Q(suggestion__merged_items__state=S.MERGED),
        ),
    ]


def _ref(path: str) -> OuterRef:
    return OuterRef(f"{path}pk") if path else OuterRef("pk")


def _rating(own: str, final: bool) -> Subquery:
    survey_first = Case(When(source=Rating.Source.SURVEY, then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = Rating.objects.filter(suggestion_id=_ref(own))
    qs = qs.order_by("-round", survey_first) if final else qs.filter(round=1).order_by(survey_first)
    return Subquery(qs.values("value")[:1])


@dataclass(frozen=True)
class _Marker:
    """Stands for a value in a compiled statement; bound by name at each run (see _Statement)."""

    name: str


class _Param(Expression):
    """A named placeholder in an ORM expression: compiled as one `%s` whose value is bound at each run, so that the
    statement is compiled once per shape of the query and reused for every year, scope and day."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field or IntegerField())
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Marker(self.name)]


# The facts of one counted row (a suggestion, or one unit's part of it), read by the counting statement.
FACTS = ("_g", "_met", "_answered", "_open", "_closed", "_on", "_due", "_r1", "_rf", "_class")


def _facts(src: Source, breakdown: str | None, where: Q):
    """The rows of `src` matching `where` with the per-row facts each figure needs (subqueries, no per-row Python).
    One filter() call: a second one over the multi-valued path to merged originals would join them again."""
    eff, own = src.eff, src.own
    handlers = Assignment.objects.filter(suggestion_id=_ref(eff), role__in=HANDLER_ROLES).exclude(
        state__in=(A.CANCELLED, A.RETURNED)
    )
    annotations = {
        "_r1": _rating(own, final=False),
        "_rf": _rating(own, final=True),
    }
    if src.asg is None:
        annotations["_met"] = Exists(
            Contact.objects.filter(assignment__suggestion_id=_ref(eff), assignment__role__in=HANDLER_ROLES).exclude(
                assignment__state__in=(A.CANCELLED, A.RETURNED)
            )
        )
        annotations["_due"] = Subquery(handlers.exclude(state=A.RELAYED).order_by("-due_date").values("due_date")[:1])
        answers = Answer.objects.filter(
            assignment__suggestion_id=_ref(eff), assignment__role__in=HANDLER_ROLES, status=Answer.Status.SENT
        ).exclude(assignment__state__in=(A.CANCELLED, A.RETURNED))
        answered = Q(**{f"{eff}answered_at__isnull": False}) | Q(**{f"{eff}state__in": ANSWERED_STATES})
        still_open = Q(**{f"{eff}state": S.HANDLING})
        answered_at = f"{eff}answered_at"
    else:
        annotations["_met"] = Exists(Contact.objects.filter(assignment_id=OuterRef("pk")))
        annotations["_due"] = F("due_date")
        answers = Answer.objects.filter(assignment_id=OuterRef("pk"), status=Answer.Status.SENT)
        answered = Q(state=A.ANSWERED) | Q(answered_at__isnull=False)
        still_open = Q(state__in=Assignment.OPEN_STATES)
        answered_at = "answered_at"
    # The latest round's result (a final answer after follow-up first; the weakest class of a split item).
    annotations["_class"] = Subquery(
        answers.order_by("-round", "-is_final_follow_up", "-result_class").values("result_class")[:1]
    )
    annotations["_answered"] = ExpressionWrapper(answered, output_field=BooleanField())
    annotations["_open"] = ExpressionWrapper(still_open, output_field=BooleanField())
    annotations["_closed"] = ExpressionWrapper(Q(**{f"{eff}state": S.CLOSED}), output_field=BooleanField())
    annotations["_on"] = TruncDate(answered_at)  # the day answered, in the office's time zone
    annotations["_g"] = _group_key(src, breakdown) if breakdown else Value(0)
    qs = src.model.objects.filter(src.base & where).annotate(**annotations)
    return qs.values(*FACTS).order_by()


def _conditions(has_cutoff: bool) -> dict[str, str]:
    """When each count counts a row: SQL over the FACTS columns of a row. Placeholders: %(today)s and, where
    unrated items are deemed rated, %(cutoff)s. Every condition is TRUE or FALSE (never NULL where it is negated)."""
    answered = '"_answered"'
    if has_cutoff:
        deemed = f'({answered} AND "_rf" IS NULL AND "_on" IS NOT NULL AND "_on" < %(cutoff)s)'
    else:
        deemed = "(1 = 0)"
    conds = {
        "assigned": "1 = 1",
        "met": '"_met"',
        "answered": answered,
        "on_time": f'{answered} AND "_on" <= "_due"',
        "overdue_open": f'NOT {answered} AND "_open" AND "_due" < %(today)s',
        "closed": '"_closed"',
        "deemed": deemed,
        "unrated": f'{answered} AND "_rf" IS NULL AND NOT {deemed}',
    }
    for prefix, ref in (("first", '"_r1"'), ("final", '"_rf"')):
        conds[f"{prefix}_rated"] = f"{ref} IS NOT NULL OR {deemed}"
        conds[f"{prefix}_satisfied"] = f"{ref} = '{RV.SATISFIED}' OR {deemed}"
        conds[f"{prefix}_basic"] = f"{ref} = '{RV.BASIC}'"
        conds[f"{prefix}_positive"] = f"{ref} IN ('{RV.SATISFIED}', '{RV.BASIC}') OR {deemed}"
        conds[f"{prefix}_unsatisfied"] = f"{ref} = '{RV.UNSATISFIED}'"
    for c in Answer.ResultClass.values:
        conds[f"class_{c.lower()}"] = f"{answered} AND \"_class\" = '{c}'"
    return conds


@dataclass(frozen=True)
class _Statement:
    """A compiled counting statement and the order of its parameters (values or _Marker names)."""

    sql: str
    params: tuple
    names: tuple  # the counts, in the order of the columns after the group key

    def bind(self, values: dict) -> list:
        return [values[p.name] if isinstance(p, _Marker) else p for p in self.params]


_STATEMENTS: dict[tuple, _Statement] = {}


def _statement(using: str, by_unit: bool, breakdown: str | None, scope_shape: tuple, has_cutoff: bool) -> _Statement:
    """The statement counting every figure for one shape of query, compiled once (the ORM builds the facts query,
    the counting around it is plain SQL): later calls only bind the year, the scope and the day."""
    key = (using, timezone.get_current_timezone_name(), by_unit, breakdown, scope_shape, has_cutoff)
    cached = _STATEMENTS.get(key)
    if cached is not None:
        return cached
    connection = connections[using]
    qn = connection.ops.quote_name
    n_congresses, has_committee, has_unit = scope_shape
    scope = Scope(
        congress_ids=None if n_congresses is None else {_Param(f"c{i}") for i in range(n_congresses)},
        committee_id=_Param("committee") if has_committee else None,
        unit_id=_Param("unit") if has_unit else None,
    )
    parts, params = [], []
    columns = ", ".join(qn(c) for c in FACTS)
    for i, src in enumerate(_sources(by_unit)):
        qs = _facts(src, breakdown, _year_q(src) & scope.q(src)).using(using)
        sql, inner = qs.query.get_compiler(using=using).as_sql()
        parts.append(f"SELECT {columns} FROM ({sql}) {qn(f'_s{i}')}")
        params.extend(inner)
    conds = _conditions(has_cutoff)
    outer: list = []

    def placeholders(cond: str) -> str:
        # %(name)s → %s with its marker, in the order of appearance (psycopg and sqlite both take %s here).
        out = cond
        while "%(" in out:
            start = out.index("%(")
            end = out.index(")s", start)
            outer.append(_Marker(out[start + 2 : end]))
            out = out[:start] + "%s" + out[end + 2 :]
        return out

    counts = ", ".join(
        f"COALESCE(SUM(CASE WHEN {placeholders(cond)} THEN 1 ELSE 0 END), 0) AS {qn(name)}"
        for name, cond in conds.items()
    )
    union = " UNION ALL ".join(parts)
    if breakdown is None:
        inner = f"SELECT 0 AS {qn('_g')}, {counts} FROM ({union}) {qn('_rows')}"
    else:
        inner = f"SELECT {qn('_g')}, {counts} FROM ({union}) {qn('_rows')} GROUP BY {qn('_g')}"
    # Around the counts: due_base, then each figure's rate in tenths of a percent, rounded half up by integer
    # arithmetic (as rate()), NULL where the denominator is 0: the rates come out of the aggregate, not a Python loop.
    column = {name: qn(name) for name in conds}
    column["due_base"] = f"({qn('answered')} + {qn('overdue_open')})"
    rates = ", ".join(
        f"CASE WHEN {column[den]} > 0 THEN (2000 * {column[num]} + {column[den]}) / (2 * {column[den]}) END"
        for num, den in FIGURE_TERMS
    )
    names = ", ".join(column[name] for name in conds)
    sql = f"SELECT {qn('_g')}, {names}, {column['due_base']}, {rates} FROM ({inner}) {qn('_counts')}"
    statement = _inline_constants(connection, _Statement(sql, tuple(outer + params), tuple(conds)))
    _STATEMENTS[key] = statement
    return statement


def _inline_constants(connection, statement: _Statement) -> _Statement:
    """On PostgreSQL, writes the fixed parameters (states, roles …) into the SQL as quoted literals, leaving a
    placeholder only for what is bound at each run: binding then adapts a few values instead of a hundred."""
    if connection.vendor != "postgresql" or "%%" in statement.sql:
        return statement
    pieces = statement.sql.split("%s")
    if len(pieces) != len(statement.params) + 1:
        return statement
    out, params = [pieces[0]], []
    for param, piece in zip(statement.params, pieces[1:], strict=True):
        if isinstance(param, _Marker):
            out.append("%s")
            params.append(param)
        else:
            out.append(connection.ops.compose_sql("%s", [param]).replace("%", "%%"))
        out.append(piece)
    return _Statement("".join(out), tuple(params), statement.names)


def _run(statement: _Statement, values: dict, using: str) -> list[tuple]:
    """The statement's rows as fetched: (group key (0 without a breakdown), counts…, due_base, rates in tenths…)."""
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, statement.bind(values))
        return cursor.fetchall()


# --- scope ----------------------------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Which suggestions a user's statistics cover."""

    congress_ids: set[int] | None = None  # None: every congress
    committee_id: int | None = None
    unit_id: int | None = None

    def q(self, src: Source) -> Q:
        own, eff = src.own, src.eff
        cond = Q()
        if self.congress_ids is not None:
            cond &= Q(**{f"{own}congress__id__in": self.congress_ids})
        if self.committee_id is not None:
            cond &= (
                Q(**{f"{own}committee_id": self.committee_id})
                | Q(**{f"{own}category__committee_id": self.committee_id})
                | Q(**{f"{eff}key_committee_id": self.committee_id})
            )
        if self.unit_id is not None and src.asg is not None:
            cond &= Q(unit_id=self.unit_id)
        return cond


def scope_for(user, congress_id: int | None = None) -> Scope:
    """The statistics `user` may read: office staff, leaders and township staff of their congresses, a committee its
    field, a unit its own row (by-unit only); deputies and others none (PermissionDenied → 403)."""
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    office = user.is_superuser or user.has_role(*STATS_ROLES)
    if office:
        scope = office_congress_ids(user)
        if congress_id is not None:
            if congress_id not in scope:
                raise PermissionDenied("无权查看该人大的统计")
            ids = {congress_id}
        elif scope is ALL:
            ids = {user.congress_id} if user.congress_id else None
        else:
            ids = {user.congress_id} if user.congress_id in scope else set(scope)
        only_committee = (
            user.has_role(Role.COMMITTEE)
            and user.committee_id
            and not (user.is_superuser or user.has_role(Role.ADMIN, Role.STAFF, Role.LEADER, Role.TOWN_STAFF))
        )
        return Scope(congress_ids=ids, committee_id=user.committee_id if only_committee else None)
    if user.unit_id and user.role_set & UNIT_ROLES:
        unit_congress = HandlingUnit.objects.filter(pk=user.unit_id).values_list("congress_id", flat=True).first()
        return Scope(congress_ids={unit_congress}, unit_id=user.unit_id)
    raise PermissionDenied("代表和其他角色不能查看办理统计")


# --- the report -----------------------------------------------------------------------------------------------------


class Row:
    """One row of a report: its counts ({name: n}) and figures ([{code, label, numerator, denominator, rate,
    display, definition}]). A computed row keeps the statement's fetched tuple (counts and rates in tenths, both
    from the aggregate) and builds the dicts only when they are read: a report of 7,000 units a year builds none of
    them unless its rows are shown."""

    __slots__ = ("key", "label", "_counts", "_figures", "_values", "_layout")

    def __init__(self, key, label, counts=None, figures=None, *, values=None, layout=None):
        self.key, self.label = key, label
        self._counts, self._figures = counts, figures
        self._values, self._layout = values, layout

    @property
    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = self._layout.counts(self._values) if self._layout is not None else {}
        return self._counts

    @counts.setter
    def counts(self, value: dict[str, int]) -> None:
        self._counts = value

    @property
    def figures(self) -> list[dict]:
        if self._figures is None:
            self._figures = self._layout.figures(self._values, self.counts) if self._layout is not None else []
        return self._figures

    @figures.setter
    def figures(self, value: list[dict]) -> None:
        self._figures = value

    def __repr__(self) -> str:
        return f"Row({self.key!r}, {self.label!r})"


@dataclass(frozen=True)
class _Layout:
    """Where a fetched row holds each count and rate (see _statement), and the figures' definitions."""

    at: dict  # count name → column
    rates_at: int | None  # the first rate's column; None: the rates are computed from the counts (a summed total)
    definitions: tuple

    def counts(self, values) -> dict[str, int]:
        at = self.at
        return {name: values[at[name]] for name in COUNT_NAMES}

    def figures(self, values, counts: dict[str, int]) -> list[dict]:
        if self.rates_at is None:
            return [_figure(f, counts) for f in self.definitions]
        return [_figure(f, counts, values[self.rates_at + i]) for i, f in enumerate(self.definitions)]


@dataclass
class Report:
    year: int
    breakdown: str | None
    total: Row
    rows: list[Row]
    definitions: list[Figure]
    today: dt.date

    def as_dict(self) -> dict:
        def row(r: Row) -> dict:
            return {
                "key": r.key,
                "label": r.label,
                "counts": r.counts,
                "figures": {f["code"]: {k: v for k, v in f.items() if k != "code"} for f in r.figures},
            }

        return {
            "year": self.year,
            "breakdown": self.breakdown,
            "as_of": self.today.isoformat(),
            "total": row(self.total),
            "rows": [row(r) for r in self.rows],
            "count_labels": COUNT_LABELS,
        }


def _year_q(src: Source) -> Q:
    """The year's items: raised at a meeting that started in the year, or in recess and assigned in the year. The
    bounds are bound at each run: y0 ≤ meeting start < y1 (dates), t0 ≤ assigned at < t1 (local midnights)."""
    own, eff = src.own, src.eff
    return Q(
        **{
            f"{own}meeting__start__gte": _Param("y0", DateField()),
            f"{own}meeting__start__lt": _Param("y1", DateField()),
        }
    ) | Q(
        **{
            f"{own}meeting__isnull": True,
            f"{eff}assigned_at__gte": _Param("t0", DateTimeField()),
            f"{eff}assigned_at__lt": _Param("t1", DateTimeField()),
        }
    )


def _year_values(year: int) -> dict:
    tz = timezone.get_current_timezone()
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return {
        "y0": start,
        "y1": end,
        "t0": dt.datetime.combine(start, dt.time(), tzinfo=tz),
        "t1": dt.datetime.combine(end, dt.time(), tzinfo=tz),
    }


def _group_key(src: Source, breakdown: str | None):
    """The expression a breakdown groups by (None: no grouping)."""
    own = src.own
    if breakdown is None:
        return None
    return {
        "unit": F("unit_id"),
        "committee": Coalesce(F(f"{own}committee_id"), F(f"{own}category__committee_id")),
        "category": F(f"{own}category_id"),
        "meeting": F(f"{own}meeting_id"),
        "township": F(f"{own}lead_deputy__township_id"),
    }[breakdown]


def compute(
    scope: Scope, year: int, breakdown: str | None = None, today: dt.date | None = None, using: str | None = None
) -> Report:
    """The figures of `year` for `scope`, in total and by `breakdown` (unit|committee|category|meeting|township).

    One statement for the totals and one for the breakdown (main items and merged originals together, UNION ALL),
    each compiled once per shape and then only bound; where the breakdown counts the same rows as the totals (every
    breakdown but by unit, or a unit's own scope) the totals are the sum of its groups and take no query."""
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise ValueError(f"不支持的分组：{breakdown}")
    using = using or read_alias()  # a report build reads the replica where there is one (renda.db_routers)
    if scope.unit_id is not None:
        breakdown = "unit"
    today = today or timezone.localdate()
    deemed_days = rules().rating_deemed_workdays
    cutoff = add_workdays(today, -deemed_days) if deemed_days > 0 else None
    figures = _figures(deemed_days)

    statement = None
    total_values: tuple | None = None
    group_rows: list[tuple] = []
    if scope.congress_ids is None or scope.congress_ids:
        ids = sorted(scope.congress_ids) if scope.congress_ids is not None else []
        # The IN list has a power-of-two number of places, the last id repeated: a few shapes for any scope.
        slots = 1 << (len(ids) - 1).bit_length() if ids else 0
        shape = (None if scope.congress_ids is None else slots, scope.committee_id is not None,
                 scope.unit_id is not None)  # fmt: skip
        values = {
            **_year_values(year),
            **{f"c{i}": ids[min(i, len(ids) - 1)] for i in range(slots)},
            "committee": scope.committee_id,
            "unit": scope.unit_id,
            "today": today,
            "cutoff": cutoff,
        }
        by_unit = scope.unit_id is not None
        if breakdown is not None:
            statement = _statement(using, breakdown == "unit", breakdown, shape, cutoff is not None)
            group_rows = _run(statement, values, using)
        if breakdown is None or by_unit != (breakdown == "unit"):
            statement = _statement(using, by_unit, None, shape, cutoff is not None)
            total_values = _run(statement, values, using)[0]
        elif group_rows:
            # The totals are the groups' column sums (the rates are then computed from the summed counts).
            columns = list(zip(*group_rows, strict=True))[1 : 2 + len(statement.names)]  # counts, due_base
            total_values = (0, *(sum(column) for column in columns))

    definitions = tuple(figures)
    if statement is None:  # an empty scope: nothing counted
        at = {name: 1 + i for i, name in enumerate(COUNT_NAMES)}
        fetched = summed = _Layout(at, None, definitions)
    else:
        at = {name: 1 + i for i, name in enumerate(statement.names)}
        at["due_base"] = 1 + len(statement.names)
        fetched = _Layout(at, 2 + len(statement.names), definitions)
        summed = _Layout(at, None, definitions)
    labels = _labels(breakdown, [r[0] for r in group_rows if r[0] is not None], using)
    none_label = _none_label(breakdown)
    group_rows.sort(key=lambda r: (r[0] is None, labels.get(r[0], ""), r[0] or 0))
    rows = [Row(r[0], labels.get(r[0], none_label), values=r, layout=fetched) for r in group_rows]
    if total_values is None:
        total = Row(None, "合计", {name: 0 for name in COUNT_NAMES}, layout=summed)
    elif breakdown is None or by_unit != (breakdown == "unit"):
        total = Row(None, "合计", values=total_values, layout=fetched)
    else:
        total = Row(None, "合计", values=total_values, layout=summed)
    if scope.unit_id is not None:
        label = _labels("unit", [scope.unit_id], using).get(scope.unit_id, "") if not rows else ""
        total = rows[0] if rows else Row(scope.unit_id, label, {name: 0 for name in COUNT_NAMES}, layout=summed)
    return Report(year, breakdown, total, rows, figures, today)


def _figure(f: Figure, counts: dict[str, int], tenths: int | None = None) -> dict:
    """One figure's dict; `tenths` is its rate as the statement computed it (else computed here, as rate())."""
    num, den = counts[f.numerator], counts[f.denominator]
    if den:
        if tenths is None:
            tenths = (2000 * num + den) // (2 * den)  # as rate(): tenths of a percent, half up, without Decimal
        return {
            "code": f.code, "label": f.label, "numerator": num, "denominator": den, "rate": tenths / 10,
            "display": f"{tenths // 10}.{tenths % 10}%", "definition": f.definition,
        }  # fmt: skip
    return {
        "code": f.code, "label": f.label, "numerator": num, "denominator": den, "rate": None, "display": "—",
        "definition": f.definition,
    }  # fmt: skip


def _none_label(breakdown: str | None) -> str:
    return {"meeting": "闭会期间", "committee": "未指定委员会", "category": "未分类", "township": "未填镇街"}.get(
        breakdown or "", "—"
    )


_NAMED = {"unit": HandlingUnit, "committee": SpecialCommittee, "category": Category, "township": Area}


def _labels(breakdown: str | None, keys: list, using: str = "default") -> dict:
    """The names of a breakdown's groups, in one query (a plain SELECT of id and name: no ORM compiling per call)."""
    if not keys or breakdown is None:
        return {}
    model = _NAMED.get(breakdown)
    if model is None:
        return {m.pk: str(m) for m in Meeting.objects.using(using).filter(pk__in=keys).select_related("term")}
    connection = connections[using]
    qn = connection.ops.quote_name
    table, pk, name = qn(model._meta.db_table), qn(model._meta.pk.column), qn(model._meta.get_field("name").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {name} FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(keys))})", keys)
        return dict(cursor.fetchall())
