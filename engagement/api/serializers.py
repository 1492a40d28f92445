from rest_framework import serializers

from .. import sources
from ..models import (
    ConsultationItem,
    Invitation,
    InvitationReply,
    Notice,
    ReportRequest,
    SpecialReport,
    SpecialReportSource,
    Topic,
    TopicClaim,
    Visit,
)


class NoticeSerializer(serializers.ModelSerializer):
    reached = serializers.IntegerField(read_only=True)
    read = serializers.IntegerField(read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "congress",
            "kind",
            "title",
            "body",
            "important",
            "reach",
            "target_townships",
            "target_groups",
            "published_at",
            "reached",
            "read",
        ]
        read_only_fields = ["congress", "published_at"]


class ReportRequestSerializer(serializers.ModelSerializer):
    round_title = serializers.CharField(source="round.title", read_only=True)
    period = serializers.CharField(source="round.period", read_only=True)
    due_date = serializers.DateField(source="round.due_date", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ReportRequest
        fields = [
            "id",
            "round",
            "round_title",
            "period",
            "due_date",
            "unit",
            "unit_name",
            "status",
            "content",
            "submitted_at",
            "note",
        ]
        read_only_fields = ["round", "unit", "status", "submitted_at", "note"]


class ClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicClaim
        fields = ["id", "group", "township", "status", "result", "finished_on"]


class TopicSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "plan", "plan_title", "year", "kind", "title", "description", "due_date", "claims"]


class ReplySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = InvitationReply
        fields = ["id", "person", "person_name", "answer", "reason", "answered_at", "attended"]


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "congress", "kind", "title", "date", "place", "hours", "reply_by", "content"]


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VisitSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "member", "member_name", "date", "way", "group", "persons", "content"]


class ConsultationSerializer(serializers.ModelSerializer):
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationItem
        fields = [
            "id",
            "title",
            "content",
            "deputy",
            "units",
            "status",
            "meeting_date",
            "attendees",
            "agreed",
            "outcome",
            "suggestion",
            "source_kind",
            "source_id",
            "source_label",
            "source_url",
        ]

    def get_source_url(self, obj) -> str:
        return sources.url(obj.source_kind, obj.source_id)


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SpecialReportSource
        fields = ["source_kind", "source_id", "source_label", "url"]

    def get_url(self, obj) -> str:
        return sources.url(obj.source_kind, obj.source_id)


class SpecialReportSerializer(serializers.ModelSerializer):
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = SpecialReport
        fields = [
            "id",
            "year",
            "number",
            "title",
            "content",
            "status",
            "sent_to",
            "sent_at",
            "instructed_by",
            "instruction",
            "follow_up",
            "sources",
        ]
