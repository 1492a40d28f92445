"""Who may see which suggestions and assignments. Lists, detail pages, exports, files and the API all start here.

- office staff, leaders and township staff: every non-draft suggestion of their congresses (accounts.scopes);
- a special committee: the suggestions of its field (its committee or the key items it leads) in its congresses;
- a handling unit: only suggestions assigned to it (any assignment of the unit, including relayed ones);
- a deputy: the suggestions they lead or co-sign (drafts included);
- system administrators: everything.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import UNIT_ROLES, Role
from accounts.scopes import ALL, congress_in, office_congress_ids

from .models import Assignment, CoSigner, Suggestion

WHOLE_OFFICE_ROLES = (Role.STAFF, Role.LEADER, Role.TOWN_STAFF)


def _office_condition(user) -> Q:
    scope = office_congress_ids(user)
    not_draft = ~Q(state=Suggestion.State.DRAFT)
    if scope is ALL:
        return not_draft
    if not scope:
        return Q(pk__in=[])
    if user.has_role(*WHOLE_OFFICE_ROLES):
        return congress_in(scope) & not_draft
    if user.has_role(Role.COMMITTEE) and user.committee_id:
        field = Q(committee_id=user.committee_id) | Q(key_committee_id=user.committee_id)
        return congress_in(scope) & field & not_draft
    return Q(pk__in=[])


def visible_suggestions(user):
    """The suggestions `user` may see (never listed, 404 on detail, when outside)."""
    if not user.is_authenticated:
        return Suggestion.objects.none()
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Suggestion.objects.exclude(state=Suggestion.State.DRAFT)
    cond = _office_condition(user)
    if user.unit_id and user.role_set & UNIT_ROLES:
        cond |= Q(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=user.unit_id)))
    if user.person_id:
        cond |= Q(lead_deputy_id=user.person_id)
        cond |= Q(Exists(CoSigner.objects.filter(suggestion=OuterRef("pk"), person_id=user.person_id)))
    return Suggestion.objects.filter(cond)


def visible_assignments(user):
    """Assignments visible to `user`: a unit sees only its own; others see those of the suggestions they see."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.unit_id and user.role_set & UNIT_ROLES and not user.has_role(*WHOLE_OFFICE_ROLES, Role.ADMIN):
        return Assignment.objects.filter(unit_id=user.unit_id)
    return Assignment.objects.filter(suggestion__in=visible_suggestions(user))


def is_office(user, suggestion: Suggestion | None = None, *, congress_id: int | None = None) -> bool:
    """Office staff (or township staff) of the suggestion's (or the given) congress: reviews, assigns, decides,
    closes, enters paper suggestions. With neither given: whether the user is office staff anywhere."""
    if user.is_superuser or user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.STAFF, Role.TOWN_STAFF):
        return False
    if suggestion is not None:
        congress_id = suggestion.congress_id
    return congress_id is None or congress_id in office_congress_ids(user)


def is_unit_user(user, assignment: Assignment) -> bool:
    return bool(user.unit_id) and user.unit_id == assignment.unit_id and bool(user.role_set & UNIT_ROLES)


def can_see_lead_phone(user, suggestion: Suggestion) -> bool:
    """Units see the lead deputy's phone for items assigned to them (to arrange 见面); office staff keep the roster."""
    if user.is_superuser or user.has_role(Role.ADMIN, Role.STAFF, Role.TOWN_STAFF):
        return True
    if user.person_id and user.person_id == suggestion.lead_deputy_id:
        return True
    if user.unit_id and user.role_set & UNIT_ROLES:
        return suggestion.assignments.filter(unit_id=user.unit_id).exists()
    return False


def visible_attachments(user):
    """Files of the suggestions `user` sees. A unit sees only the files of its own assignments (and the item's own
    materials); a deputy whose suggestion was merged also reads the answer letters of the main item."""
    from .models import Attachment

    if not user.is_authenticated:
        return Attachment.objects.none()
    cond = Q(suggestion__in=visible_suggestions(user))
    unit_only = user.unit_id and user.role_set & UNIT_ROLES and not user.has_role(*WHOLE_OFFICE_ROLES, Role.ADMIN)
    if unit_only and not user.is_superuser:
        own = Q(assignment__isnull=True) | Q(assignment__unit_id=user.unit_id)
        if user.person_id:
            own |= Q(suggestion__lead_deputy_id=user.person_id)
        cond &= own
    if user.person_id:
        cond |= Q(
            kind=Attachment.Kind.ANSWER_LETTER,
            suggestion__merged_items__lead_deputy_id=user.person_id,
        )
    return Attachment.objects.filter(cond).distinct()
