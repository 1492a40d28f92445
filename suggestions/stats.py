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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import UNIT_ROLES, Role
from accounts.scopes import ALL, office_congress_ids
from core.deadlines import add_workdays
from organization.models import Area, HandlingUnit, Meeting, SpecialCommittee

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
    survey = "同一轮既有代表本人测评又有第三方电话测评的，以第三方测评为准"
    deemed = f"；答复满{deemed_days}个工作日未测评的视为满意" if deemed_days else "；未测评的计入“未评价”，不计入分母"
    first = f"按首轮（第一次答复后）测评结果计算，{survey}{deemed}"
    final = f"按每件建议最后一轮测评结果计算（含不满意后重新办理的答复），{survey}{deemed}"
    return [
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
    ]


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


def rate(numerator: int, denominator: int) -> Decimal | None:
    """Percent to 0.1 (half up); None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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


def _annotated(src: Source, where: Q):
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
    else:
        annotations["_met"] = Exists(Contact.objects.filter(assignment_id=OuterRef("pk")))
        answers = Answer.objects.filter(assignment_id=OuterRef("pk"), status=Answer.Status.SENT)
    # The latest round's result (a final answer after follow-up first; the weakest class of a split item).
    annotations["_class"] = Subquery(
        answers.order_by("-round", "-is_final_follow_up", "-result_class").values("result_class")[:1]
    )
    return src.model.objects.filter(src.base & where).annotate(**annotations)


def _conditions(src: Source, today: dt.date, deemed_cutoff: dt.date | None) -> dict[str, Q]:
    eff = src.eff
    if src.asg is None:
        answered = Q(**{f"{eff}answered_at__isnull": False}) | Q(**{f"{eff}state__in": ANSWERED_STATES})
        on_time = answered & Q(**{f"{eff}answered_at__date__lte": F("_due")})
        overdue_open = ~answered & Q(**{f"{eff}state": S.HANDLING, "_due__lt": today})
        answered_at = f"{eff}answered_at"
    else:
        answered = Q(state=A.ANSWERED) | Q(answered_at__isnull=False)
        on_time = answered & Q(answered_at__date__lte=F("due_date"))
        overdue_open = ~answered & Q(state__in=Assignment.OPEN_STATES, due_date__lt=today)
        answered_at = "answered_at"
    if deemed_cutoff is not None:
        deemed = answered & Q(_rf__isnull=True) & Q(**{f"{answered_at}__date__lt": deemed_cutoff})
    else:
        # Never true, and unlike pk__in=[] it compiles (an empty IN would blank the whole aggregate).
        deemed = Q(pk__isnull=True)
    conds = {
        "assigned": Q(),
        "met": Q(_met=True),
        "answered": answered,
        "on_time": on_time,
        "overdue_open": overdue_open,
        "closed": Q(**{f"{eff}state": S.CLOSED}),
        "deemed": deemed,
        "unrated": answered & Q(_rf__isnull=True) & ~deemed,
    }
    for prefix, ref in (("first", "_r1"), ("final", "_rf")):
        conds[f"{prefix}_rated"] = Q(**{f"{ref}__isnull": False}) | deemed
        conds[f"{prefix}_satisfied"] = Q(**{ref: RV.SATISFIED}) | deemed
        conds[f"{prefix}_basic"] = Q(**{ref: RV.BASIC})
        conds[f"{prefix}_positive"] = Q(**{f"{ref}__in": (RV.SATISFIED, RV.BASIC)}) | deemed
        conds[f"{prefix}_unsatisfied"] = Q(**{ref: RV.UNSATISFIED})
    for c in Answer.ResultClass.values:
        conds[f"class_{c.lower()}"] = answered & Q(_class=c)
    return conds


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
            cond &= Q(**{f"{own}congress_id__in": self.congress_ids})
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


@dataclass
class Row:
    key: object
    label: str
    counts: dict[str, int]
    figures: list[dict] = field(default_factory=list)


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


def _year_q(src: Source, year: int) -> Q:
    return Q(**{f"{src.own}meeting__start__year": year}) | Q(
        **{f"{src.own}meeting__isnull": True, f"{src.eff}assigned_at__year": year}
    )


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


def _count(conds: dict[str, Q]) -> dict:
    # Each queried row is one counted suggestion (or one unit's part of it).
    return {name: Count("pk", filter=cond) if cond else Count("pk") for name, cond in conds.items()}


def compute(scope: Scope, year: int, breakdown: str | None = None, today: dt.date | None = None) -> Report:
    """The figures of `year` for `scope`, in total and by `breakdown` (unit|committee|category|meeting|township)."""
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise ValueError(f"不支持的分组：{breakdown}")
    if scope.unit_id is not None:
        breakdown = "unit"
    today = today or timezone.localdate()
    deemed_days = rules().rating_deemed_workdays
    cutoff = add_workdays(today, -deemed_days) if deemed_days > 0 else None
    figures = _figures(deemed_days)

    totals: dict[str, int] = {}
    groups: dict[object, dict[str, int]] = {}
    total_sources = _sources(by_unit=scope.unit_id is not None)
    for src in total_sources:
        qs = _annotated(src, _year_q(src, year) & scope.q(src))
        result = qs.aggregate(**_count(_conditions(src, today, cutoff)))
        for name, value in result.items():
            totals[name] = totals.get(name, 0) + (value or 0)
    if breakdown is not None:
        for src in _sources(by_unit=breakdown == "unit"):
            qs = _annotated(src, _year_q(src, year) & scope.q(src))
            qs = qs.annotate(_g=_group_key(src, breakdown)).values("_g").order_by("_g")
            for result in qs.annotate(**_count(_conditions(src, today, cutoff))):
                counts = groups.setdefault(result.pop("_g"), {})
                for name, value in result.items():
                    if not name.startswith("_"):
                        counts[name] = counts.get(name, 0) + (value or 0)

    labels = _labels(breakdown, [k for k in groups if k is not None])
    rows = [
        Row(key, labels.get(key, _none_label(breakdown)), _finish_counts(counts))
        for key, counts in sorted(groups.items(), key=lambda kv: (kv[0] is None, labels.get(kv[0], ""), kv[0] or 0))
    ]
    total = Row(None, "合计", _finish_counts(totals))
    if scope.unit_id is not None:
        total = rows[0] if rows else Row(scope.unit_id, _labels("unit", [scope.unit_id]).get(scope.unit_id, ""), {})
        total.counts = _finish_counts(total.counts)
    for r in [total, *rows]:
        r.figures = [_figure(f, r.counts) for f in figures]
    return Report(year, breakdown, total, rows, figures, today)


def _finish_counts(counts: dict[str, int]) -> dict[str, int]:
    out = {name: counts.get(name, 0) for name in COUNT_LABELS}
    for name in ("first_satisfied", "first_basic", "first_positive", "first_unsatisfied"):
        out[name] = counts.get(name, 0)
    for name in ("final_satisfied", "final_basic", "final_positive", "final_unsatisfied"):
        out[name] = counts.get(name, 0)
    out["due_base"] = out["answered"] + out["overdue_open"]
    return out


def _figure(f: Figure, counts: dict[str, int]) -> dict:
    num, den = counts.get(f.numerator, 0), counts.get(f.denominator, 0)
    value = rate(num, den)
    return {
        "code": f.code,
        "label": f.label,
        "numerator": num,
        "denominator": den,
        "rate": float(value) if value is not None else None,
        "display": f"{value}%" if value is not None else "—",
        "definition": f.definition,
    }


def _none_label(breakdown: str | None) -> str:
    return {"meeting": "闭会期间", "committee": "未指定委员会", "category": "未分类", "township": "未填镇街"}.get(
        breakdown or "", "—"
    )


def _labels(breakdown: str | None, keys: list) -> dict:
    """The names of a breakdown's groups, in one query."""
    if not keys or breakdown is None:
        return {}
    if breakdown == "unit":
        return dict(HandlingUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if breakdown == "committee":
        return dict(SpecialCommittee.objects.filter(pk__in=keys).values_list("pk", "name"))
    if breakdown == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if breakdown == "township":
        return dict(Area.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {m.pk: str(m) for m in Meeting.objects.filter(pk__in=keys).select_related("term")}
