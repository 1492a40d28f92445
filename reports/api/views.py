"""/api/v1/reports/: report jobs of the user's scope. POST only creates the job and queues it (202 with its id);
GET a job for its status and progress; download when done."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .. import permissions, services
from ..models import ReportJob
from .serializers import ReportJobSerializer, ReportRequestSerializer


class ReportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportJobSerializer
    filterset_fields = ["kind", "year", "status", "format"]
    ordering_fields = ["created_at", "year"]

    def get_queryset(self):
        if not permissions.can_open(self.request.user):
            raise PermissionDenied("无权查看年度报告")
        return permissions.visible_jobs(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportJobSerializer}, summary="申请生成报告")
    def create(self, request):
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            congress, unit, person = permissions.resolve_subject(
                request.user, kind=v["kind"], congress_id=v.get("congress"), unit_id=v.get("unit"),
                person_id=v.get("deputy"),
            )  # fmt: skip
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        job = services.request_report(
            actor=request.user, congress=congress, kind=v["kind"], year=v["year"], fmt=v["format"], unit=unit,
            person=person,
        )  # fmt: skip
        return Response(ReportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes}, summary="下载报告文件")
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != ReportJob.Status.DONE or not job.file:
            raise Http404("报告尚未生成")
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)

    @action(detail=True, methods=["post"], url_path="retry", url_name="retry")
    def retry(self, request, pk=None):
        job = services.retry_job(self.get_object(), actor=request.user)
        return Response(ReportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
