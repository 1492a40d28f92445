"""The congress scope of a user: which congresses' records the user's office may read.

Every app's permissions module starts from here, so lists, detail pages, exports, files and the API agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from organization.models import Congress

from .models import OFFICE_ROLES, Role


class _All:
    """Sentinel: every congress (system administrators)."""

    def __contains__(self, item) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()


class CongressScope(frozenset):
    """An office's congresses: a set of ids (for membership and iteration in Python) that also knows whether it is
    every congress in the database — the office at the root of the only congress tree, a province platform's top
    office. Filters then ask `congress IS NOT NULL` (the same rows, since a foreign key names an existing congress)
    instead of sending every id: a province's 1,471 ids made each scoped query compile and plan 1,471 parameters
    (bench/RESULTS.md). Unlike ALL it keeps the role's own conditions (a committee still sees only its field)."""

    everything: bool = False

    @classmethod
    def of(cls, ids, *, everything: bool = False) -> CongressScope:
        scope = cls(ids)
        scope.everything = everything
        return scope


def congress_in(scope, field: str = "congress_id") -> Q:
    """The condition that `field` (a path to a congress id) lies in `scope` (a set of ids or a CongressScope)."""
    if scope is ALL or getattr(scope, "everything", False):
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__in": scope})


def _subtree(pk: int) -> CongressScope:
    """Congress `pk` and all below it, and whether that is every congress, in one recursive query."""
    from django.db import connection

    table = connection.ops.quote_name(Congress._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id = %s "
            f"UNION SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id) "
            f"SELECT id, (SELECT COUNT(*) FROM {table}) FROM tree",
            [pk],
        )
        rows = cursor.fetchall()
    return CongressScope.of((row[0] for row in rows), everything=bool(rows) and len(rows) == rows[0][1])


def office_congress_ids(user) -> CongressScope | _All:
    """Congresses whose office records `user` may read as office staff, leader, committee or township staff."""
    cached = getattr(user, "_congress_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        scope: CongressScope | _All = CongressScope()
    elif user.is_superuser or user.has_role(Role.ADMIN):
        scope = ALL
    elif user.congress_id and user.role_set & OFFICE_ROLES:
        if settings.RENDA_UPPER_READS_LOWER:
            scope = _subtree(user.congress_id)
        else:
            scope = CongressScope({user.congress_id})
    else:
        scope = CongressScope()
    user._congress_scope = scope
    return scope


def managed_congresses(user):
    scope = office_congress_ids(user)
    qs = Congress.objects.filter(is_managed=True)
    return qs if scope is ALL else qs.filter(congress_in(scope, "pk"))


def is_system_admin(user) -> bool:
    """A system administrator: the superuser or a user with the admin role."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN)))


def readable_congress_ids(user) -> set[int] | _All:
    """Congresses whose organisation (terms, meetings, committees, units) `user` may read: the office scope, or for
    the other roles (handling units, liaisons, deputies) the congress the user belongs to."""
    scope = office_congress_ids(user)
    if scope is ALL or scope:
        return scope
    return {user.congress_id} if user.is_authenticated and user.congress_id else set()


def can_manage_congress(user, congress_id: int | None) -> bool:
    """Whether `user` keeps the organisation records of one congress: system administrators, and the office staff
    of that very congress (an upper office reads a lower one's records but does not keep them)."""
    if is_system_admin(user):
        return True
    return bool(
        user.is_authenticated
        and congress_id is not None
        and user.congress_id == congress_id
        and user.has_role(Role.STAFF, Role.TOWN_STAFF)
    )


def readable_area_ids(user) -> set[int] | _All:
    """Administrative areas `user` may read: the areas of the readable congresses and every area below them."""
    from organization.models import Area

    scope = readable_congress_ids(user)
    if scope is ALL:
        return ALL
    if not scope:
        return set()
    from django.db import connection

    # One recursive query whatever the depth of the area tree (province → city → county → township → village),
    # on PostgreSQL and SQLite alike, like Congress.subtree_ids.
    quote = connection.ops.quote_name
    area, congress = quote(Area._meta.db_table), quote(Congress._meta.db_table)
    everything = getattr(scope, "everything", False)
    params = [] if everything else sorted(scope)
    in_scope = "" if everything else f" AND id IN ({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE tree(id) AS (SELECT area_id FROM {congress} WHERE area_id IS NOT NULL{in_scope} "
            f"UNION SELECT a.id FROM {area} a JOIN tree t ON a.parent_id = t.id) "
            "SELECT id FROM tree",
            params,
        )
        return {row[0] for row in cursor.fetchall()}
