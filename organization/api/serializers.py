from rest_framework import serializers

from accounts.models import User
from accounts.scopes import manageable_congresses
from core.api.fields import ScopedPrimaryKeyRelatedField, TextField
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term


def _terms(user):
    return Term.objects.filter(congress__in=manageable_congresses(user))


def _member_users(user):
    return User.objects.filter(congress__in=manageable_congresses(user), is_active=True)


def _parent_areas(user):
    from .views import writable_areas

    return writable_areas(user)


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = ScopedPrimaryKeyRelatedField(_parent_areas, queryset=Area.objects.all(), allow_null=True, required=False)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = Area
        fields = ["id", "name", "code", "level", "level_label", "parent", "parent_name", "is_street"]
        validators = []  # full_clean in the service checks (parent, name) with the model's message


class CongressSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True, default=None)
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


class TermSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, help_text="如 第十八届")
    congress = ScopedPrimaryKeyRelatedField(manageable_congresses, queryset=Congress.objects.all())
    congress_name = TextField(source="congress")

    class Meta:
        model = Term
        fields = ["id", "name", "congress", "congress_name", "number", "start", "end"]
        validators = []

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期。"})
        return attrs


class MeetingSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="如 第十八届第三次会议")
    term = ScopedPrimaryKeyRelatedField(_terms, queryset=Term.objects.all())
    congress = serializers.IntegerField(source="term.congress_id", read_only=True)
    congress_name = TextField(source="term.congress")

    class Meta:
        model = Meeting
        fields = ["id", "name", "term", "congress", "congress_name", "number", "start", "end"]
        validators = []

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": "闭幕日期不能早于开幕日期。"})
        return attrs


class CongressOwnedSerializer(serializers.ModelSerializer):
    congress = ScopedPrimaryKeyRelatedField(manageable_congresses, queryset=Congress.objects.all())
    congress_name = TextField(source="congress")


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
    user = ScopedPrimaryKeyRelatedField(_member_users, queryset=User.objects.all(), allow_null=True, required=False)

    class Meta:
        model = CommitteeMember
        fields = ["id", "name", "congress", "congress_name", "title", "is_leader", "user"]
