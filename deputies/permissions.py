"""Who may see and change deputies, seats and groups. Lists, detail pages, exports and the API all call these."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role
from accounts.scopes import ALL, congress_in, office_congress_ids
from organization.models import Congress

from .models import ActivityGroup, GroupMembership, Person, Seat

# Roles that may open the roster at all; others get 403.
ROSTER_ROLES = (Role.ADMIN, Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF, Role.LIAISON)
EDIT_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)
# Roles that need deputies' personal data unmasked (they keep the roster).
PERSONAL_DATA_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)


def can_view_roster(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*ROSTER_ROLES))


def can_edit_roster(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*EDIT_ROLES))


def can_see_personal_data(user, person: Person | None = None) -> bool:
    if user.is_superuser or user.has_role(*PERSONAL_DATA_ROLES):
        return True
    return person is not None and user.person_id is not None and user.person_id == person.pk


def township_areas_in(scope):
    """The areas of the township congresses in `scope` (a township office's deputies live there)."""
    return Congress.objects.filter(congress_in(scope, "pk"), level=Congress.Level.TOWNSHIP).values("area_id")


def visible_persons(user, *, per_row: bool = False):
    """The persons `user` may see: by congress scope (a seat there, or living in one of its townships), the members
    of the groups a liaison keeps, and a deputy's own record.

    per_row=True: the same set, with the seat check planned per row — for a page of rows or a bounded count. Under
    the OR, PostgreSQL otherwise hashes every seat in scope before returning the first row (a province office:
    180,952 seats, ~100 ms for a page of 20); the redundant `person_id >= pk` makes the sub-select non-hashable, so it
    probes the seat index for the rows it reads (bench/RESULTS.md). Whole-table reads (exports, full counts) are
    faster hashed, hence the default."""
    if not user.is_authenticated:
        return Person.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return Person.objects.all()
    cond = Q(pk__in=[])
    if scope:
        township_areas = township_areas_in(scope)
        seats = Seat.objects.filter(congress_in(scope), person=OuterRef("pk"))
        if per_row:
            seats = seats.filter(person_id__gte=OuterRef("pk"))
        cond |= Q(Exists(seats))
        cond |= Q(township_id__in=township_areas)
    if user.has_role(Role.LIAISON):
        cond |= Q(Exists(GroupMembership.objects.filter(person=OuterRef("pk"), group__liaison_user=user)))
    if user.person_id:
        cond |= Q(pk=user.person_id)
    return Person.objects.filter(cond)


def visible_groups(user):
    if not user.is_authenticated:
        return ActivityGroup.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return ActivityGroup.objects.all()
    cond = congress_in(scope) if scope else Q(pk__in=[])
    if scope:
        # A township's office also sees the (county) groups of its township.
        township_areas = township_areas_in(scope)
        cond |= Q(area_id__in=township_areas)
    if user.has_role(Role.LIAISON):
        cond |= Q(liaison_user=user)
    if user.person_id:
        cond |= Q(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), person_id=user.person_id)))
    return ActivityGroup.objects.filter(cond)


def visible_seats(user):
    return Seat.objects.filter(person__in=visible_persons(user))


def person_value(user, person: Person, field: str) -> str:
    """A personal-data field of `person` as `user` may see it: in full, or masked."""
    value = getattr(person, field) or ""
    if field in Person.PERSONAL_FIELDS and not can_see_personal_data(user, person):
        return Person.PERSONAL_FIELDS[field](value)
    return value


def visible_townships(user):
    """The townships/streets (Area) of the congresses in the user's scope: a county office sees all of its
    townships, a township office its own."""
    from organization.models import Area

    qs = Area.objects.filter(level=Area.Level.TOWNSHIP)
    scope = office_congress_ids(user)
    if scope is ALL:
        return qs
    if not scope:
        return qs.none()
    in_scope = Congress.objects.filter(congress_in(scope, "pk"))
    return qs.filter(
        Q(Exists(in_scope.filter(area=OuterRef("pk")))) | Q(Exists(in_scope.filter(area=OuterRef("parent"))))
    )


def seat_congresses(user):
    """Congresses whose seats `user` may record: those of the office's scope, and the upper congresses kept only
    for seats (is_managed False: 市/省/全国 seats of the county's deputies)."""
    scope = office_congress_ids(user)
    if scope is ALL:
        return Congress.objects.all()
    return Congress.objects.filter(congress_in(scope, "pk") | Q(is_managed=False))


def can_edit_person(user, person: Person) -> bool:
    return can_edit_roster(user) and visible_persons(user).filter(pk=person.pk).exists()


def can_edit_seat(user, seat: Seat) -> bool:
    return can_edit_roster(user) and seat_congresses(user).filter(pk=seat.congress_id).exists()


def can_edit_group(user, group: ActivityGroup) -> bool:
    """Groups are kept by the office of their congress (a liaison or member sees a group but does not edit it)."""
    scope = office_congress_ids(user)
    return can_edit_roster(user) and group.congress_id in scope
