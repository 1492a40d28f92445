from rest_framework import serializers

from organization.models import Congress

from ..models import CheckIn, Enrolment, Kind, TrainingDay, TrainingSession


class DaySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = TrainingDay
        fields = ["id", "date", "start_time", "end_time", "place", "hours"]
        extra_kwargs = {"hours": {"required": False}}


class SessionSerializer(serializers.ModelSerializer):
    days = DaySerializer(many=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    congress_name = serializers.CharField(source="congress.__str__", read_only=True)
    target_levels = serializers.ListField(child=serializers.ChoiceField(choices=Congress.Level.choices), required=False)
    kind = serializers.ChoiceField(choices=Kind.choices)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "congress",
            "congress_name",
            "kind",
            "kind_display",
            "title",
            "lecturers",
            "planned_hours",
            "description",
            "target_levels",
            "target_townships",
            "target_groups",
            "target_persons",
            "materials",
            "days",
            "invited_at",
            "created_at",
        ]
        read_only_fields = ["invited_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from deputies.permissions import visible_groups, visible_persons, visible_townships

            from .. import permissions

            user = request.user
            fields["congress"].queryset = permissions.organiser_congresses(user)
            fields["target_townships"].child_relation.queryset = visible_townships(user)
            fields["target_groups"].child_relation.queryset = visible_groups(user)
            fields["target_persons"].child_relation.queryset = visible_persons(user)
            fields["materials"].child_relation.queryset = permissions.visible_materials(user)
        return fields


class EnrolmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "person",
            "person_name",
            "status",
            "status_display",
            "outside_target",
            "invited_at",
            "responded_at",
            "leave_reason",
            "leave_decided_at",
            "leave_note",
        ]
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="enrolment.person_id", read_only=True)
    person_name = serializers.CharField(source="enrolment.person.name", read_only=True)
    session = serializers.IntegerField(source="day.session_id", read_only=True)
    date = serializers.DateField(source="day.date", read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "session",
            "day",
            "date",
            "enrolment",
            "person",
            "person_name",
            "checked_at",
            "method",
            "manual_reason",
            "flagged",
            "is_late",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ManualCheckInSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    person = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)


class QrCheckInSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    token = serializers.CharField(max_length=200)
