"""The suggestion API (/api/v1/suggestions/, /api/v1/assignments/, /api/v1/attachments/).

Every queryset starts from suggestions.permissions (out of scope → 404, never listed). Every action is
POST /api/v1/suggestions/{id}/{action}/ and runs one service, which asks suggestions.workflow whether it is legal:
a role that never takes the action → 403, an illegal state → 409 (core.api.exceptions), bad input → 400.
"""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import UNIT_ROLES, Role

from .. import services, workflow
from ..models import Assignment, Attachment, Suggestion
from ..permissions import is_office, visible_assignments, visible_attachments, visible_suggestions
from . import serializers as ser

# Timeline steps internal to a unit (drafting an answer, the head sending it back), hidden from deputies.
INTERNAL_STEPS = ("answer", "reject_answer")

# --- filters ----------------------------------------------------------------------------------------------------------


def _open_past_due():
    return Assignment.objects.filter(
        suggestion=OuterRef("pk"), state__in=Assignment.OPEN_STATES, due_date__lt=timezone.localdate()
    )


class SuggestionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    meeting = django_filters.NumberFilter()
    state = django_filters.MultipleChoiceFilter(choices=Suggestion.State.choices)
    category = django_filters.NumberFilter()
    committee = django_filters.NumberFilter()
    is_key = django_filters.BooleanFilter()
    unit = django_filters.NumberFilter(method="filter_unit", label="承办单位")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="超期未办")
    search = django_filters.CharFilter(method="filter_search", label="标题或编号")

    class Meta:
        model = Suggestion
        fields = ["year", "meeting", "state", "category", "committee", "is_key"]

    def filter_unit(self, qs, name, value):
        return qs.filter(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=value)))

    def filter_overdue(self, qs, name, value):
        return qs.filter(Exists(_open_past_due())) if value else qs.exclude(Exists(_open_past_due()))

    def filter_search(self, qs, name, value):
        value = value.strip()
        cond = Q(title__icontains=value)
        digits = "".join(ch for ch in value if "0" <= ch <= "9")  # ASCII only: "²".isdigit() is true, int() fails
        if digits and len(digits) < 9:
            cond |= Q(number=int(digits))
        return qs.filter(cond)


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Assignment.State.choices)
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="待办")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="超期")
    suggestion = django_filters.NumberFilter()

    class Meta:
        model = Assignment
        fields = ["state", "role", "suggestion"]

    def filter_open(self, qs, name, value):
        cond = Q(state__in=Assignment.OPEN_STATES)
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_overdue(self, qs, name, value):
        cond = Q(state__in=Assignment.OPEN_STATES, due_date__lt=timezone.localdate())
        return qs.filter(cond) if value else qs.exclude(cond)


def with_phone_visibility(qs, user):
    """Annotate `lead_phone_visible` in the query (as suggestions.permissions.can_see_lead_phone decides), so a
    list costs the same number of queries whatever its length."""
    if user.is_superuser or user.has_role(Role.ADMIN, Role.STAFF, Role.TOWN_STAFF):
        return qs.annotate(lead_phone_visible=Value(True, output_field=BooleanField()))
    cond = Q(pk__in=[])
    if user.person_id:
        cond |= Q(lead_deputy_id=user.person_id)
    if user.unit_id and user.role_set & UNIT_ROLES:
        cond |= Q(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), unit_id=user.unit_id)))
    return qs.annotate(lead_phone_visible=ExpressionWrapper(cond, output_field=BooleanField()))


# --- suggestions ------------------------------------------------------------------------------------------------------


def _action_view(path: str, serializer_class):
    def handler(self, request, pk=None):
        suggestion = self.get_object()
        data = serializer_class(data=request.data, context={"request": request, "suggestion": suggestion})
        data.is_valid(raise_exception=True)
        data.perform(suggestion, request.user)
        return Response(self._detail(suggestion.pk))

    handler.__name__ = path.replace("-", "_")
    handler.__doc__ = f"{path}: {serializer_class.__doc__ or ''}".strip()
    return action(detail=True, methods=["post"], url_path=path, serializer_class=serializer_class)(handler)


class SuggestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """代表建议: list, detail, a deputy's draft (create/update) and every workflow action."""

    filterset_class = SuggestionFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["number", "submitted_at", "accepted_at", "answered_at", "id"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    queryset = Suggestion.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        user = self.request.user
        qs = visible_suggestions(user).select_related(
            "meeting__term", "category", "committee", "lead_deputy", "key_leader", "key_committee"
        )
        return with_phone_visibility(qs, user).order_by("-year", "number", "-id")

    def get_serializer_class(self):
        if self.action == "list":
            return ser.SuggestionListSerializer
        if self.action in ("create", "update", "partial_update"):
            return ser.DraftSerializer
        return ser.SuggestionDetailSerializer

    def _detail(self, pk: int) -> dict:
        obj = self.get_queryset().get(pk=pk)
        return ser.SuggestionDetailSerializer(obj, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        data = ser.DraftSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        suggestion = data.create_draft(request.user)
        return Response(self._detail(suggestion.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        suggestion = self.get_object()
        partial = kwargs.get("partial", False)
        data = ser.DraftSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        data.update_draft(suggestion, request.user)
        return Response(self._detail(suggestion.pk))

    @extend_schema(request=ser.EnterSerializer, responses={201: ser.SuggestionDetailSerializer})
    @action(detail=False, methods=["post"], serializer_class=ser.EnterSerializer, filter_backends=[])
    def enter(self, request):
        """代为录入: office staff enter a suggestion a deputy handed in on paper; it starts as submitted."""
        if not is_office(request.user):
            raise PermissionDenied("只有代表工委工作人员可以代为录入建议")
        data = ser.EnterSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        suggestion = data.enter(request.user)
        return Response(self._detail(suggestion.pk), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ser.TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """办理过程: every transition of the item (a unit sees its own assignments' steps and the item's)."""
        suggestion = self.get_object()
        qs = suggestion.transitions.select_related("assignment__unit")
        user = request.user
        unit_only = (
            user.unit_id
            and user.role_set & UNIT_ROLES
            and not user.has_role(Role.STAFF, Role.LEADER, Role.TOWN_STAFF, Role.ADMIN, Role.COMMITTEE)
        )
        if unit_only and not user.is_superuser:
            qs = qs.filter(Q(assignment__isnull=True) | Q(assignment__unit_id=user.unit_id))
        elif not (workflow.roles_of(user, suggestion) & {workflow.STAFF, workflow.LEADER, workflow.COMMITTEE}):
            # Deputies follow the official steps, not a unit's internal drafting and review of its answer.
            qs = qs.exclude(action__in=INTERNAL_STEPS)
        return Response(ser.TransitionSerializer(qs, many=True).data)

    @extend_schema(methods=["GET"], responses=ser.AttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ser.UploadSerializer, responses={201: ser.AttachmentSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ser.UploadSerializer,
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request, pk=None):
        """附件: list the files you may see; upload one (≤ 20 MB; PDF, JPG, PNG, DOCX, XLSX, by content)."""
        suggestion = self.get_object()
        if request.method == "GET":
            qs = visible_attachments(request.user).filter(suggestion=suggestion)
            return Response(ser.AttachmentSerializer(qs, many=True).data)
        data = ser.UploadSerializer(data=request.data, context={"request": request, "suggestion": suggestion})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        att = services.store_attachment(
            suggestion, d["file"], actor=request.user, kind=d["kind"], assignment=d.get("assignment")
        )
        return Response(ser.AttachmentSerializer(att).data, status=status.HTTP_201_CREATED)


for _path, _serializer in ser.ACTIONS.items():
    setattr(SuggestionViewSet, _path.replace("-", "_"), _action_view(_path, _serializer))


# --- assignments (a unit's to-do list) and attachments ----------------------------------------------------------------


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """交办: a unit's to-do list ordered by due date, with overdue and near-due marks."""

    serializer_class = ser.TodoSerializer
    filterset_class = AssignmentFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["due_date", "assigned_at", "id"]
    queryset = Assignment.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return (
            visible_assignments(self.request.user)
            .select_related("unit", "suggestion__lead_deputy")
            .order_by("due_date", "id")
        )


class AttachmentViewSet(viewsets.GenericViewSet):
    """Downloads go through the permission check: a file outside your items answers 404."""

    queryset = Attachment.objects.none()
    serializer_class = ser.AttachmentSerializer

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        att, fh = services.open_attachment(request.user, pk)
        return FileResponse(fh, as_attachment=True, filename=att.name, content_type=att.content_type or None)
