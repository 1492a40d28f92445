"""Training figures, counted by the database (GROUP BY, never a loop over rows).

Definitions (shown next to every figure on the page):
- 培训班次 (sessions): sessions whose first day falls in the period.
- 参训人次 (person-times): one per deputy per session attended (checked in on at least one day); the days of one
  session count once. 参训人天 (person-days) keeps the days apart: one per check-in.
- 参训学时 (person-hours): the hours of every day a deputy checked in on, summed.
- 代表覆盖率 (coverage): of the deputies with an active seat in the congresses counted, the share who attended at
  least one session in the period.
- 新任代表初任培训率: of the new deputies (an active seat in a congress where the person held no seat in an earlier
  term), the share who attended an 初任 session of these congresses (at any time, not only in the period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from deputies.models import ActivityGroup, Person, Seat
from organization.models import Area

from .models import CheckIn, Enrolment, Kind, TrainingDay


def _first_date(session_ref: str = "pk"):
    return Subquery(TrainingDay.objects.filter(session=OuterRef(session_ref)).order_by("date").values("date")[:1])


def with_dates(sessions):
    """Annotate first_date (the session's first day) and year."""
    return sessions.annotate(first_date=_first_date()).annotate(year=ExtractYear("first_date"))


def sessions_in(sessions, *, year: int | None = None, kind: str | None = None, congress_ids=None):
    qs = with_dates(sessions)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if congress_ids is not None:
        qs = qs.filter(congress_id__in=congress_ids)
    return qs


def attended_enrolments(sessions):
    """Enrolments of `sessions` with at least one check-in: one row per person-time (人次)."""
    return Enrolment.objects.filter(session__in=sessions.values("pk")).filter(
        Exists(CheckIn.objects.filter(enrolment=OuterRef("pk")))
    )


def active_deputies(congress_ids, on: dt.date | None = None):
    """Persons with an active seat in one of `congress_ids` on `on`."""
    on = on or timezone.localdate()
    seats = Seat.objects.filter(
        person=OuterRef("pk"), congress_id__in=congress_ids, status=Seat.Status.ACTIVE, start__lte=on
    ).filter(Q(end__isnull=True) | Q(end__gte=on))
    return Person.objects.filter(Exists(seats))


def new_deputies(congress_ids, on: dt.date | None = None):
    """Active deputies of `congress_ids` holding a seat in a congress where they held none in an earlier term."""
    on = on or timezone.localdate()
    earlier = Seat.objects.filter(
        person=OuterRef("person"), congress=OuterRef("congress"), term__number__lt=OuterRef("term__number")
    )
    first_seats = (
        Seat.objects.filter(
            person=OuterRef("pk"), congress_id__in=congress_ids, status=Seat.Status.ACTIVE, start__lte=on
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .filter(~Exists(earlier))
    )
    return Person.objects.filter(Exists(first_seats))


@dataclass
class Figures:
    sessions: int = 0
    planned_hours: Decimal = Decimal("0")
    person_times: int = 0
    person_days: int = 0
    person_hours: Decimal = Decimal("0")
    leave: int = 0
    deputies: int = 0
    covered: int = 0
    new_deputies: int = 0
    new_covered: int = 0
    by_kind: list = field(default_factory=list)
    by_year: list = field(default_factory=list)
    by_township: list = field(default_factory=list)
    by_group: list = field(default_factory=list)
    new_untrained: list = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return self.covered / self.deputies if self.deputies else None

    @property
    def new_coverage(self) -> float | None:
        return self.new_covered / self.new_deputies if self.new_deputies else None


def _pct(n: int, d: int) -> float | None:
    return n / d if d else None


def figures(sessions, *, congress_ids, all_sessions=None, on: dt.date | None = None) -> Figures:
    """The figures of `sessions` (already restricted to the period, kind and scope) over the deputies of
    `congress_ids`. `all_sessions` (the scope without the period) is where a new deputy's 初任 session is looked for
    and what the by-year table counts."""
    all_sessions = with_dates(all_sessions if all_sessions is not None else sessions)
    out = Figures()
    agg = sessions.aggregate(n=Count("pk"), hours=Coalesce(Sum("planned_hours"), Decimal("0")))
    out.sessions, out.planned_hours = agg["n"], agg["hours"]
    attended = attended_enrolments(sessions)
    out.person_times = attended.count()
    checkins = CheckIn.objects.filter(enrolment__session__in=sessions.values("pk"))
    agg = checkins.aggregate(n=Count("pk"), hours=Coalesce(Sum("day__hours"), Decimal("0")))
    out.person_days, out.person_hours = agg["n"], agg["hours"]
    out.leave = Enrolment.objects.filter(
        session__in=sessions.values("pk"), status=Enrolment.Status.LEAVE_APPROVED
    ).count()

    deputies = active_deputies(congress_ids, on)
    attended_person = Exists(attended.filter(person=OuterRef("pk")))
    agg = deputies.aggregate(n=Count("pk"), covered=Count("pk", filter=Q(attended_person)))
    out.deputies, out.covered = agg["n"], agg["covered"]

    induction = attended_enrolments(all_sessions.filter(kind=Kind.INDUCTION))
    had_induction = Exists(induction.filter(person=OuterRef("pk")))
    new = new_deputies(congress_ids, on)
    agg = new.aggregate(n=Count("pk"), covered=Count("pk", filter=Q(had_induction)))
    out.new_deputies, out.new_covered = agg["n"], agg["covered"]
    out.new_untrained = list(new.filter(~had_induction).select_related("township").order_by("name_initials")[:50])

    # By kind.
    per_kind = {r["kind"]: r for r in sessions.values("kind").annotate(n=Count("pk"), hours=Sum("planned_hours"))}
    times = dict(attended.values_list("session__kind").annotate(n=Count("pk")).order_by())
    hours = dict(checkins.values_list("enrolment__session__kind").annotate(h=Sum("day__hours")).order_by())
    out.by_kind = [
        {
            "kind": label,
            "sessions": per_kind.get(value, {}).get("n", 0),
            "planned_hours": per_kind.get(value, {}).get("hours") or Decimal("0"),
            "person_times": times.get(value, 0),
            "person_hours": hours.get(value) or Decimal("0"),
        }
        for value, label in Kind.choices
    ]

    # By year (the whole scope, every year).
    per_year = all_sessions.values("year").annotate(n=Count("pk")).order_by("year")
    year_of = Subquery(
        TrainingDay.objects.filter(session=OuterRef("session")).order_by("date").values("date__year")[:1],
        output_field=IntegerField(),
    )
    year_times = dict(
        attended_enrolments(all_sessions).annotate(y=year_of).values_list("y").annotate(n=Count("pk")).order_by()
    )
    out.by_year = [
        {"year": r["year"], "sessions": r["n"], "person_times": year_times.get(r["year"], 0)}
        for r in per_year
        if r["year"] is not None
    ]

    # By township (where the deputy belongs).
    dep_by_town = dict(deputies.values_list("township").annotate(n=Count("pk")).order_by())
    cov_by_town = dict(deputies.filter(attended_person).values_list("township").annotate(n=Count("pk")).order_by())
    times_by_town = dict(attended.values_list("person__township").annotate(n=Count("pk")).order_by())
    towns = {a.pk: a for a in Area.objects.filter(pk__in=[k for k in dep_by_town if k])}
    out.by_township = sorted(
        (
            {
                "township": towns[k].name if k in towns else "未填写镇街",
                "deputies": n,
                "covered": cov_by_town.get(k, 0),
                "coverage": _pct(cov_by_town.get(k, 0), n),
                "person_times": times_by_town.get(k, 0),
            }
            for k, n in dep_by_town.items()
        ),
        key=lambda r: (r["township"] == "未填写镇街", r["township"]),
    )

    # By activity group (a deputy in two groups counts in both).
    groups = ActivityGroup.objects.filter(congress_id__in=congress_ids).annotate(
        member_count=Count(
            "memberships__person", filter=Q(memberships__person__in=deputies.values("pk")), distinct=True
        ),
        covered=Count(
            "memberships__person",
            filter=Q(memberships__person__in=deputies.filter(attended_person).values("pk")),
            distinct=True,
        ),
    )
    times_by_group = dict(
        attended.filter(person__memberships__isnull=False)
        .values_list("person__memberships__group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out.by_group = [
        {
            "group": g.name,
            "members": g.member_count,
            "covered": g.covered,
            "coverage": _pct(g.covered, g.member_count),
            "person_times": times_by_group.get(g.pk, 0),
        }
        for g in groups.order_by("name")
    ]
    return out


def person_history(person):
    """A deputy's trainings, newest first: each enrolment with its session, first and last date, days attended and
    hours (a session is current until its last date is past).
    Used by the deputy's page (roster) and the phone (我的培训)."""
    day_count = Subquery(
        TrainingDay.objects.filter(session=OuterRef("session"))
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    return (
        Enrolment.objects.filter(person=person)
        .select_related("session__congress")
        .annotate(
            first_date=Subquery(
                TrainingDay.objects.filter(session=OuterRef("session")).order_by("date").values("date")[:1]
            ),
            last_date=Subquery(
                TrainingDay.objects.filter(session=OuterRef("session")).order_by("-date").values("date")[:1]
            ),
            day_count=Coalesce(day_count, 0),
            attended_days=Count("checkins", distinct=True),
            hours=Coalesce(Sum("checkins__day__hours"), Decimal("0")),
        )
        .order_by("-first_date", "-id")
    )


def person_summary(person, *, year: int | None = None) -> dict:
    """Sessions attended (人次) and hours of one deputy, in `year` or ever."""
    checkins = CheckIn.objects.filter(enrolment__person=person)
    enrolments = Enrolment.objects.filter(person=person).filter(
        Exists(CheckIn.objects.filter(enrolment=OuterRef("pk")))
    )
    if year:
        checkins = checkins.filter(day__date__year=year)
        enrolments = enrolments.annotate(first=Min("session__days__date")).filter(first__year=year)
    return {
        "sessions": enrolments.count(),
        "hours": checkins.aggregate(h=Coalesce(Sum("day__hours"), Decimal("0")))["h"],
    }
