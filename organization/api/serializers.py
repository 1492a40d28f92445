from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, TextField
from deputies.models import ActivityGroup
from organization import permissions
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term


def _editable_terms(user):
    return Term.objects.filter(congress__in=permissions.editable_congresses(user))


def _kept_areas(user):
    kept = permissions.kept_area_ids(user)
    return Area.objects.all() if kept is permissions.ALL else Area.objects.filter(pk__in=kept)


def _own_groups(user):
    return ActivityGroup.objects.filter(congress__in=permissions.editable_congresses(user))


class FixedOnUpdateMixin:
    """Fields that are set when the record is created and never moved afterwards (its congress, its term)."""

    fixed_on_update: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            for name in self.fixed_on_update:
                fields[name].read_only = True
        return fields


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = ScopedPrimaryKeyRelatedField(_kept_areas, queryset=Area.objects.all(), allow_null=True, required=False)
    parent_name = TextField(source="parent")

    class Meta:
        model = Area
        fields = ["id", "name", "code", "level", "level_label", "parent", "parent_name", "is_street"]
        validators = []  # the service's full_clean checks (parent, name)


class CongressSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    area_name = TextField(source="area")
    parent_name = TextField(source="parent")

    class Meta:
        model = Congress
        fields = [
            "id",
            "name",
            "short_name",
            "level",
            "level_label",
            "area",
            "area_name",
            "parent",
            "parent_name",
            "is_managed",
        ]


class CongressOwnedSerializer(FixedOnUpdateMixin, serializers.ModelSerializer):
    congress = ScopedPrimaryKeyRelatedField(permissions.editable_congresses, queryset=Congress.objects.all())
    congress_name = TextField(source="congress")
    fixed_on_update = ("congress",)


class TermSerializer(CongressOwnedSerializer):
    name = serializers.CharField(read_only=True, help_text="如 第十八届")

    class Meta:
        model = Term
        fields = ["id", "name", "congress", "congress_name", "number", "start", "end"]
        validators = []


class MeetingSerializer(FixedOnUpdateMixin, serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="如 第十八届第三次会议")
    term = ScopedPrimaryKeyRelatedField(_editable_terms, queryset=Term.objects.all())
    term_name = TextField(source="term")
    congress = serializers.IntegerField(source="term.congress_id", read_only=True)
    congress_name = TextField(source="term.congress")
    fixed_on_update = ("term",)

    class Meta:
        model = Meeting
        fields = ["id", "name", "term", "term_name", "congress", "congress_name", "number", "start", "end"]
        validators = []


class CommitteeSerializer(CongressOwnedSerializer):
    class Meta:
        model = SpecialCommittee
        fields = ["id", "name", "congress", "congress_name", "fields"]
        validators = []


class UnitSerializer(CongressOwnedSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = [
            "id",
            "name",
            "congress",
            "congress_name",
            "kind",
            "kind_label",
            "head",
            "contact_person",
            "contact_phone",
            "is_active",
        ]
        validators = []


class CommitteeMemberSerializer(CongressOwnedSerializer):
    groups = ScopedPrimaryKeyRelatedField(
        _own_groups, queryset=ActivityGroup.objects.all(), many=True, required=False, help_text="联系的代表小组"
    )

    class Meta:
        model = CommitteeMember
        fields = ["id", "name", "congress", "congress_name", "title", "is_leader", "user", "groups"]
        read_only_fields = ["user"]
