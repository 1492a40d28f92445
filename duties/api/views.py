"""The duty archive's API: duty records (with submit / verify / return), meeting attendance, 述职, assessment
rules, scores and interviews. Querysets come from duties.permissions (a deputy: their own); writes go through
duties.services, so the API and the pages keep the same rules (403 a role that never may, 404 outside the scope,
409 an illegal state change)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.viewsets import ReadOnlyScopedViewSet, ScopedViewSet
from deputies.models import Person

from .. import permissions, services
from ..models import AssessmentItem, AssessmentRuleSet, DutyRecord, Interview, MeetingAttendance, Score, VoterReport
from .serializers import (
    AssessmentRuleSetSerializer,
    DutyRecordSerializer,
    InterviewSerializer,
    MeetingAttendanceSerializer,
    ReturnSerializer,
    ScoreSerializer,
    VoterReportSerializer,
)


def _service(call):
    """Run a service; its PermissionDenied becomes the API's 403."""
    try:
        return call()
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


@extend_schema_view(
    list=extend_schema(summary="履职记录", description="按权限范围列出：代表只看到本人的记录。"),
    create=extend_schema(
        summary="记录履职", description="代表本人记录为草稿（submit=true 直接提交）；工作人员代记即审核通过。"
    ),
)
class DutyRecordViewSet(ScopedViewSet):
    queryset = DutyRecord.objects.all()
    serializer_class = DutyRecordSerializer
    filterset_fields = ["person", "status", "type__code", "group"]
    search_fields = ["title", "person__name"]
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def visible(self, user):
        return permissions.visible_records(user)

    def optimise(self, qs):
        return qs.select_related("person", "type").prefetch_related(
            Prefetch("co_participants", queryset=Person.objects.only("id")), "photos"
        )

    def can_write(self, user) -> bool:
        return bool(user.person_id) or permissions.records_for_others(user)

    def can_change(self, user, obj) -> bool:
        return permissions.can_edit_record(user, obj) or permissions.can_verify(user, obj)

    def _split(self, data):
        co = data.pop("co_participants", None)
        submit = data.pop("submit", False)
        data.pop("person", None)
        return data, co, submit

    def create_object(self, data):
        person = data["person"]
        data, co, submit = self._split(data)
        return _service(
            lambda: services.log_duty(
                actor=self.request.user, person=person, data=data, co_participants=co or (), submit=submit
            )
        )

    def update_object(self, instance, data):
        data, co, _submit = self._split(data)
        return _service(lambda: services.update_duty(instance, actor=self.request.user, data=data, co_participants=co))

    def delete_object(self, instance):
        _service(lambda: services.delete_duty(instance, actor=self.request.user))

    def _act(self, call):
        record = self.get_object()
        _service(lambda: call(record))
        return Response(self.get_serializer(self._reread(record)).data)

    @extend_schema(request=None, summary="提交审核（代表本人）")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(lambda r: services.submit_duty(r, actor=request.user))

    @extend_schema(request=None, summary="审核通过（小组联络员或工作人员）")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._act(lambda r: services.verify_duty(r, actor=request.user))

    @extend_schema(request=ReturnSerializer, summary="退回修改（须填原因）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(lambda r: services.return_duty(r, actor=request.user, reason=body.validated_data["reason"]))


@extend_schema_view(create=extend_schema(summary="记录出席情况（同一代表同一会议再次提交即更正）"))
class MeetingAttendanceViewSet(ScopedViewSet):
    queryset = MeetingAttendance.objects.all()
    serializer_class = MeetingAttendanceSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["person", "meeting", "standing_meeting", "status"]
    ordering = ["-id"]

    def visible(self, user):
        return permissions.visible_attendance(user)

    def optimise(self, qs):
        return qs.select_related("person", "meeting__term__congress", "standing_meeting")

    def can_write(self, user) -> bool:
        return permissions.is_keeper(user)

    def create_object(self, data):
        return _service(lambda: services.record_attendance(actor=self.request.user, **data))


class VoterReportViewSet(ScopedViewSet):
    queryset = VoterReport.objects.all()
    serializer_class = VoterReportSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["person"]
    ordering = ["-date", "-id"]

    def visible(self, user):
        return permissions.visible_voter_reports(user)

    def optimise(self, qs):
        return qs.select_related("person")

    def can_write(self, user) -> bool:
        return permissions.records_for_others(user)

    def create_object(self, data):
        person = data.pop("person")
        return _service(lambda: services.record_voter_report(actor=self.request.user, person=person, data=data))


class AssessmentRuleSetViewSet(ReadOnlyScopedViewSet):
    serializer_class = AssessmentRuleSetSerializer
    filterset_fields = ["year", "congress"]
    ordering = ["-year", "congress_id"]

    queryset = AssessmentRuleSet.objects.all()

    def visible(self, user):
        return permissions.visible_rule_sets(user)

    def optimise(self, qs):
        return qs.select_related("congress").prefetch_related(
            Prefetch("items", queryset=AssessmentItem.objects.select_related("duty_type"))
        )


class ScoreViewSet(ReadOnlyScopedViewSet):
    """Scores, sorted by the deputy's name (bands, not a league table)."""

    queryset = Score.objects.all()
    serializer_class = ScoreSerializer
    filterset_fields = ["year", "band", "person", "rule_set"]
    ordering_fields = ["person__name_initials", "year"]
    ordering = ["person__name_initials", "person_id"]

    def visible(self, user):
        return permissions.visible_scores(user)

    def optimise(self, qs):
        return qs.select_related("person", "rule_set")


class InterviewViewSet(ScopedViewSet):
    queryset = Interview.objects.all()
    serializer_class = InterviewSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["person", "year"]
    ordering = ["-date", "-id"]

    def visible(self, user):
        return permissions.visible_interviews(user)

    def optimise(self, qs):
        return qs.select_related("person")

    def can_write(self, user) -> bool:
        return permissions.is_keeper(user)

    def create_object(self, data):
        person = data.pop("person")
        congress = self.request.user.congress
        if congress is None:
            raise PermissionDenied("约谈记录由本级人大工作人员登记")
        return _service(
            lambda: services.record_interview(actor=self.request.user, person=person, congress=congress, data=data)
        )
