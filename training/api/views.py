"""The training API: sessions, enrolments and check-ins, scoped by training.permissions like the pages
(404 outside scope, 403 for an action the role never has, 409 for an illegal transition)."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import CharField, Value
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from deputies.permissions import visible_persons

from .. import permissions, services
from ..models import CheckIn, TrainingDay, TrainingSession
from . import serializers as s


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


class SessionFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="days__date", lookup_expr="year", distinct=True)

    class Meta:
        model = TrainingSession
        fields = ["kind", "congress", "year"]


TARGETS = ("target_townships", "target_groups", "target_persons", "materials")


def attach_targets(sessions) -> None:
    """Read the ids of the four many-to-many fields of a page of sessions in one query (a UNION ALL over their link
    tables) instead of four prefetches, and hand them to the serializer as prefetched objects (id only, in id order).
    Keeps the list within the API's query budget (tests/api/test_lists.py)."""
    sessions = list(sessions)
    if not sessions:
        return
    ids = [s.pk for s in sessions]
    parts = []
    for name in TARGETS:
        field = TrainingSession._meta.get_field(name)
        through = field.remote_field.through._meta
        source = through.get_field(field.m2m_field_name()).attname
        target = through.get_field(field.m2m_reverse_field_name()).attname
        parts.append(
            field.remote_field.through.objects.filter(**{f"{source}__in": ids})
            .annotate(relation=Value(name, output_field=CharField()))
            .values_list(source, target, "relation")
        )
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for session_id, target_id, name in parts[0].union(*parts[1:], all=True):
        found[(session_id, name)].append(target_id)
    for session in sessions:
        cache = session.__dict__.setdefault("_prefetched_objects_cache", {})
        for name in TARGETS:
            related = TrainingSession._meta.get_field(name).related_model
            qs = getattr(session, name).all()
            qs._result_cache = [related(pk=pk) for pk in sorted(found[(session.pk, name)])]
            qs._prefetch_done = True
            cache[name] = qs


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.SessionSerializer
    filterset_class = SessionFilter
    search_fields = ["title", "lecturers"]
    ordering_fields = ["id", "title"]

    def get_queryset(self):
        return (
            permissions.visible_sessions(self.request.user)
            .select_related("congress")
            .prefetch_related("days", *(() if self.action in ("list", "retrieve") else TARGETS))
            .order_by("-id")
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        attach_targets(page if page is not None else queryset)
        return page

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        attach_targets([session])
        return Response(self.get_serializer(session).data)

    def _data(self, serializer):
        data = dict(serializer.validated_data)
        days = [dict(d) for d in data.pop("days", [])] if "days" in data else None
        return data, days

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, days = self._data(serializer)
        session = _call(services.create_session, actor=request.user, days=days or [], **data)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        if not permissions.can_manage(request.user, session):
            raise PermissionDenied("只有主办人大的工作人员可以修改培训班。")
        serializer = self.get_serializer(session, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data, days = self._data(serializer)
        session = _call(services.update_session, session, actor=request.user, days=days, **data)
        return Response(self.get_serializer(session).data)

    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        session = self.get_object()
        n = _call(services.invite_target, session, actor=request.user)
        return Response({"invited": n})


class EnrolmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.EnrolmentSerializer
    filterset_fields = ["session", "status", "person", "outside_target"]

    def get_queryset(self):
        return permissions.visible_enrolments(self.request.user).select_related("person").order_by("session_id", "id")

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        enrolment = _call(services.confirm, self.get_object(), actor=request.user)
        return Response(self.get_serializer(enrolment).data)

    @action(detail=True, methods=["post"], url_path="request-leave")
    def request_leave(self, request, pk=None):
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enrolment = _call(
            services.request_leave, self.get_object(), actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(enrolment).data)

    @action(detail=True, methods=["post"], url_path="approve-leave")
    def approve_leave(self, request, pk=None):
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enrolment = _call(
            services.approve_leave, self.get_object(), actor=request.user, note=body.validated_data.get("note", "")
        )
        return Response(self.get_serializer(enrolment).data)

    @action(detail=True, methods=["post"], url_path="refuse-leave")
    def refuse_leave(self, request, pk=None):
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enrolment = _call(
            services.refuse_leave, self.get_object(), actor=request.user, note=body.validated_data.get("note", "")
        )
        return Response(self.get_serializer(enrolment).data)


class CheckInViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CheckInSerializer
    filterset_fields = ["day", "flagged", "method"]

    def get_queryset(self):
        return (
            CheckIn.objects.filter(enrolment__in=permissions.visible_enrolments(self.request.user))
            .select_related("enrolment__person", "day")
            .order_by("-checked_at", "-id")
        )

    @action(detail=False, methods=["post"])
    def manual(self, request):
        body = s.ManualCheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day = get_object_or_404(
            TrainingDay.objects.select_related("session").filter(
                session__in=permissions.visible_sessions(request.user)
            ),
            pk=body.validated_data["day"],
        )
        person = get_object_or_404(visible_persons(request.user), pk=body.validated_data["person"])
        checkin, created = _call(
            services.check_in_by_hand, day, actor=request.user, person=person, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(checkin).data, status=201 if created else 200)

    @action(detail=False, methods=["post"])
    def scan(self, request):
        """A deputy's app posts the scanned code: {day, token}."""
        body = s.QrCheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        checkin, created = services.check_in_by_qr(
            actor=request.user, day_id=body.validated_data["day"], token=body.validated_data["token"]
        )
        return Response(self.get_serializer(checkin).data, status=201 if created else 200)
