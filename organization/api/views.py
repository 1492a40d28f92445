"""The organisation API: areas, congresses, terms, meetings, special committees, handling units (承办单位) and
standing-committee members.

Anyone logged in reads the organisation of the congresses in their scope (accounts.scopes.readable_congress_ids: the
office scope, or the user's own congress for units, liaisons and deputies). System administrators and the office
staff of a congress keep its records (accounts.scopes.can_manage_congress); congresses themselves only the former.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts.models import Role
from accounts.scopes import ALL, can_manage_congress, is_system_admin, readable_area_ids, readable_congress_ids
from core.api import records
from core.api.viewsets import ScopedViewSet
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
    return is_system_admin(user) or (bool(user.congress_id) and user.has_role(*OFFICE_STAFF))


def _in(ids, field: str = "pk") -> dict:
    return {} if ids is ALL else {f"{field}__in": ids}


def writable_areas(user):
    """Areas `user` may add areas under: all for administrators, the own congress's area and below for its staff."""
    if is_system_admin(user):
        return Area.objects.all()
    if not _is_office_staff(user):
        return Area.objects.none()
    return Area.objects.filter(**_in(readable_area_ids(user)))


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
    """Records that belong to one congress through `congress_field`."""

    congress_field = "congress"
    noun = "该记录"

    def visible(self, user):
        return self.queryset.model.objects.filter(**_in(readable_congress_ids(user), self.congress_field))

    def can_write(self, user) -> bool:
        return _is_office_staff(user)

    def congress_of(self, obj) -> int:
        return obj.congress_id

    def can_change(self, user, obj) -> bool:
        return can_manage_congress(user, self.congress_of(obj))

    def create_object(self, data):
        return records.create_record(self.queryset.model, actor=self.request.user, data=data)

    def update_object(self, instance, data):
        return records.update_record(instance, actor=self.request.user, data=data)

    def delete_object(self, instance):
        records.delete_record(instance, actor=self.request.user, label=self.noun)


@extend_schema_view(**_summaries("行政区划"))
class AreaViewSet(OrganizationViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    search_fields = ["name", "code"]
    noun = "该行政区划"

    def visible(self, user):
        return Area.objects.filter(**_in(readable_area_ids(user)))

    def optimise(self, qs):
        return qs.select_related("parent")

    def can_change(self, user, obj) -> bool:
        if is_system_admin(user):
            return True
        # The office keeps the areas below its own congress's area, not that area itself.
        own_area = user.congress.area_id if user.congress_id else None
        return _is_office_staff(user) and obj.pk != own_area and writable_areas(user).filter(pk=obj.pk).exists()


@extend_schema_view(**_summaries("人民代表大会"))
class CongressViewSet(OrganizationViewSet):
    queryset = Congress.objects.all()
    serializer_class = CongressSerializer
    filterset_class = CongressFilter
    search_fields = ["name", "short_name"]
    noun = "该人大"

    def visible(self, user):
        readable = readable_congress_ids(user)
        if readable is ALL:
            return Congress.objects.all()
        qs = Congress.objects.filter(pk__in=readable)
        if user.has_role(*OFFICE_STAFF):
            # Upper congresses kept only for seats (市/省/全国) are picked when recording a deputy's seats.
            qs = Congress.objects.filter(pk__in=qs.values("pk")) | Congress.objects.filter(is_managed=False)
        return qs

    def optimise(self, qs):
        return qs.select_related("area", "parent")

    def can_write(self, user) -> bool:
        return is_system_admin(user)

    def can_change(self, user, obj) -> bool:
        return is_system_admin(user)


@extend_schema_view(**_summaries("届"))
class TermViewSet(OrganizationViewSet):
    queryset = Term.objects.all()
    serializer_class = TermSerializer
    filterset_class = TermFilter
    noun = "该届"

    def optimise(self, qs):
        return qs.select_related("congress")


@extend_schema_view(**_summaries("代表大会会议"))
class MeetingViewSet(OrganizationViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    congress_field = "term__congress"
    ordering_fields = ["start", "id"]
    noun = "该次会议"

    def optimise(self, qs):
        return qs.select_related("term__congress")

    def congress_of(self, obj) -> int:
        return obj.term.congress_id


@extend_schema_view(**_summaries("专门委员会"))
class CommitteeViewSet(OrganizationViewSet):
    queryset = SpecialCommittee.objects.all()
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    search_fields = ["name", "fields"]
    noun = "该专门委员会"

    def optimise(self, qs):
        return qs.select_related("congress")


@extend_schema_view(**_summaries("承办单位"))
class UnitViewSet(OrganizationViewSet):
    queryset = HandlingUnit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "head", "contact_person"]
    noun = "该承办单位"

    def optimise(self, qs):
        return qs.select_related("congress")


@extend_schema_view(**_summaries("常委会组成人员"))
class CommitteeMemberViewSet(OrganizationViewSet):
    queryset = CommitteeMember.objects.all()
    serializer_class = CommitteeMemberSerializer
    filterset_class = CommitteeMemberFilter
    search_fields = ["name", "title"]
    noun = "该常委会组成人员"

    def optimise(self, qs):
        return qs.select_related("congress")
