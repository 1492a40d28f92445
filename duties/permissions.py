"""Who may see, change and verify duty records, attendance, 述职, scores and interviews.

- A deputy sees and edits only their own records (draft or returned) and never verifies any record, their own least.
- A group liaison (ActivityGroup.liaison_user) sees and verifies the records of their groups' members.
- Office roles see the records of the persons in their congress scope (deputies.permissions.visible_persons);
  the office and township staff verify them and keep attendance, 述职, rules and interviews; leaders and special
  committees read.
Lists, detail pages, exports, files, PDFs and the API all start from the querysets here.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role
from accounts.scopes import ALL, congress_in, office_congress_ids
from deputies.models import GroupMembership, Person
from deputies.permissions import township_areas_in, visible_persons
from organization.models import Congress

from .models import AssessmentRuleSet, DutyRecord, Interview, MeetingAttendance, Score, StandingMeeting, VoterReport

# Roles that keep duty records for the deputies in their scope (verify, record on a deputy's behalf, attendance).
KEEPER_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)
# Roles that read the archive and assessment of the deputies in their scope.
READER_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF, Role.LEADER, Role.COMMITTEE)


def is_keeper(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*KEEPER_ROLES))


def is_reader(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READER_ROLES))


def is_liaison(user) -> bool:
    return user.is_authenticated and user.has_role(Role.LIAISON)


def records_for_others(user) -> bool:
    """Whether `user` may log duty records and 述职 on a deputy's behalf at all: office staff who keep the roster and
    group liaisons (which deputies: recordable_persons)."""
    return is_keeper(user) or is_liaison(user)


def can_open_staff_pages(user) -> bool:
    """The staff pages of duty records: office roles and group liaisons (403 for everyone else)."""
    return is_reader(user) or is_liaison(user)


def office_persons(user):
    """Persons in the user's office scope (not counting liaison groups or the user's own record)."""
    scope = office_congress_ids(user)
    if scope is ALL:
        return Person.objects.all()
    if not scope:
        return Person.objects.none()
    from deputies.models import Seat

    return Person.objects.filter(
        Q(Exists(Seat.objects.filter(congress_in(scope), person=OuterRef("pk"))))
        | Q(township_id__in=township_areas_in(scope))
    )


def liaison_persons(user):
    return Person.objects.filter(
        Exists(GroupMembership.objects.filter(person=OuterRef("pk"), group__liaison_user=user))
    )


def visible_records(user, *, per_row: bool = False):
    """Duty records `user` may see: by office scope, liaison groups, and the deputy's own. per_row: for a page of
    rows or a bounded count (see deputies.permissions.visible_persons); the same records."""
    if not user.is_authenticated:
        return DutyRecord.objects.none()
    if user.is_superuser or office_congress_ids(user) is ALL:
        return DutyRecord.objects.all()
    return DutyRecord.objects.filter(person__in=visible_persons(user, per_row=per_row))


def can_verify(user, record: DutyRecord) -> bool:
    """Staff in scope or the liaison of one of the person's groups; never the deputy the record belongs to."""
    if not user.is_authenticated or (user.person_id and user.person_id == record.person_id):
        return False
    if is_keeper(user) and office_persons(user).filter(pk=record.person_id).exists():
        return True
    return is_liaison(user) and liaison_persons(user).filter(pk=record.person_id).exists()


def can_record_for(user, person: Person) -> bool:
    """Whether `user` may log a record for `person`: the deputy themselves, or staff / the liaison who verify."""
    if user.person_id and user.person_id == person.pk:
        return True
    if is_keeper(user) and office_persons(user).filter(pk=person.pk).exists():
        return True
    return is_liaison(user) and liaison_persons(user).filter(pk=person.pk).exists()


def can_edit_record(user, record: DutyRecord) -> bool:
    """The deputy edits their own draft or returned record; staff and liaisons who verify it may correct it while it
    is not verified; a verified record is changed only by staff in scope."""
    if user.person_id and user.person_id == record.person_id:
        return record.is_editable
    if record.status == DutyRecord.Status.VERIFIED:
        return is_keeper(user) and office_persons(user).filter(pk=record.person_id).exists()
    return can_verify(user, record)


def recordable_persons(user):
    """Persons `user` may pick when logging a record on someone's behalf."""
    qs = Person.objects.none()
    if is_keeper(user):
        qs = office_persons(user)
    if is_liaison(user):
        qs = qs | liaison_persons(user)
    return qs.distinct()


# --- attendance, 述职, rules, scores, interviews --------------------------------------------------------------


def visible_attendance(user):
    return MeetingAttendance.objects.filter(person__in=visible_persons(user))


def visible_voter_reports(user):
    return VoterReport.objects.filter(person__in=visible_persons(user))


def visible_scores(user):
    return Score.objects.filter(person__in=visible_persons(user))


def visible_interviews(user):
    """Interviews are office records: office roles in scope, and the deputy their own; not the liaisons."""
    if not user.is_authenticated:
        return Interview.objects.none()
    cond = Q(person__in=office_persons(user)) if is_reader(user) else Q(pk__in=[])
    if user.person_id:
        cond |= Q(person_id=user.person_id)
    return Interview.objects.filter(cond)


def visible_rule_sets(user):
    """Rule sets of the congresses the user reads (a deputy reads the rules of the congresses they sit in)."""
    if not user.is_authenticated:
        return AssessmentRuleSet.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return AssessmentRuleSet.objects.all()
    cond = congress_in(scope) if scope else Q(pk__in=[])
    if user.person_id:
        cond |= Q(congress__seats__person_id=user.person_id)
    return AssessmentRuleSet.objects.filter(cond).distinct()


def can_keep_congress(user, congress_id: int | None) -> bool:
    """Rules, standing meetings and attendance of one congress are kept by its own office (and the administrator)."""
    if user.is_superuser or user.has_role(Role.ADMIN):
        return True
    return bool(congress_id and user.congress_id == congress_id and user.has_role(Role.STAFF, Role.TOWN_STAFF))


def keepable_congresses(user):
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Congress.objects.filter(is_managed=True)
    if user.congress_id and user.has_role(Role.STAFF, Role.TOWN_STAFF):
        return Congress.objects.filter(pk=user.congress_id)
    return Congress.objects.none()


def readable_congresses(user):
    scope = office_congress_ids(user)
    qs = Congress.objects.filter(is_managed=True)
    return qs if scope is ALL else qs.filter(congress_in(scope, "pk"))


def visible_standing_meetings(user):
    scope = office_congress_ids(user)
    if scope is ALL:
        return StandingMeeting.objects.all()
    return StandingMeeting.objects.filter(congress_in(scope))
