"""The roster API: persons (deputies), seats and activity groups.

Visibility comes from deputies.permissions (visible_persons / visible_seats / visible_groups); roles outside
permissions.ROSTER_ROLES may not list the roster (403), a deputy may still read their own record. Writes need
permissions.can_edit_roster and go through deputies.services.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ScopedViewSet
from deputies import permissions, services
from deputies.models import ActivityGroup, Person, Seat

from .filters import GroupFilter, PersonFilter, SeatFilter
from .serializers import (
    GroupDetailSerializer,
    GroupSerializer,
    MembershipRequestSerializer,
    PersonDetailSerializer,
    PersonSerializer,
    SeatSerializer,
)


class RosterViewSet(ScopedViewSet):
    def can_list(self, user) -> bool:
        return permissions.can_view_roster(user)

    def can_read(self, user) -> bool:
        # A deputy who may not open the roster still reads their own record (and their seats and groups).
        return permissions.can_view_roster(user) or bool(user.person_id)

    def can_write(self, user) -> bool:
        return permissions.can_edit_roster(user)


@extend_schema_view(
    list=extend_schema(
        summary="代表名册", description="按权限范围列出代表；个人信息按角色脱敏。search 按姓名或拼音首字母。"
    ),
    retrieve=extend_schema(summary="代表详情（含代表资格与所在小组）"),
    create=extend_schema(summary="新增代表"),
    update=extend_schema(summary="修改代表"),
    partial_update=extend_schema(summary="修改代表"),
    destroy=extend_schema(summary="删除代表"),
)
class PersonViewSet(RosterViewSet):
    queryset = Person.objects.all()
    filterset_class = PersonFilter
    search_fields = ["name", "^name_initials"]
    ordering_fields = ["name_initials", "id", "birth_month"]

    def get_serializer_class(self):
        return PersonSerializer if self.action == "list" else PersonDetailSerializer

    def visible(self, user):
        return permissions.visible_persons(user)

    def optimise(self, qs):
        seats = Seat.objects.select_related("congress", "term")
        qs = qs.select_related("township").prefetch_related(Prefetch("seats", queryset=seats))
        if self.action != "list":
            groups = permissions.visible_groups(self.request.user).only("id", "name", "kind")
            qs = qs.prefetch_related(Prefetch("groups", queryset=groups, to_attr="visible_group_list"))
        return qs

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit_person(user, obj)

    def create_object(self, data):
        return services.create_person(actor=self.request.user, data=data)

    def update_object(self, instance, data):
        return services.update_person(instance, actor=self.request.user, data=data)

    def delete_object(self, instance):
        services.delete_person(instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="代表资格列表"),
    retrieve=extend_schema(summary="代表资格详情"),
    create=extend_schema(summary="新增代表资格"),
    update=extend_schema(summary="修改代表资格"),
    partial_update=extend_schema(summary="修改代表资格"),
    destroy=extend_schema(summary="删除代表资格"),
)
class SeatViewSet(RosterViewSet):
    queryset = Seat.objects.all()
    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    ordering_fields = ["id", "start", "end"]

    def visible(self, user):
        return permissions.visible_seats(user)

    def optimise(self, qs):
        return qs.select_related("person", "congress", "term", "delegation")

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit_seat(user, obj) and permissions.can_edit_person(user, obj.person)

    def create_object(self, data):
        person = data.pop("person")
        return services.add_seat(person, actor=self.request.user, data=data)

    def update_object(self, instance, data):
        data.pop("person", None)
        return services.update_seat(instance, actor=self.request.user, data=data)

    def delete_object(self, instance):
        services.delete_seat(instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="代表小组列表"),
    retrieve=extend_schema(summary="代表小组详情（含成员与联系的常委会组成人员）"),
    create=extend_schema(summary="新增代表小组"),
    update=extend_schema(summary="修改代表小组"),
    partial_update=extend_schema(summary="修改代表小组"),
    destroy=extend_schema(summary="删除代表小组"),
)
class GroupViewSet(RosterViewSet):
    queryset = ActivityGroup.objects.all()
    filterset_class = GroupFilter
    search_fields = ["name", "sector"]
    ordering_fields = ["id", "name"]

    def get_serializer_class(self):
        if self.action == "list":
            return GroupSerializer
        if self.action in ("add_member", "remove_member"):
            return MembershipRequestSerializer
        return GroupDetailSerializer

    def visible(self, user):
        return permissions.visible_groups(user)

    def optimise(self, qs):
        qs = qs.select_related("congress", "area", "convener", "liaison")
        # A GROUP BY drops the model's default ordering: keep it explicit for stable pages.
        qs = qs.annotate(member_count=Count("memberships")).order_by(*ActivityGroup._meta.ordering)
        if self.action != "list":
            qs = qs.prefetch_related(
                Prefetch("members", queryset=Person.objects.only("id", "name").order_by("name_initials", "id")),
                "linked_members",
            )
        return qs

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit_group(user, obj)

    def create_object(self, data):
        linked = data.pop("linked_members", ())
        return services.create_group(actor=self.request.user, data=data, linked_members=linked)

    def update_object(self, instance, data):
        linked = data.pop("linked_members", None)
        return services.update_group(instance, actor=self.request.user, data=data, linked_members=linked)

    def delete_object(self, instance):
        services.delete_group(instance, actor=self.request.user)

    @extend_schema(summary="加入小组成员", request=MembershipRequestSerializer, responses={201: GroupDetailSerializer})
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        group = self.get_object()
        form = MembershipRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        services.add_member(
            group, form.validated_data["person"], actor=request.user, joined=form.validated_data.get("joined")
        )
        group = self.get_queryset().get(pk=group.pk)
        return Response(GroupDetailSerializer(group, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary="移出小组成员",
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("person_id", int, OpenApiParameter.PATH, description="代表 id")],
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<person_id>\d+)")
    def remove_member(self, request, pk=None, person_id=None):
        group = self.get_object()
        person = get_object_or_404(group.members.all(), pk=person_id)
        services.remove_member(group, person, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
