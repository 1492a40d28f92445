"""The deputy's phone pages: my station duties, and 群众留言 — the messages constituents addressed to me, which I
reply to, turn into my own draft suggestion, or close with a result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import DutySlot, Message, StationDeputy
from .record_views import message_context, run_message_action


def _deputy(user):
    if not user.person_id:
        raise PermissionDenied("只有人大代表可以打开此页面。")
    return user.person


@login_required
def my_duties(request):
    person = _deputy(request.user)
    today = timezone.localdate()
    slots = DutySlot.objects.filter(person=person, date__gte=today).select_related("station").order_by("date")[:20]
    stations = StationDeputy.objects.filter(person=person, is_active=True).select_related("station")
    open_count = Message.objects.filter(person=person, status__in=Message.OPEN_STATES).count()
    return render(
        request,
        "stations/mobile/my.html",
        {"slots": slots, "stations": stations, "open_count": open_count},
    )


@login_required
def my_messages(request):
    person = _deputy(request.user)
    qs = Message.objects.filter(person=person).select_related("station").order_by("-created_at", "-id")
    if request.GET.get("status") == "open":
        qs = qs.filter(status__in=Message.OPEN_STATES)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "stations/mobile/messages.html", {"page": page, "status": request.GET.get("status", "")})


@login_required
def my_message(request, pk: int):
    person = _deputy(request.user)
    message = get_object_or_404(Message.objects.select_related("station__congress", "person", "unit"), pk=pk,
                                person=person)  # fmt: skip
    return render(request, "stations/mobile/message.html", message_context(request.user, message))


@require_POST
@login_required
def my_message_action(request, pk: int, action: str):
    person = _deputy(request.user)
    message = get_object_or_404(Message.objects.select_related("station__congress", "person"), pk=pk, person=person)
    run_message_action(request, message, action)
    return redirect("stations:m_message", message.pk)
