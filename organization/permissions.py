"""Who may see and keep the organisation records: congresses with their terms and meetings, areas, handling units,
special committees and standing-committee members. The pages and the API both start from accounts.scopes."""

from __future__ import annotations

from accounts.models import Role
from accounts.scopes import (
    ALL,
    can_manage_congress,
    congress_in,
    is_system_admin,
    readable_area_ids,
    readable_congress_ids,
)

from .models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

# Roles that open the organisation pages (the office side). Units, liaisons and deputies have their own pages.
PAGE_ROLES = (Role.ADMIN, Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF)


def can_open_pages(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*PAGE_ROLES))


def can_edit(user, congress_id: int | None) -> bool:
    """Only the office staff of that very congress, and system administrators, keep its records."""
    return can_manage_congress(user, congress_id)


def _by_congress(qs, user, field: str = "congress_id"):
    scope = readable_congress_ids(user)
    return qs if scope is ALL else qs.filter(congress_in(scope, field))


def visible_congresses(user):
    return _by_congress(Congress.objects.all(), user, "pk")


def visible_terms(user):
    return _by_congress(Term.objects.all(), user)


def visible_meetings(user):
    return _by_congress(Meeting.objects.all(), user, "term__congress_id")


def visible_units(user):
    return _by_congress(HandlingUnit.objects.all(), user)


def visible_committees(user):
    return _by_congress(SpecialCommittee.objects.all(), user)


def visible_members(user):
    return _by_congress(CommitteeMember.objects.all(), user)


def visible_areas(user):
    scope = readable_area_ids(user)
    return Area.objects.all() if scope is ALL else Area.objects.filter(congress_in(scope, "pk"))


def own_editable_congress(user) -> Congress | None:
    """The user's own congress when they keep its records (where a "新增" button on a list adds to)."""
    if user.congress_id and can_manage_congress(user, user.congress_id) and user.congress.is_managed:
        return user.congress
    return None


def editable_congresses(user):
    """The congresses whose records `user` keeps (for the choice of congress on a create form)."""
    if is_system_admin(user):
        return Congress.objects.all()
    if user.congress_id and can_manage_congress(user, user.congress_id):
        return Congress.objects.filter(pk=user.congress_id)
    return Congress.objects.none()


def kept_area_ids(user):
    """The areas an office keeps: its congress's own area and every area below it (system administrators: all)."""
    cached = getattr(user, "_kept_area_ids", None)
    if cached is not None:
        return cached
    if is_system_admin(user):
        ids = ALL
    elif user.congress_id and can_manage_congress(user, user.congress_id) and user.congress.area_id:
        frontier = {user.congress.area_id}
        ids = set(frontier)
        while frontier:
            frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
    else:
        ids = set()
    user._kept_area_ids = ids
    return ids


def can_edit_area(user, area: Area) -> bool:
    """An office adds and edits the areas below its own (a county's townships and villages, a township's villages);
    system administrators edit any."""
    kept = kept_area_ids(user)
    return kept is ALL or area.parent_id in kept
