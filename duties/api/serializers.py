"""API shapes of the duty archive. Keys a user may pick are limited to what they may see."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, TextField
from deputies.models import ActivityGroup, Person
from deputies.permissions import visible_persons

from .. import permissions
from ..models import (
    AssessmentItem,
    AssessmentRuleSet,
    DutyRecord,
    DutyType,
    Interview,
    MeetingAttendance,
    Score,
    VoterReport,
)


def _recordable(user):
    own = Person.objects.filter(pk=user.person_id) if user.person_id else Person.objects.none()
    return (permissions.recordable_persons(user) | own).distinct()


class DutyRecordSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(scope=_recordable, queryset=Person.objects.all())
    person_name = TextField(source="person")
    type = serializers.SlugRelatedField(slug_field="code", queryset=DutyType.objects.filter(is_active=True))
    type_name = TextField(source="type")
    group = serializers.PrimaryKeyRelatedField(queryset=ActivityGroup.objects.all(), required=False, allow_null=True)
    co_participants = ScopedPrimaryKeyRelatedField(
        scope=visible_persons, queryset=Person.objects.all(), many=True, required=False
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    photos = serializers.SerializerMethodField()
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="代表本人：直接提交审核"
    )

    class Meta:
        model = DutyRecord
        fields = [
            "id", "person", "person_name", "type", "type_name", "date", "place", "title", "content", "hours",
            "group", "co_participants", "status", "status_display", "return_reason", "verified_by", "verified_at",
            "source", "photos", "created_at", "updated_at", "submit",
        ]  # fmt: skip
        read_only_fields = ["status", "return_reason", "verified_by", "verified_at", "source"]

    def get_photos(self, obj) -> list[str]:
        from django.urls import reverse

        return [reverse("duties:photo", args=[p.pk]) for p in obj.photos.all()]


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MeetingAttendanceSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(scope=visible_persons, queryset=Person.objects.all())
    person_name = TextField(source="person")
    meeting_name = serializers.CharField(source="meeting_label", read_only=True)

    class Meta:
        model = MeetingAttendance
        fields = [
            "id", "person", "person_name", "meeting", "standing_meeting", "meeting_name", "status",
            "leave_half_days", "note", "recorded_at",
        ]  # fmt: skip


class VoterReportSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(scope=visible_persons, queryset=Person.objects.all())
    person_name = TextField(source="person")
    satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = VoterReport
        fields = [
            "id", "person", "person_name", "date", "place", "voters_present", "satisfied", "basically_satisfied",
            "unsatisfied", "satisfaction_rate", "note", "created_at",
        ]  # fmt: skip


class AssessmentItemSerializer(serializers.ModelSerializer):
    duty_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = AssessmentItem
        fields = ["id", "duty_type", "special", "label", "points", "cap"]


class AssessmentRuleSetSerializer(serializers.ModelSerializer):
    congress_name = TextField(source="congress")
    items = AssessmentItemSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentRuleSet
        fields = [
            "id", "congress", "congress_name", "year", "name", "base_points", "max_points", "good_threshold",
            "fair_threshold", "items", "updated_at",
        ]  # fmt: skip


class ScoreSerializer(serializers.ModelSerializer):
    person_name = TextField(source="person")
    band_display = serializers.CharField(source="get_band_display", read_only=True)
    congress = serializers.IntegerField(source="rule_set.congress_id", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id", "person", "person_name", "rule_set", "congress", "year", "points", "band", "band_display",
            "breakdown", "computed_at",
        ]  # fmt: skip


class InterviewSerializer(serializers.ModelSerializer):
    person = ScopedPrimaryKeyRelatedField(scope=visible_persons, queryset=Person.objects.all())
    person_name = TextField(source="person")

    class Meta:
        model = Interview
        fields = [
            "id", "person", "person_name", "congress", "year", "date", "interviewers", "outcome",
            "advised_resignation", "created_at",
        ]  # fmt: skip
        read_only_fields = ["congress"]
