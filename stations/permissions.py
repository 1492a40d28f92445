"""Who may see and keep stations and what happens there. Lists, detail pages, exports, files and the API all start
from these querysets, so they cannot disagree.

- office roles (staff, leaders, committees, township staff) see the stations of the congresses in their scope
  (accounts.scopes: a county office sees its townships' stations, a township office only its own);
- a liaison (联络员) sees the stations they keep;
- a deputy sees the stations they are stationed at, and the messages addressed to them.

Office and township staff (and administrators) keep the registry, the standards and inspections; they and the
station's liaisons keep the roster, receptions, activities, evidence and messages. Leaders and committees read.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role
from accounts.scopes import ALL, congress_in, office_congress_ids

from .models import Activity, DutySlot, Message, Reception, Station, StationDeputy

MANAGE_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF)
# Roles that see visitors' and senders' phone numbers in full (they call them back).
CONTACT_ROLES = (Role.ADMIN, Role.STAFF, Role.TOWN_STAFF, Role.LIAISON)


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def visible_stations(user):
    if not user.is_authenticated:
        return Station.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return Station.objects.all()
    cond = congress_in(scope) if scope else Q(pk__in=[])
    if user.has_role(Role.LIAISON):
        cond |= Q(Exists(Station.liaisons.through.objects.filter(station_id=OuterRef("pk"), user_id=user.pk)))
    if user.person_id:
        cond |= Q(
            Exists(StationDeputy.objects.filter(station_id=OuterRef("pk"), person_id=user.person_id, is_active=True))
        )
    return Station.objects.filter(cond)


def can_open_staff_pages(user) -> bool:
    """The staff pages (lists, figures): office roles and liaisons."""
    if not user.is_authenticated:
        return False
    return _is_admin(user) or bool(office_congress_ids(user)) or user.has_role(Role.LIAISON)


def can_manage_any(user) -> bool:
    return user.is_authenticated and (
        _is_admin(user) or (user.has_role(Role.STAFF, Role.TOWN_STAFF) and user.congress_id)
    )


def can_manage(user, station: Station) -> bool:
    """Keep the registry entry, the standards and the inspections: office or township staff of the congress."""
    if not user.is_authenticated:
        return False
    if _is_admin(user):
        return True
    return user.has_role(Role.STAFF, Role.TOWN_STAFF) and station.congress_id in office_congress_ids(user)


def is_liaison_of(user, station: Station) -> bool:
    if not user.has_role(Role.LIAISON):
        return False
    cache = getattr(user, "_kept_station_ids", None)
    if cache is None:
        cache = set(Station.liaisons.through.objects.filter(user_id=user.pk).values_list("station_id", flat=True))
        user._kept_station_ids = cache
    return station.pk in cache


def can_keep_records(user, station: Station) -> bool:
    """Roster, receptions, activities, evidence, messages: the office staff and the station's liaisons."""
    return can_manage(user, station) or is_liaison_of(user, station)


def can_see_contacts(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*CONTACT_ROLES))


def can_handle_reception(user, reception: Reception) -> bool:
    """Answer, turn into a suggestion, refer, follow up: the station's keepers, and the deputy who received it."""
    return can_keep_records(user, reception.station) or (
        user.person_id is not None and user.person_id == reception.deputy_id
    )


def visible_receptions(user):
    return Reception.objects.filter(station__in=visible_stations(user))


def visible_activities(user):
    return Activity.objects.filter(station__in=visible_stations(user))


def visible_slots(user):
    return DutySlot.objects.filter(station__in=visible_stations(user))


def visible_messages(user):
    """Messages of the stations the user sees as office or liaison, and those addressed to the deputy."""
    if not user.is_authenticated:
        return Message.objects.none()
    scope = office_congress_ids(user)
    if scope is ALL:
        return Message.objects.all()
    cond = congress_in(scope, "station__congress_id") if scope else Q(pk__in=[])
    if user.has_role(Role.LIAISON):
        cond |= Q(Exists(Station.liaisons.through.objects.filter(station_id=OuterRef("station_id"), user_id=user.pk)))
    if user.person_id:
        cond |= Q(person_id=user.person_id)
    return Message.objects.filter(cond)


def can_handle_message(user, message: Message) -> bool:
    """Reply, forward and close: the station's keepers, and the deputy the message is addressed to."""
    if user.person_id and message.person_id == user.person_id:
        return True
    return can_keep_records(user, message.station)


def can_see_message_contact(user, message: Message) -> bool:
    if user.person_id and message.person_id == user.person_id:
        return True
    return can_see_contacts(user)
