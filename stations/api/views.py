"""The stations API, scoped by stations.permissions like the pages (404 outside scope, 403 for an action the role
never has, 409 for an illegal transition). Writes go through stations.services. The public endpoints show only
what the public station pages show."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from deputies.models import Person
from organization.models import HandlingUnit

from .. import permissions, public, services
from ..models import DutySlot, Roster, StationDeputy
from . import serializers as s


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


class StaffOnly:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_open_staff_pages(request.user):
            raise PermissionDenied("您的角色不能查看站点。")


class StationViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    serializer_class = s.StationSerializer
    filterset_fields = ["kind", "township", "congress", "is_active"]
    search_fields = ["name", "address"]
    ordering_fields = ["id", "name"]

    def get_queryset(self):
        return (
            permissions.visible_stations(self.request.user)
            .select_related("township")
            .prefetch_related(Prefetch("memberships", queryset=StationDeputy.objects.select_related("person")))
            .order_by("id")
        )

    def perform_create(self, serializer):
        serializer.instance = _call(services.create_station, actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        station = serializer.instance
        serializer.instance = _call(services.update_station, station, actor=self.request.user,
                                    **serializer.validated_data)  # fmt: skip

    @action(detail=True, methods=["post"], url_path="generate-roster")
    def generate_roster(self, request, pk=None):
        station = self.get_object()
        body = s.GenerateRosterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        start, end = services.period_bounds(d["kind"], d["year"], d["number"])
        roster = _call(services.generate_roster, station, actor=request.user, start=start, end=end,
                       publish=d["publish"])  # fmt: skip
        return Response(s.RosterSerializer(roster).data, status=status.HTTP_201_CREATED)


class RosterViewSet(StaffOnly, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RosterSerializer
    filterset_fields = ["station"]

    def get_queryset(self):
        return (
            Roster.objects.filter(station__in=permissions.visible_stations(self.request.user))
            .prefetch_related(Prefetch("slots", queryset=DutySlot.objects.select_related("person")))
            .order_by("-start", "-id")
        )

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        roster = _call(services.publish_roster, self.get_object(), actor=request.user)
        return Response(self.get_serializer(roster).data)


class ReceptionViewSet(StaffOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):  # fmt: skip
    serializer_class = s.ReceptionSerializer
    filterset_fields = ["station", "status", "handling", "category", "date"]
    search_fields = ["topic", "content"]

    def get_queryset(self):
        return permissions.visible_receptions(self.request.user).select_related("station", "deputy").order_by("-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        station = get_object_or_404(permissions.visible_stations(self.request.user), pk=data.pop("station").pk)
        serializer.instance = _call(services.record_reception, station, actor=self.request.user, **data)

    def _act(self, request, fn, extra):
        reception = self.get_object()
        body = s.ReceptionActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = _call(fn, reception, actor=request.user, **extra(body.validated_data))
        reception = self.get_queryset().get(pk=reception.pk)
        return Response(self.get_serializer(reception).data if result is not None else {})

    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._act(request, services.answer_on_spot, extra=lambda d: {"answer": d["text"]})

    @action(detail=True, methods=["post"])
    def suggestion(self, request, pk=None):
        return self._act(request, services.turn_into_suggestion, extra=lambda d: {"title": d["title"]})

    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        def unit(d):
            return {"unit": HandlingUnit.objects.filter(pk=d.get("unit")).first(), "note": d["text"]}

        return self._act(request, services.refer_reception, extra=unit)

    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        return self._act(request, services.add_reception_note, extra=lambda d: {"text": d["text"]})

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(request, services.resolve_reception, extra=lambda d: {"result": d["text"]})


class MessageViewSet(viewsets.ReadOnlyModelViewSet):
    """The inbox: a station's keepers and the deputy the message is addressed to."""

    serializer_class = s.MessageSerializer
    filterset_fields = ["station", "status", "person", "category"]
    search_fields = ["topic", "content", "code"]

    def get_queryset(self):
        return (
            permissions.visible_messages(self.request.user)
            .select_related("station", "person")
            .prefetch_related("notes")
            .order_by("-id")
        )

    def _act(self, request, fn, extra):
        message = self.get_object()
        body = s.MessageActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(fn, message, actor=request.user, **extra(body.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=message.pk)).data)

    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._act(request, services.reply_message, lambda d: {"text": d["text"]})

    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._act(
            request,
            services.forward_message,
            lambda d: {"unit": HandlingUnit.objects.filter(pk=d.get("unit")).first(), "note": d["text"]},
        )

    @action(detail=True, methods=["post"])
    def suggestion(self, request, pk=None):
        return self._act(
            request,
            services.forward_message,
            lambda d: {
                "to_suggestion": True,
                "deputy": Person.objects.filter(pk=d.get("deputy")).first(),
                "note": d["text"],
            },  # fmt: skip
        )

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, services.close_message, lambda d: {"result": d["text"]})


class PublicStationViewSet(viewsets.ReadOnlyModelViewSet):
    """What the public station pages show, without login."""

    serializer_class = s.PublicStationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filterset_fields = ["township", "kind"]
    search_fields = ["name", "address"]

    def get_queryset(self):
        start, end = public.week_bounds()
        week_slots = DutySlot.objects.filter(date__gte=start, date__lte=end, roster__published_at__isnull=False)
        return (
            public.public_stations()
            .select_related("township")
            .prefetch_related(
                Prefetch("memberships", queryset=StationDeputy.objects.select_related("person")),
                Prefetch("slots", queryset=week_slots.select_related("person", "roster").order_by("date")),
            )
            .order_by("id")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "week": public.week_bounds()}
