"""Who sees what of the office's work with deputies. Lists, detail pages, exports and the API all start here.

- office roles (staff, leaders, committees, township staff) see the records of the congresses in their scope
  (accounts.scopes); staff and township staff (and administrators) keep them;
- a department's login (承办单位) sees only its own report requests, and the 会商 items it is asked to;
- a deputy sees only what targets them: the notices they received, the invitations they are on, the topics of
  their groups, the visits that reached them, the 会商 items they raised;
- a standing-committee member with a login sees their own visits.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import OFFICE_ROLES, UNIT_ROLES, Role
from accounts.scopes import ALL, congress_in, office_congress_ids
from deputies.models import GroupMembership

from . import models as m

MANAGE_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def can_open_staff_pages(user) -> bool:
    """Decided from roles alone, so the navigation costs no query."""
    return user.is_authenticated and (
        _is_admin(user) or (bool(user.role_set & OFFICE_ROLES) and bool(user.congress_id))
    )


def is_unit(user) -> bool:
    return user.is_authenticated and bool(user.unit_id) and bool(user.role_set & UNIT_ROLES)


def can_manage_any(user) -> bool:
    return user.is_authenticated and (_is_admin(user) or (user.has_role(*MANAGE_ROLES) and bool(user.congress_id)))


def can_manage(user, congress_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if _is_admin(user):
        return True
    return user.has_role(*MANAGE_ROLES) and congress_id in office_congress_ids(user)


def _office(user, field: str = "congress_id") -> Q | None:
    """The office's condition: None for every row, Q(pk__in=[]) for none."""
    scope = office_congress_ids(user)
    if scope is ALL:
        return None
    return congress_in(scope, field) if scope else Q(pk__in=[])


def _visible(user, qs, cond_for_others, field: str = "congress_id"):
    if not user.is_authenticated:
        return qs.none()
    office = _office(user, field)
    if office is None:
        return qs
    return qs.filter(office | cond_for_others)


def visible_notices(user):
    own = Q(Exists(m.NoticeReceipt.objects.filter(notice=OuterRef("pk"), person_id=user.person_id)))
    own = own & Q(published_at__isnull=False) if user.is_authenticated and user.person_id else Q(pk__in=[])
    return _visible(user, m.Notice.objects.all(), own)


def visible_receipts(user):
    own = Q(person_id=user.person_id) if user.is_authenticated and user.person_id else Q(pk__in=[])
    return _visible(user, m.NoticeReceipt.objects.all(), own, "notice__congress_id")


def visible_rounds(user):
    own = (
        Q(Exists(m.ReportRequest.objects.filter(round=OuterRef("pk"), unit_id=user.unit_id)))
        if is_unit(user)
        else Q(pk__in=[])
    )
    return _visible(user, m.ReportRound.objects.all(), own)


def visible_report_requests(user):
    own = Q(unit_id=user.unit_id) if is_unit(user) else Q(pk__in=[])
    return _visible(user, m.ReportRequest.objects.all(), own, "round__congress_id")


def _group_ids(user):
    return GroupMembership.objects.filter(person_id=user.person_id).values("group_id")


def visible_plans(user):
    return _visible(user, m.WorkPlan.objects.all(), Q(pk__in=[]))


def visible_topics(user):
    own = (
        Q(Exists(m.TopicClaim.objects.filter(topic=OuterRef("pk"), group_id__in=_group_ids(user))))
        if user.is_authenticated and user.person_id
        else Q(pk__in=[])
    )
    return _visible(user, m.Topic.objects.all(), own, "plan__congress_id")


def visible_claims(user):
    own = Q(group_id__in=_group_ids(user)) if user.is_authenticated and user.person_id else Q(pk__in=[])
    return _visible(user, m.TopicClaim.objects.all(), own, "topic__plan__congress_id")


def visible_invitations(user):
    own = (
        Q(Exists(m.InvitationReply.objects.filter(invitation=OuterRef("pk"), person_id=user.person_id)))
        if user.is_authenticated and user.person_id
        else Q(pk__in=[])
    )
    return _visible(user, m.Invitation.objects.all(), own)


def visible_replies(user):
    own = Q(person_id=user.person_id) if user.is_authenticated and user.person_id else Q(pk__in=[])
    return _visible(user, m.InvitationReply.objects.all(), own, "invitation__congress_id")


def visible_supervisors(user):
    own = Q(person_id=user.person_id) if user.is_authenticated and user.person_id else Q(pk__in=[])
    return _visible(user, m.SpecialSupervisor.objects.all(), own)


def visible_visits(user):
    own = Q(pk__in=[])
    if user.is_authenticated:
        own = Q(member__user=user)
        if user.person_id:
            own |= Q(Exists(m.Visit.persons.through.objects.filter(visit=OuterRef("pk"), person_id=user.person_id)))
    return _visible(user, m.Visit.objects.all(), own)


def visible_consultations(user):
    own = Q(pk__in=[])
    if is_unit(user):
        own |= Q(
            Exists(
                m.ConsultationItem.units.through.objects.filter(
                    consultationitem=OuterRef("pk"), handlingunit_id=user.unit_id
                )
            )
        )
    if user.is_authenticated and user.person_id:
        own |= Q(deputy_id=user.person_id)
    return _visible(user, m.ConsultationItem.objects.all(), own)


def visible_special_reports(user):
    """Special reports go to the leadership: office roles only."""
    return _visible(user, m.SpecialReport.objects.all(), Q(pk__in=[]))
