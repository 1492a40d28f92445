"""Roster serializers. Personal fields are read through deputies.permissions.person_value, so a role that may not
see them gets them masked, exactly as on the list page and in exports."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.scopes import managed_congresses
from core.api.fields import ScopedPrimaryKeyRelatedField, TextField
from deputies import permissions
from deputies.models import ActivityGroup, Composition, Person, Seat
from organization.models import Area, CommitteeMember, Congress, Term


def _terms(user):
    return Term.objects.filter(congress__in=permissions.seat_congresses(user))


def _editable_persons(user):
    return permissions.visible_persons(user) if permissions.can_edit_roster(user) else Person.objects.none()


def _group_persons(user):
    return permissions.visible_persons(user)


def _committee_members(user):
    return CommitteeMember.objects.filter(congress__in=managed_congresses(user))


def _areas(user):
    return Area.objects.all()


class SeatBriefSerializer(serializers.ModelSerializer):
    """A seat inside a person: congress, level, term and status."""

    name = serializers.CharField(source="__str__", read_only=True)
    congress_name = TextField(source="congress")
    level = serializers.ChoiceField(source="congress.level", choices=Congress.Level.choices, read_only=True)
    level_label = serializers.CharField(read_only=True)
    term_name = TextField(source="term")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Seat
        fields = [
            "id",
            "name",
            "congress",
            "congress_name",
            "level",
            "level_label",
            "term",
            "term_name",
            "district",
            "status",
            "status_label",
            "start",
            "end",
        ]


class SeatSerializer(SeatBriefSerializer):
    person = ScopedPrimaryKeyRelatedField(_editable_persons, queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    congress = ScopedPrimaryKeyRelatedField(permissions.seat_congresses, queryset=Congress.objects.all())
    term = ScopedPrimaryKeyRelatedField(_terms, queryset=Term.objects.all())
    delegation = ScopedPrimaryKeyRelatedField(
        _areas, queryset=Area.objects.all(), allow_null=True, required=False, label="代表团/所属镇街"
    )
    delegation_name = serializers.CharField(source="delegation.name", read_only=True, allow_null=True)

    class Meta(SeatBriefSerializer.Meta):
        validators = []  # the service checks one seat per (person, congress, term) with a Chinese message
        fields = [
            "id",
            "name",
            "person",
            "person_name",
            "congress",
            "congress_name",
            "level",
            "level_label",
            "term",
            "term_name",
            "district",
            "delegation",
            "delegation_name",
            "start",
            "end",
            "status",
            "status_label",
            "status_reason",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["person"].read_only = True  # a seat does not move to another person
        return fields


class GroupBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityGroup
        fields = ["id", "name", "kind"]


class PersonSerializer(serializers.ModelSerializer):
    """A deputy (the person) with seats. Personal fields are masked for roles that may not see them."""

    id_number = serializers.CharField(label="身份证号", required=False, allow_blank=True, max_length=18)
    composition_label = serializers.CharField(source="get_composition_display", read_only=True)
    township = ScopedPrimaryKeyRelatedField(
        permissions.visible_townships, queryset=Area.objects.all(), allow_null=True, required=False, label="所属镇街"
    )
    township_name = serializers.CharField(source="township.name", read_only=True, allow_null=True)
    seats = SeatBriefSerializer(many=True, read_only=True)
    personal_data_masked = serializers.SerializerMethodField(help_text="个人信息是否已按权限脱敏")

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "name_initials",
            "gender",
            "ethnicity",
            "birth_month",
            "party",
            "religion",
            "education",
            "workplace",
            "composition",
            "composition_label",
            "phone",
            "id_number",
            "address",
            "township",
            "township_name",
            "seats",
            "personal_data_masked",
        ]
        extra_kwargs = {"composition": {"choices": Composition.choices}}

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self._user()
        for field in Person.PERSONAL_FIELDS:
            data[field] = permissions.person_value(user, instance, field) if user else ""
        return data

    @extend_schema_field(serializers.BooleanField())
    def get_personal_data_masked(self, obj) -> bool:
        user = self._user()
        return not (user and permissions.can_see_personal_data(user, obj))


class PersonDetailSerializer(PersonSerializer):
    """A person with seats and the groups the user may see."""

    groups = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "groups"]

    @extend_schema_field(GroupBriefSerializer(many=True))
    def get_groups(self, obj):
        groups = getattr(obj, "visible_group_list", None)
        if groups is None:
            user = self._user()
            groups = permissions.visible_groups(user).filter(memberships__person=obj) if user else []
        return GroupBriefSerializer(groups, many=True).data


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class LinkedMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["id", "name", "title"]


class GroupSerializer(serializers.ModelSerializer):
    """An activity group (代表小组)."""

    congress = ScopedPrimaryKeyRelatedField(managed_congresses, queryset=Congress.objects.all())
    congress_name = TextField(source="congress")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = ScopedPrimaryKeyRelatedField(
        permissions.visible_townships, queryset=Area.objects.all(), allow_null=True, required=False, label="所属镇街"
    )
    area_name = serializers.CharField(source="area.name", read_only=True, default=None)
    convener = ScopedPrimaryKeyRelatedField(
        _group_persons, queryset=Person.objects.all(), allow_null=True, required=False, label="召集人"
    )
    convener_name = serializers.CharField(source="convener.name", read_only=True, default=None)
    liaison = ScopedPrimaryKeyRelatedField(
        _group_persons, queryset=Person.objects.all(), allow_null=True, required=False, label="联络员"
    )
    liaison_name = serializers.CharField(source="liaison.name", read_only=True, default=None)
    liaison_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False, label="联络员账号"
    )
    member_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = ActivityGroup
        fields = [
            "id",
            "name",
            "congress",
            "congress_name",
            "kind",
            "kind_label",
            "area",
            "area_name",
            "sector",
            "convener",
            "convener_name",
            "liaison",
            "liaison_name",
            "liaison_user",
            "member_count",
        ]
        validators = []  # the service checks the (congress, name) uniqueness with a Chinese message


class GroupDetailSerializer(GroupSerializer):
    members = MemberSerializer(many=True, read_only=True)
    linked_members = ScopedPrimaryKeyRelatedField(
        _committee_members, queryset=CommitteeMember.objects.all(), many=True, required=False
    )

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "members", "linked_members"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["linked_members"] = LinkedMemberSerializer(instance.linked_members.all(), many=True).data
        return data


class MembershipRequestSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyRelatedField(_group_persons, queryset=Person.objects.all(), label="代表")
    joined = serializers.DateField(required=False, label="加入日期")
