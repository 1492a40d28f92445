"""The congress scope of a user: which congresses' records the user's office may read.

Every app's permissions module starts from here, so lists, detail pages, exports, files and the API agree.
"""

from __future__ import annotations

from django.conf import settings

from organization.models import Congress

from .models import OFFICE_ROLES, Role


class _All:
    """Sentinel: every congress (system administrators)."""

    def __contains__(self, item) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()


def office_congress_ids(user) -> set[int] | _All:
    """Congresses whose office records `user` may read as office staff, leader, committee or township staff."""
    cached = getattr(user, "_congress_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        scope: set[int] | _All = set()
    elif user.is_superuser or user.has_role(Role.ADMIN):
        scope = ALL
    elif user.congress_id and user.role_set & OFFICE_ROLES:
        if settings.RENDA_UPPER_READS_LOWER:
            scope = user.congress.descendant_ids()
        else:
            scope = {user.congress_id}
    else:
        scope = set()
    user._congress_scope = scope
    return scope


def filter_by_congress(queryset, user, field: str = "congress"):
    """Restrict `queryset` to the user's congresses through `field` (a path to a Congress foreign key)."""
    scope = office_congress_ids(user)
    if scope is ALL:
        return queryset
    return queryset.filter(**{f"{field}__in": scope})


def managed_congresses(user):
    scope = office_congress_ids(user)
    qs = Congress.objects.filter(is_managed=True)
    return qs if scope is ALL else qs.filter(pk__in=scope)
