"""Who sees and asks for which reports.

Office staff, administrators and leaders (主任会议) read and request every report of their congresses; township
staff those of their own congress; a handling unit only its own unit report. Jobs outside a user's scope are never
listed and answer 404; kinds a role never has answer 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import UNIT_ROLES, Role
from accounts.scopes import ALL, congress_in, office_congress_ids
from deputies.models import Person
from organization.models import Congress, HandlingUnit

from .models import Kind, ReportJob

REPORT_ROLES = (Role.ADMIN, Role.STAFF, Role.LEADER, Role.TOWN_STAFF)
ISSUE_ROLES = (Role.ADMIN, Role.STAFF)


def is_office(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*REPORT_ROLES)))


def is_unit(user) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.role_set & UNIT_ROLES)


def can_open(user) -> bool:
    return is_office(user) or is_unit(user)


def can_issue(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*ISSUE_ROLES)))


def visible_jobs(user):
    qs = ReportJob.objects.select_related("requested_by", "unit", "person", "congress")
    if is_office(user):
        scope = office_congress_ids(user)
        return qs if scope is ALL else qs.filter(congress_in(scope))
    if is_unit(user):
        return qs.filter(kind=Kind.UNIT, unit_id=user.unit_id)
    return qs.none()


def congresses(user):
    """Congresses the user may request reports for."""
    if is_office(user):
        scope = office_congress_ids(user)
        qs = Congress.objects.filter(is_managed=True)
        return qs if scope is ALL else qs.filter(congress_in(scope, "pk"))
    if is_unit(user):
        return Congress.objects.filter(units=user.unit_id)
    return Congress.objects.none()


def resolve_subject(user, *, kind: str, congress_id=None, unit_id=None, person_id=None):
    """(congress, unit, person) of a request, checked against the user's scope: 403 for a kind the role never has,
    404 for a congress, unit or deputy outside the scope. ValueError (Chinese) for missing input."""
    if not can_open(user):
        raise PermissionDenied("无权生成年度报告")
    if not is_office(user) and kind != Kind.UNIT:
        raise PermissionDenied("承办单位只能生成本单位的年度办理情况")
    unit = person = None
    if kind == Kind.UNIT:
        if not unit_id and is_unit(user):
            unit_id = user.unit_id
        if not unit_id:
            raise ValueError("请选择承办单位")
        unit = HandlingUnit.objects.select_related("congress").filter(pk=unit_id).first()
        if unit is None or (is_unit(user) and not is_office(user) and unit.pk != user.unit_id):
            raise Http404("没有该承办单位")
        congress = unit.congress
    elif kind == Kind.DEPUTY:
        if not person_id:
            raise ValueError("请选择代表")
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise Http404("没有该代表")
        congress = congresses(user).filter(pk=congress_id).first() if congress_id else None
        congress = congress or congresses(user).filter(seats__person=person).first()
        if congress is None:
            raise Http404("没有该代表")
    else:
        qs = congresses(user)
        congress = qs.filter(pk=congress_id).first() if congress_id else _default_congress(user, qs)
        if congress is None:
            raise Http404("没有该人大")
    if not congresses(user).filter(pk=congress.pk).exists():
        raise Http404("没有该人大")
    return congress, unit, person


def _default_congress(user, qs):
    if user.congress_id:
        found = qs.filter(pk=user.congress_id).first()
        if found:
            return found
    return qs.order_by("pk").first()
