"""The engagement API, scoped by engagement.permissions like the pages: a department sees only its own report
requests, a deputy only what targets them (404 outside scope, 403 for an action the role never has, 409 for an
illegal transition)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .. import permissions, services, stats
from . import serializers as s


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.NoticeSerializer
    filterset_fields = ["kind", "important", "congress"]
    search_fields = ["title"]

    def get_queryset(self):
        return stats.annotate_receipts(permissions.visible_notices(self.request.user)).order_by("-published_at", "-id")

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        receipt = _call(services.read_notice, self.get_object(), actor=request.user)
        return Response({"read_at": receipt.read_at})


class ReportRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReportRequestSerializer
    filterset_fields = ["status", "round", "unit"]

    def get_queryset(self):
        return (
            permissions.visible_report_requests(self.request.user)
            .select_related("round", "unit")
            .order_by("-round__due_date", "id")
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        req = _call(
            services.submit_report,
            self.get_object(),
            actor=request.user,
            content=request.data.get("content", ""),
            file=request.FILES.get("file"),
        )
        return Response(self.get_serializer(req).data)


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TopicSerializer
    filterset_fields = ["kind", "plan"]

    def get_queryset(self):
        return (
            permissions.visible_topics(self.request.user)
            .select_related("plan")
            .prefetch_related("claims")
            .order_by("id")
        )


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.InvitationSerializer
    filterset_fields = ["kind", "date"]

    def get_queryset(self):
        return permissions.visible_invitations(self.request.user).order_by("-date", "-id")

    def _reply(self, request):
        invitation = self.get_object()
        reply = (
            permissions.visible_replies(request.user)
            .filter(invitation=invitation, person_id=request.user.person_id)
            .first()
        )
        if reply is None:
            raise PermissionDenied("只有受邀代表本人可以答复。")
        return reply

    @action(detail=True, methods=["get"])
    def replies(self, request, pk=None):
        rows = permissions.visible_replies(request.user).filter(invitation=self.get_object()).select_related("person")
        return Response(s.ReplySerializer(rows, many=True).data)

    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        body = s.AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply = _call(services.answer_invitation, self._reply(request), actor=request.user, **body.validated_data)
        return Response(s.ReplySerializer(reply).data)

    @action(detail=True, methods=["post"])
    def attended(self, request, pk=None):
        reply = self._reply(request)
        record = _call(services.record_attendance, reply, actor=request.user)
        return Response({"duty_record": record.pk if record else None, "status": record.status if record else None})


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.VisitSerializer
    filterset_fields = ["member", "group", "way"]

    def get_queryset(self):
        return (
            permissions.visible_visits(self.request.user)
            .select_related("member")
            .prefetch_related("persons")
            .order_by("-date", "-id")
        )


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ConsultationSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            permissions.visible_consultations(self.request.user)
            .prefetch_related("units")
            .order_by("-created_at", "-id")
        )


class SpecialReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SpecialReportSerializer
    filterset_fields = ["status", "year"]

    def get_queryset(self):
        return (
            permissions.visible_special_reports(self.request.user)
            .prefetch_related("sources")
            .order_by("-year", "-number", "-id")
        )
