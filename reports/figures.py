"""The figures a report prints, gathered by aggregated queries (GROUP BY in the database, never a loop over
suggestions), so that a province-sized year fits in memory. Everything returned is JSON-safe: the same dict is
frozen in a YearSnapshot when a year is issued.

Suggestion rates come from suggestions.stats only (one definition of every figure, shared with the dashboard and the
API); training from training.stats; receptions from stations.stats where the stations app is installed.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from deputies.models import ActivityGroup, Seat
from suggestions import stats
from suggestions.models import Suggestion

# Breakdowns frozen with an issued year ("" is the total without a breakdown).
SNAPSHOT_BREAKDOWNS = ("", *stats.BREAKDOWNS)
# Listings of items printed in full up to this many rows; beyond it the report says how many more there are.
LIST_LIMIT = 300


def suggestion_figures(
    congress_id: int, year: int, today: dt.date | None = None, breakdowns: tuple = SNAPSHOT_BREAKDOWNS
) -> dict:
    """{"by": {breakdown: stats.Report.as_dict()}} for the congress's year: exactly what the stats API returns.
    A snapshot freezes every breakdown; a report reads only those it prints."""
    scope = stats.Scope(congress_ids={congress_id})
    return {
        "by": {b: stats.compute(scope, year, b or None, today=today).as_dict() for b in breakdowns},
    }


def unit_figures(unit, year: int, today: dt.date | None = None) -> dict:
    scope = stats.Scope(congress_ids={unit.congress_id}, unit_id=unit.pk)
    return stats.compute(scope, year, today=today).as_dict()


def _year_items(congress_id: int, year: int):
    return Suggestion.objects.filter(
        Q(meeting__start__year=year) | Q(meeting__isnull=True, assigned_at__year=year),
        congress_id=congress_id,
        state__in=stats.ASSIGNED_STATES,
    )


def key_items(congress_id: int, year: int) -> dict:
    """The key-supervised items (重点督办) with their leader, committee, state and latest result."""
    qs = _year_items(congress_id, year).filter(is_key=True)
    rows = list(
        qs.order_by("number", "pk").values(
            "pk", "number", "title", "state", "key_leader__name", "key_committee__name", "lead_deputy__name"
        )[:LIST_LIMIT]
    )
    return {"count": qs.count(), "rows": _with_results(rows)}


def rehandled_items(congress_id: int, year: int) -> dict:
    """Items handled again after a 不满意 rating (a second round)."""
    qs = _year_items(congress_id, year).filter(round__gt=1)
    rows = list(
        qs.order_by("number", "pk").values("pk", "number", "title", "state", "round", "lead_deputy__name")[:LIST_LIMIT]
    )
    return {"count": qs.count(), "rows": _with_results(rows)}


def _with_results(rows: list[dict]) -> list[dict]:
    """Adds the state's label, the latest sent answer's class and the final rating (two queries for all rows)."""
    from suggestions.models import Answer, Rating

    ids = [r["pk"] for r in rows]
    classes: dict[int, str] = {}
    for sid, cls in (
        Answer.objects.filter(assignment__suggestion_id__in=ids, status=Answer.Status.SENT)
        .order_by("round", "is_final_follow_up", "result_class")
        .values_list("assignment__suggestion_id", "result_class")
    ):
        classes[sid] = cls
    ratings: dict[int, str] = {}
    labels = dict(Rating.Value.choices)
    for sid, value in (
        Rating.objects.filter(suggestion_id__in=ids).order_by("round", "id").values_list("suggestion_id", "value")
    ):
        ratings[sid] = labels.get(value, value)
    states = dict(Suggestion.State.choices)
    for r in rows:
        r["state_label"] = states.get(r["state"], r["state"])
        r["result_class"] = classes.get(r["pk"], "")
        r["rating"] = ratings.get(r["pk"], "")
    return rows


def deputy_figures(congress_id: int, year: int, today: dt.date | None = None) -> dict:
    """Training, duties by type, stations, groups' activities and assessment bands of a congress's year."""
    from duties.models import Band, DutyRecord, Score
    from training import stats as training_stats
    from training.models import TrainingSession

    today = today or timezone.localdate()
    on = min(dt.date(year, 12, 31), today)
    ids = [congress_id]

    sessions = training_stats.sessions_in(TrainingSession.objects.all(), year=year, congress_ids=ids)
    t = training_stats.figures(
        sessions, congress_ids=ids, all_sessions=TrainingSession.objects.filter(congress_id__in=ids), on=on
    )
    training = {
        "sessions": t.sessions,
        "person_times": t.person_times,
        "person_hours": str(t.person_hours),
        "deputies": t.deputies,
        "covered": t.covered,
        "coverage": _pct(t.covered, t.deputies),
        "new_deputies": t.new_deputies,
        "new_covered": t.new_covered,
        "new_coverage": _pct(t.new_covered, t.new_deputies),
        "by_kind": [
            {**k, "planned_hours": str(k["planned_hours"]), "person_hours": str(k["person_hours"])} for k in t.by_kind
        ],
    }

    seated = Exists(
        Seat.objects.filter(
            person=OuterRef("person"), congress_id=congress_id, start__lte=dt.date(year, 12, 31)
        ).filter(Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)))
    )
    records = DutyRecord.objects.filter(status=DutyRecord.Status.VERIFIED, date__year=year).filter(seated)
    duties = [
        {"type": r["type__name"], "records": r["n"], "persons": r["persons"]}
        for r in records.values("type__name", "type__order")
        .annotate(n=Count("pk"), persons=Count("person", distinct=True))
        .order_by("type__order", "type__name")
    ]

    groups = [
        {"name": g["name"], "members": g["member_count"], "activities": g["activities"]}
        for g in ActivityGroup.objects.filter(congress_id=congress_id)
        .annotate(
            member_count=Count("memberships__person", distinct=True),
            activities=Count(
                "duty_records__date",
                filter=Q(duty_records__status=DutyRecord.Status.VERIFIED, duty_records__date__year=year),
                distinct=True,
            ),
        )
        .order_by("name")
        .values("name", "member_count", "activities")
    ]

    band_counts = dict(
        Score.objects.filter(rule_set__congress_id=congress_id, year=year)
        .values_list("band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assessed = sum(band_counts.values())
    bands = [
        {"band": label, "count": band_counts.get(value, 0), "share": _pct(band_counts.get(value, 0), assessed)}
        for value, label in Band.choices
    ]
    return {
        "year": year,
        "as_of": today.isoformat(),
        "training": training,
        "duties": duties,
        "duties_total": sum(d["records"] for d in duties),
        "stations": _station_figures(congress_id, year),
        "groups": groups,
        "group_activities": sum(g["activities"] for g in groups),
        "bands": bands,
        "assessed": assessed,
    }


def _station_figures(congress_id: int, year: int) -> dict:
    """Receptions by township where the stations app provides them; {"available": False} otherwise."""
    if not apps.is_installed("stations"):
        return {"available": False}
    try:
        from stations import stats as station_stats
        from stations.models import Message, Reception
    except ImportError:
        return {"available": False}
    receptions = Reception.objects.filter(station__congress_id=congress_id, date__year=year)
    messages = Message.objects.filter(station__congress_id=congress_id, created_at__year=year)
    rows, total = station_stats.figures(receptions, messages)

    def row(r) -> dict:
        return {
            "label": r.label,
            "visitors": r.visitors,
            "issues": r.issues,
            "resolved": r.resolved,
            "rate": r.rate,
            "suggestions": r.suggestions,
            "referred": r.referred,
            "messages": r.messages,
        }

    return {"available": True, "rows": [row(r) for r in rows], "total": row(total)}


def _pct(n: int, d: int) -> str:
    rate = stats.rate(n, d)
    return f"{rate}%" if rate is not None else "—"
