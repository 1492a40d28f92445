"""Who may see and run training sessions. Lists, detail pages, exports, the QR pages and the API all start here.

- office roles (staff, leaders, committees, township staff) see the sessions organised by the congresses of their
  scope (accounts.scopes: a county office also sees its townships' sessions);
- office staff and township staff (and administrators) manage those sessions: edit, invite, decide leave, check in
  by hand, show the QR code, export;
- a deputy sees the sessions they are on the list of (invited, or checked in from outside the target).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import OFFICE_ROLES, Role
from accounts.scopes import ALL, congress_in, office_congress_ids
from organization.models import Congress

from .models import Enrolment, Material, TrainingSession

MANAGE_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def visible_sessions(user):
    """The sessions `user` may see (never listed, 404 on detail, when outside)."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return TrainingSession.objects.all()
    cond = congress_in(scope) if scope else Q(pk__in=[])
    if user.person_id:
        cond |= Q(Exists(Enrolment.objects.filter(session=OuterRef("pk"), person_id=user.person_id)))
    return TrainingSession.objects.filter(cond)


def can_view_office_pages(user) -> bool:
    """The staff pages (list, figures): office roles of some congress. Decided from the roles alone (the same
    answer as a non-empty office_congress_ids), so the navigation asks no extra query on every page."""
    return user.is_authenticated and (
        _is_admin(user) or (bool(user.role_set & OFFICE_ROLES) and bool(user.congress_id))
    )


def can_manage_any(user) -> bool:
    return user.is_authenticated and (_is_admin(user) or (user.has_role(*MANAGE_ROLES) and bool(user.congress_id)))


def can_manage(user, session: TrainingSession) -> bool:
    """Office or township staff of the organising congress (or of a congress above it)."""
    if not user.is_authenticated:
        return False
    if _is_admin(user):
        return True
    return user.has_role(*MANAGE_ROLES) and session.congress_id in office_congress_ids(user)


def organiser_congresses(user):
    """Congresses `user` may organise sessions for: the managed ones in the office's scope."""
    qs = Congress.objects.filter(is_managed=True, level__in=[Congress.Level.COUNTY, Congress.Level.TOWNSHIP])
    if not user.is_authenticated:
        return qs.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return qs
    if not user.has_role(*MANAGE_ROLES):
        return qs.none()
    return qs.filter(congress_in(scope, "pk"))


def visible_enrolments(user):
    """Enrolments `user` may read: all of the sessions an office sees; a deputy only their own."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return Enrolment.objects.all()
    cond = congress_in(scope, "session__congress_id") if scope else Q(pk__in=[])
    if user.person_id:
        cond |= Q(person_id=user.person_id)
    return Enrolment.objects.filter(cond)


def visible_materials(user):
    if not user.is_authenticated:
        return Material.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return Material.objects.all()
    cond = congress_in(scope) if scope else Q(pk__in=[])
    if user.person_id:
        # A deputy may open the materials of the sessions they are on the list of.
        cond |= Q(Exists(Enrolment.objects.filter(session__materials=OuterRef("pk"), person_id=user.person_id)))
    return Material.objects.filter(cond)
