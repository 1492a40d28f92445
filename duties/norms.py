"""Norm checks an office asks for, and the figures per group, township and level. Each check runs a fixed number of
queries whatever the number of deputies.

- fewer than 10 voter contacts (联系选民 + 接待选民, verified) in the year;
- never at their station in the year (no verified 接待选民 record);
- groups with fewer than 2 activities in the year (distinct days of verified records logged as the group's activity);
- deputies who have not reported to voters (向选民述职, verified) in the current term.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from deputies.models import GroupMembership, Person, Seat
from organization.models import Congress

from . import defaults
from .models import Band, DutyRecord, DutyType, Score

VERIFIED = DutyRecord.Status.VERIFIED


def seated_persons(congress: Congress, year: int):
    """Deputies of `congress` whose seat ran for some of `year`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seats = Seat.objects.filter(person=OuterRef("pk"), congress=congress, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    return Person.objects.filter(Exists(seats))


def with_year_counts(persons, year: int):
    verified_year = Q(duty_records__status=VERIFIED, duty_records__date__year=year)
    return persons.annotate(
        voter_contacts=Count(
            "duty_records", filter=verified_year & Q(duty_records__type__code__in=DutyType.VOTER_CONTACT_CODES)
        ),
        receptions=Count("duty_records", filter=verified_year & Q(duty_records__type__code=DutyType.RECEPTION)),
        verified_records=Count("duty_records", filter=verified_year),
    )


def few_voter_contacts(persons, year: int, minimum: int = defaults.MIN_VOTER_CONTACTS):
    return with_year_counts(persons, year).filter(voter_contacts__lt=minimum).order_by("name_initials", "pk")


def never_at_station(persons, year: int):
    return with_year_counts(persons, year).filter(receptions=0).order_by("name_initials", "pk")


def groups_with_few_activities(groups, year: int, minimum: int = defaults.MIN_GROUP_ACTIVITIES):
    return (
        groups.annotate(
            activities=Count(
                "duty_records__date",
                filter=Q(duty_records__status=VERIFIED, duty_records__date__year=year),
                distinct=True,
            )
        )
        .filter(activities__lt=minimum)
        .order_by("pk")
    )


def not_reported_this_term(congress: Congress, persons, on: dt.date | None = None):
    """Deputies of the congress's current term with no verified 述职 record since the term began."""
    term = congress.current_term(on or timezone.localdate())
    if term is None:
        return Person.objects.none(), None
    in_term = Exists(Seat.objects.filter(person=OuterRef("pk"), term=term))
    reported = Exists(
        DutyRecord.objects.filter(
            person=OuterRef("pk"), status=VERIFIED, type__code=DutyType.VOTER_REPORT, date__gte=term.start
        )
    )
    return persons.filter(in_term).exclude(reported).order_by("name_initials", "pk"), term


def figures(congress: Congress, persons, year: int) -> dict[str, list[dict]]:
    """Per group, township and level: deputies, verified records, voter contacts and the bands. Queries: one for
    the persons with their counts and band, one for memberships, one for seats."""
    rows = {p.pk: p for p in with_year_counts(persons, year).select_related("township").order_by()}
    bands = dict(
        Score.objects.filter(person_id__in=rows, year=year, rule_set__congress=congress).values_list(
            "person_id", "band"
        )
    )

    def blank(label):
        return {"label": label, "deputies": 0, "records": 0, "contacts": 0, Band.GOOD: 0, Band.FAIR: 0, Band.POOR: 0}

    def add(bucket, person):
        bucket["deputies"] += 1
        bucket["records"] += person.verified_records
        bucket["contacts"] += person.voter_contacts
        band = bands.get(person.pk)
        if band:
            bucket[band] += 1

    by_town: dict = {}
    for p in rows.values():
        label = p.township.name if p.township_id else "（未填镇街）"
        add(by_town.setdefault(label, blank(label)), p)
    by_group: dict = {}
    memberships = GroupMembership.objects.filter(person_id__in=rows, group__congress=congress).select_related("group")
    for m in memberships.order_by("group_id"):
        by_group.setdefault(m.group_id, blank(m.group.name))
        add(by_group[m.group_id], rows[m.person_id])
    by_level: dict = {}
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seats = (
        Seat.objects.filter(person_id__in=rows, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values_list("person_id", "congress__level")
        .distinct()
    )
    level_labels = dict(Congress.Level.choices)
    for person_id, level in seats:
        by_level.setdefault(level, blank(level_labels.get(level, level)))
        add(by_level[level], rows[person_id])
    order = {lvl: i for i, lvl in enumerate(Congress.LEVEL_ORDER)}
    return {
        "group": list(by_group.values()),
        "township": sorted(by_town.values(), key=lambda b: b["label"]),
        "level": [by_level[k] for k in sorted(by_level, key=lambda k: order.get(k, 99))],
    }
