"""The annual assessment (履职考核): counting what a deputy did in a year, scoring it by the office's rule set, and
keeping the Score rows up to date.

score = clamp(base + Σ item, 0, max), where item = min(count × points, cap) for a bonus and max(count × points, −cap)
for a deduction (cap is on the item's absolute total). Only verified duty records count. The band follows the rule
set's thresholds (≥ 好, ≥ 较好, else 差).

Services call recompute_person() in their transaction whenever a record, attendance or 述职 changes, and
recompute_rule_set() when the office edits the rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, Sum

from deputies.models import Seat

from .models import AssessmentItem, AssessmentRuleSet, Band, DutyRecord, MeetingAttendance, Score

ZERO = Decimal("0")


def compute(rule_set: AssessmentRuleSet, items, counts: dict[str, int]) -> tuple[Decimal, str, list[dict]]:
    """(points, band, breakdown) for one deputy: `counts` maps an item key ("type:<id>", "leave_half_day", …) to how
    many times it happened."""
    total = Decimal(rule_set.base_points)
    breakdown = [{"label": "基础分", "count": None, "points": _fmt(rule_set.base_points), "capped": False}]
    for item in items:
        count = counts.get(item.key, 0)
        if not count:
            continue
        raw = Decimal(count) * item.points
        value, capped = raw, False
        if item.cap is not None:
            if raw > item.cap:
                value, capped = Decimal(item.cap), True
            elif raw < -item.cap:
                value, capped = -Decimal(item.cap), True
        total += value
        breakdown.append({"label": item.label, "count": count, "points": _fmt(value), "capped": capped})
    total = min(max(total, ZERO), Decimal(rule_set.max_points))
    return total, rule_set.band_for(total), breakdown


def _fmt(value) -> str:
    """Points as text with one decimal ("8.0", "-3.0"), the way the breakdown keeps them."""
    return str(Decimal(value).quantize(Decimal("0.1")))


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def assessed_person_ids(rule_set: AssessmentRuleSet) -> set[int]:
    """Deputies of the rule set's congress whose seat ran for some of the year."""
    first, last = year_bounds(rule_set.year)
    return set(
        Seat.objects.filter(congress_id=rule_set.congress_id, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values_list("person_id", flat=True)
    )


def gather_counts(rule_set: AssessmentRuleSet, items, person_ids) -> dict[int, dict[str, int]]:
    """Occurrences per person and item key, in a fixed number of queries whatever the number of persons."""
    person_ids = list(person_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if not person_ids:
        return counts
    year = rule_set.year
    type_ids = {i.duty_type_id for i in items if i.duty_type_id}
    specials = {i.special for i in items if i.special}
    if type_ids:
        rows = (
            DutyRecord.objects.filter(
                person_id__in=person_ids, status=DutyRecord.Status.VERIFIED, date__year=year, type_id__in=type_ids
            )
            .values("person_id", "type_id")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[row["person_id"]][f"type:{row['type_id']}"] = row["n"]
    if specials & {AssessmentItem.Special.LEAVE_HALF_DAY, AssessmentItem.Special.ABSENT}:
        meetings = Q(meeting__term__congress_id=rule_set.congress_id, meeting__start__year=year) | Q(
            standing_meeting__congress_id=rule_set.congress_id, standing_meeting__date__year=year
        )
        rows = (
            MeetingAttendance.objects.filter(meetings, person_id__in=person_ids)
            .values("person_id")
            .annotate(
                half_days=Sum("leave_half_days", filter=Q(status=MeetingAttendance.Status.LEAVE)),
                absent=Count("id", filter=Q(status=MeetingAttendance.Status.ABSENT)),
            )
        )
        for row in rows:
            counts[row["person_id"]][AssessmentItem.Special.LEAVE_HALF_DAY] = row["half_days"] or 0
            counts[row["person_id"]][AssessmentItem.Special.ABSENT] = row["absent"] or 0
    if specials & {AssessmentItem.Special.SUGGESTION, AssessmentItem.Special.COSIGNED}:
        for person_id, key, n in suggestion_counts(person_ids, year):
            counts[person_id][key] = n
    return counts


def suggestion_counts(person_ids, year: int):
    """(person, "suggestion" | "cosigned", n) from the suggestion lifecycle, when that app is installed: suggestions
    of the year that were accepted (not drafts, withdrawn, declined or merged away)."""
    if not apps.is_installed("suggestions"):
        return []
    try:
        from suggestions.models import CoSigner, Suggestion
    except ImportError:
        return []
    S = Suggestion.State
    excluded = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN, S.DECLINED]
    out = []
    led = (
        Suggestion.objects.filter(lead_deputy_id__in=person_ids, year=year)
        .exclude(state__in=excluded)
        .values("lead_deputy_id")
        .annotate(n=Count("id"))
    )
    out += [(r["lead_deputy_id"], AssessmentItem.Special.SUGGESTION.value, r["n"]) for r in led]
    cosigned = (
        CoSigner.objects.filter(person_id__in=person_ids, suggestion__year=year, confirmed_at__isnull=False)
        .exclude(suggestion__state__in=excluded)
        .values("person_id")
        .annotate(n=Count("id"))
    )
    out += [(r["person_id"], AssessmentItem.Special.COSIGNED.value, r["n"]) for r in cosigned]
    return out


def _items(rule_set: AssessmentRuleSet) -> list[AssessmentItem]:
    return list(rule_set.items.select_related("duty_type"))


def recompute_rule_set(rule_set: AssessmentRuleSet) -> int:
    """Recompute every deputy's score under `rule_set`; scores of persons no longer assessed are removed."""
    items = _items(rule_set)
    person_ids = assessed_person_ids(rule_set)
    counts = gather_counts(rule_set, items, person_ids)
    rows = []
    for person_id in person_ids:
        points, band, breakdown = compute(rule_set, items, counts.get(person_id, {}))
        rows.append(
            Score(
                person_id=person_id,
                rule_set=rule_set,
                year=rule_set.year,
                points=points,
                band=band,
                breakdown=breakdown,
            )
        )
    Score.objects.filter(rule_set=rule_set).exclude(person_id__in=person_ids).delete()
    Score.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["person", "rule_set"],
        update_fields=["points", "band", "breakdown", "year", "computed_at"],
        batch_size=500,
    )
    return len(rows)


def recompute_person(person_id: int, year: int) -> None:
    """Recompute the person's scores for `year` under each rule set of a congress they sat in that year."""
    first, last = year_bounds(year)
    congress_ids = (
        Seat.objects.filter(person_id=person_id, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values("congress_id")
    )
    for rule_set in AssessmentRuleSet.objects.filter(year=year, congress_id__in=congress_ids):
        items = _items(rule_set)
        counts = gather_counts(rule_set, items, [person_id]).get(person_id, {})
        points, band, breakdown = compute(rule_set, items, counts)
        Score.objects.update_or_create(
            person_id=person_id,
            rule_set=rule_set,
            defaults={"year": year, "points": points, "band": band, "breakdown": breakdown},
        )


def poor_two_years(rule_set: AssessmentRuleSet) -> set[int]:
    """Persons rated 差 in this year and the year before under the same congress's rules (advise resignation)."""
    previous = Score.objects.filter(
        rule_set__congress_id=rule_set.congress_id, year=rule_set.year - 1, band=Band.POOR
    ).values("person_id")
    return set(
        Score.objects.filter(rule_set=rule_set, band=Band.POOR, person_id__in=previous).values_list(
            "person_id", flat=True
        )
    )
