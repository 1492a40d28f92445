from django.urls import reverse
from rest_framework import serializers

from ..models import Format, Kind, ReportJob


class ReportJobSerializer(serializers.ModelSerializer):
    requested_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id", "kind", "year", "format", "congress", "unit", "person", "title", "status", "progress", "error",
            "size", "requested_by", "created_at", "started_at", "finished_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ReportJob.Status.DONE:
            return None
        return reverse("api-report-download", args=[job.pk])


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, error_messages={"invalid_choice": "报告种类无效"})
    year = serializers.IntegerField(min_value=2000, max_value=2100, error_messages={"invalid": "年度应为四位数字"})
    format = serializers.ChoiceField(choices=Format.choices, default=Format.PDF)
    congress = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False)
    deputy = serializers.IntegerField(required=False)
