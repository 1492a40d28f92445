"""The deputy's phone pages: 我的培训 (invitations to confirm or ask leave for, history with hours) and the
check-in that scanning a day's QR code opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import IllegalTransition

from . import services, stats
from .forms import LeaveForm
from .models import Enrolment
from .qr import CheckInRefused


def _own_enrolment(user, pk: int) -> Enrolment:
    if not user.person_id:
        raise PermissionDenied
    return get_object_or_404(Enrolment.objects.select_related("session"), pk=pk, person_id=user.person_id)


@login_required
def my_trainings(request):
    user = request.user
    if not user.person_id:
        return render(request, "training/mobile/my.html", {"no_person": True})
    history = list(stats.person_history(user.person).prefetch_related("session__days"))
    today = timezone.localdate()
    upcoming, past = [], []
    for e in history:
        # A session stays under 待参加 until its last day is over (a two-day course the deputy is attending now).
        (upcoming if e.last_date and e.last_date >= today else past).append(e)
    upcoming.sort(key=lambda e: e.first_date)
    return render(
        request,
        "training/mobile/my.html",
        {
            "upcoming": upcoming,
            "past": past,
            "summary": stats.person_summary(user.person, year=today.year),
            "year": today.year,
        },
    )


@login_required
@require_POST
def my_confirm(request, pk: int):
    enrolment = _own_enrolment(request.user, pk)
    try:
        services.confirm(enrolment, actor=request.user)
        messages.success(request, "已确认参加，请按时到场扫码签到。")
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    return redirect("training:my")


@login_required
def my_leave(request, pk: int):
    enrolment = _own_enrolment(request.user, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_leave(enrolment, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "请假申请已提交，等待工作人员审批。")
            return redirect("training:my")
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
    return render(request, "training/mobile/leave.html", {"form": form, "enrolment": enrolment})


@login_required
def checkin(request, day_pk: int):
    """Opened by scanning the projector's QR code (login first if needed: next= brings the deputy back here)."""
    try:
        record, created = services.check_in_by_qr(actor=request.user, day_id=day_pk, token=request.GET.get("t", ""))
    except CheckInRefused as exc:
        return render(request, "training/mobile/checkin.html", {"error": exc.messages[0]}, status=400)
    return render(
        request,
        "training/mobile/checkin.html",
        {"checkin": record, "created": created, "day": record.day, "session": record.day.session},
    )
