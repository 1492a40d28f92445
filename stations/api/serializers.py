from django.utils import timezone
from rest_framework import serializers

from core.masking import mask_phone

from .. import permissions
from ..models import Category, DutySlot, Message, MessageNote, Reception, Roster, Station


class StationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    deputies = serializers.SerializerMethodField()

    class Meta:
        model = Station
        fields = [
            "id", "congress", "kind", "kind_display", "name", "area", "township", "township_name", "sector", "address",
            "opening_hours", "reception_weekdays", "reception_hours", "deputies_per_day", "phone", "description",
            "checklist", "is_active", "deputies",
        ]  # fmt: skip
        read_only_fields = ["township"]

    def get_deputies(self, obj) -> list[dict]:
        return [
            {"person": m.person_id, "name": m.person.name, "order": m.order}
            for m in obj.memberships.all()
            if m.is_active
        ]


class SlotSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DutySlot
        fields = ["id", "date", "person", "person_name", "status", "status_display", "note"]


class RosterSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)

    class Meta:
        model = Roster
        fields = ["id", "station", "start", "end", "published_at", "created_at", "slots"]


class GenerateRosterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("month", "月"), ("quarter", "季度")])
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=1, max_value=12)
    publish = serializers.BooleanField(default=False)


class ReceptionSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    deputy_name = serializers.CharField(source="deputy.name", read_only=True, default="")
    handling_display = serializers.CharField(source="get_handling_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    date = serializers.DateField(default=timezone.localdate)

    class Meta:
        model = Reception
        fields = [
            "id", "station", "station_name", "date", "deputy", "deputy_name", "visitor_name", "visitor_phone",
            "visitor_count", "topic", "content", "category", "handling", "handling_display", "answer", "unit",
            "suggestion", "status", "status_display", "result", "resolved_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["handling", "answer", "unit", "suggestion", "status", "result", "resolved_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not permissions.can_see_contacts(request.user):
            data["visitor_phone"] = mask_phone(instance.visitor_phone)
        return data


class ReceptionActionSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False)


class NoteSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = MessageNote
        fields = ["kind", "kind_display", "text", "author_label", "created_at"]


class MessageSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "code", "station", "station_name", "person", "person_name", "topic", "content", "category",
            "contact_name", "contact_phone", "consent_text", "consented_at", "status", "status_display", "reply",
            "replied_at", "unit", "suggestion", "result", "closed_at", "rating", "rating_comment", "created_at",
            "notes",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not permissions.can_see_message_contact(request.user, instance):
            data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


class MessageActionSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False)
    deputy = serializers.IntegerField(required=False)


class PublicStationSerializer(serializers.ModelSerializer):
    """Only what the public page shows: no personal data."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    reception_days = serializers.CharField(source="weekdays_label", read_only=True)
    deputies = serializers.SerializerMethodField()
    this_week = serializers.SerializerMethodField()

    class Meta:
        model = Station
        fields = [
            "id", "name", "kind", "kind_display", "township_name", "sector", "address", "opening_hours",
            "reception_days", "reception_hours", "phone", "deputies", "this_week",
        ]  # fmt: skip

    def get_deputies(self, obj) -> list[str]:
        return [m.person.name for m in obj.memberships.all() if m.is_active]

    def get_this_week(self, obj) -> list[dict]:
        week = self.context.get("week")
        if week is None:
            return []
        return [
            {"date": s.date, "deputies": [s.person.name]}
            for s in obj.slots.all()
            if week[0] <= s.date <= week[1] and s.roster.published_at
        ]
