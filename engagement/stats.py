"""Figures: visit coverage (走访覆盖) per standing-committee member, per group and overall, and notice receipts.

Definitions (shown beside every figure): a deputy is *reached* in a year when at least one visit that year lists
them; coverage = deputies reached ÷ deputies with an active seat in the congress. A member's linked deputies are the
members of the groups the member is linked to (常委会组成人员联系代表小组). Fixed number of queries, any data size."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from deputies.models import ActivityGroup, GroupMembership, Person, Seat
from organization.models import CommitteeMember

from .models import Notice, Visit


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Coverage:
    year: int
    deputies: int = 0
    reached: int = 0
    visits: int = 0
    members: list = field(default_factory=list)  # dicts: member, visits, reached, linked, linked_reached, rate
    groups: list = field(default_factory=list)  # dicts: group, size, reached, visits, rate
    not_visited: list = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.reached, self.deputies)


def coverage(congress_id: int, year: int) -> Coverage:
    cov = Coverage(year=year)
    deputy_ids = set(
        Seat.objects.filter(congress_id=congress_id, status=Seat.Status.ACTIVE).values_list("person_id", flat=True)
    )
    pairs = list(
        Visit.persons.through.objects.filter(visit__congress_id=congress_id, visit__date__year=year).values_list(
            "visit__member_id", "person_id"
        )
    )
    reached_all = {p for _, p in pairs}
    reached_by = defaultdict(set)
    for member_id, person_id in pairs:
        reached_by[member_id].add(person_id)
    visits = Visit.objects.filter(congress_id=congress_id, date__year=year)
    per_member = dict(visits.values_list("member_id").annotate(n=Count("pk")))
    per_group = dict(visits.exclude(group=None).values_list("group_id").annotate(n=Count("pk")))
    cov.visits = sum(per_member.values())
    members_of = defaultdict(set)
    for group_id, person_id in GroupMembership.objects.filter(group__congress_id=congress_id).values_list(
        "group_id", "person_id"
    ):
        members_of[group_id].add(person_id)
    links = defaultdict(set)
    for member_id, group_id in ActivityGroup.linked_members.through.objects.filter(
        activitygroup__congress_id=congress_id
    ).values_list("committeemember_id", "activitygroup_id"):
        links[member_id].add(group_id)
    for member in CommitteeMember.objects.filter(congress_id=congress_id).order_by("id"):
        linked = set().union(*(members_of[g] for g in links[member.pk])) if links[member.pk] else set()
        cov.members.append(
            {
                "member": member,
                "visits": per_member.get(member.pk, 0),
                "reached": len(reached_by[member.pk]),
                "linked": len(linked),
                "linked_reached": len(linked & reached_by[member.pk]),
                "rate": rate(len(linked & reached_by[member.pk]), len(linked)),
            }
        )
    for group in ActivityGroup.objects.filter(congress_id=congress_id).order_by("id"):
        size = members_of[group.pk]
        cov.groups.append(
            {
                "group": group,
                "size": len(size),
                "reached": len(size & reached_all),
                "visits": per_group.get(group.pk, 0),
                "rate": rate(len(size & reached_all), len(size)),
            }
        )
    cov.deputies = len(deputy_ids)
    cov.reached = len(deputy_ids & reached_all)
    cov.not_visited = list(Person.objects.filter(pk__in=deputy_ids - reached_all).order_by("name_initials", "id"))
    return cov


def annotate_receipts(qs):
    """Notices with their receipt figures, in the same query (a list page's row count does not add queries)."""
    return qs.annotate(
        reached=Count("receipts"),
        read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
    )


def receipt_counter(notice: Notice) -> Counter:
    return Counter("read" if r else "unread" for r in notice.receipts.values_list("read_at", flat=True))
