"""The organisation API: areas, congresses, terms, meetings, special committees, handling units (承办单位) and
standing-committee members.

Reads go through organization.permissions (the office scope, or for units, liaisons and deputies their own congress);
system administrators and the office staff of a congress keep its records (organization.permissions.can_edit),
congresses themselves only the former. Writes call organization.services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts.models import Role
from accounts.scopes import is_system_admin
from core.api import records
from core.api.viewsets import ScopedViewSet
from deputies import permissions as roster_permissions
from organization import permissions, services
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term

from .filters import (
    AreaFilter,
    CommitteeFilter,
    CommitteeMemberFilter,
    CongressFilter,
    MeetingFilter,
    TermFilter,
    UnitFilter,
)
from .serializers import (
    AreaSerializer,
    CommitteeMemberSerializer,
    CommitteeSerializer,
    CongressSerializer,
    MeetingSerializer,
    TermSerializer,
    UnitSerializer,
)

OFFICE_STAFF = (Role.STAFF, Role.TOWN_STAFF)


def _is_office_staff(user) -> bool:
    """A role that keeps organisation records somewhere (403 for the others before any object is looked at)."""
    return is_system_admin(user) or (bool(user.congress_id) and user.has_role(*OFFICE_STAFF))


def _summaries(noun: str) -> dict:
    return {
        "list": extend_schema(summary=f"{noun}列表"),
        "retrieve": extend_schema(summary=f"{noun}详情"),
        "create": extend_schema(summary=f"新增{noun}"),
        "update": extend_schema(summary=f"修改{noun}"),
        "partial_update": extend_schema(summary=f"修改{noun}"),
        "destroy": extend_schema(summary=f"删除{noun}"),
    }


class OrganizationViewSet(ScopedViewSet):
    """Records that belong to one congress."""

    noun = "该记录"
    visible_function = None

    def visible(self, user):
        return type(self).visible_function(user)

    def can_write(self, user) -> bool:
        return _is_office_staff(user)

    def congress_of(self, obj) -> int:
        return obj.congress_id

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit(user, self.congress_of(obj))

    def delete_object(self, instance):
        records.delete_record(instance, actor=self.request.user, label=self.noun)


@extend_schema_view(**_summaries("行政区划"))
class AreaViewSet(OrganizationViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    search_fields = ["name", "code"]
    noun = "该行政区划"
    visible_function = permissions.visible_areas

    def optimise(self, qs):
        return qs.select_related("parent")

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit_area(user, obj)

    def create_object(self, data):
        return services.create_area(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_area(instance, actor=self.request.user, **data)


@extend_schema_view(**_summaries("人民代表大会"))
class CongressViewSet(OrganizationViewSet):
    """Congresses are set up by system administrators (no office keeps its own congress record)."""

    queryset = Congress.objects.all()
    serializer_class = CongressSerializer
    filterset_class = CongressFilter
    search_fields = ["name", "short_name"]
    noun = "该人大"

    def visible(self, user):
        qs = permissions.visible_congresses(user)
        if roster_permissions.can_view_roster(user):
            # The upper congresses kept only for seats (市/省/全国) appear in the roster's seats.
            qs = qs | roster_permissions.seat_congresses(user)
        return qs

    def optimise(self, qs):
        return qs.select_related("area", "parent")

    def can_write(self, user) -> bool:
        return is_system_admin(user)

    def can_change(self, user, obj) -> bool:
        return is_system_admin(user)

    def create_object(self, data):
        return records.create_record(Congress, actor=self.request.user, data=data)

    def update_object(self, instance, data):
        return records.update_record(instance, actor=self.request.user, data=data)


@extend_schema_view(**_summaries("届"))
class TermViewSet(OrganizationViewSet):
    queryset = Term.objects.all()
    serializer_class = TermSerializer
    filterset_class = TermFilter
    noun = "该届"
    visible_function = permissions.visible_terms

    def optimise(self, qs):
        return qs.select_related("congress")

    def create_object(self, data):
        return services.create_term(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_term(instance, actor=self.request.user, **data)


@extend_schema_view(**_summaries("代表大会会议"))
class MeetingViewSet(OrganizationViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["start", "id"]
    noun = "该次会议"
    visible_function = permissions.visible_meetings

    def optimise(self, qs):
        return qs.select_related("term__congress")

    def congress_of(self, obj) -> int:
        return obj.term.congress_id

    def create_object(self, data):
        return services.create_meeting(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_meeting(instance, actor=self.request.user, **data)


@extend_schema_view(**_summaries("专门委员会"))
class CommitteeViewSet(OrganizationViewSet):
    queryset = SpecialCommittee.objects.all()
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    search_fields = ["name", "fields"]
    noun = "该专门委员会"
    visible_function = permissions.visible_committees

    def optimise(self, qs):
        return qs.select_related("congress")

    def create_object(self, data):
        return services.create_committee(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_committee(instance, actor=self.request.user, **data)


@extend_schema_view(**_summaries("承办单位"))
class UnitViewSet(OrganizationViewSet):
    queryset = HandlingUnit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "head", "contact_person"]
    noun = "该承办单位"
    visible_function = permissions.visible_units

    def optimise(self, qs):
        return qs.select_related("congress")

    def create_object(self, data):
        return services.create_unit(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_unit(instance, actor=self.request.user, **data)


@extend_schema_view(**_summaries("常委会组成人员"))
class CommitteeMemberViewSet(OrganizationViewSet):
    queryset = CommitteeMember.objects.all()
    serializer_class = CommitteeMemberSerializer
    filterset_class = CommitteeMemberFilter
    search_fields = ["name", "title"]
    noun = "该常委会组成人员"
    visible_function = permissions.visible_members

    def optimise(self, qs):
        return qs.select_related("congress").prefetch_related("groups")

    def create_object(self, data):
        return services.create_member(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_member(instance, actor=self.request.user, **data)
