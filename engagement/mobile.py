"""The deputy's phone: notices to read (opening one stamps the read receipt) and invitations to answer (sign up,
decline with a reason, report attendance after the day)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.exceptions import IllegalTransition

from . import forms, services
from .models import InvitationReply, NoticeReceipt


def _deputy(request):
    if not request.user.person_id:
        raise PermissionDenied
    return request.user.person_id


@login_required
def my_notices(request):
    person_id = _deputy(request)
    receipts = (
        NoticeReceipt.objects.filter(person_id=person_id, notice__published_at__isnull=False)
        .select_related("notice")
        .order_by("read_at", "-notice__published_at")[:50]
    )
    return render(request, "engagement/mobile/notices.html", {"receipts": receipts})


@login_required
def my_notice(request, pk):
    person_id = _deputy(request)
    receipt = get_object_or_404(NoticeReceipt.objects.select_related("notice"), notice_id=pk, person_id=person_id)
    if receipt.read_at is None:
        receipt = services.read_notice(receipt.notice, actor=request.user)
    return render(request, "engagement/mobile/notice.html", {"notice": receipt.notice, "receipt": receipt})


@login_required
def my_invitations(request):
    person_id = _deputy(request)
    replies = (
        InvitationReply.objects.filter(person_id=person_id)
        .select_related("invitation")
        .order_by("-invitation__date")[:50]
    )
    return render(request, "engagement/mobile/invitations.html", {"replies": replies, "today": timezone.localdate()})


@login_required
def my_invitation(request, pk):
    person_id = _deputy(request)
    reply = get_object_or_404(
        InvitationReply.objects.select_related("invitation"), invitation_id=pk, person_id=person_id
    )
    form = forms.DeclineForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.answer_invitation(reply, actor=request.user, accept=True)
                messages.success(request, "已报名。")
            elif action == "decline":
                form = forms.DeclineForm(request.POST)
                if form.is_valid():
                    services.answer_invitation(
                        reply, actor=request.user, accept=False, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, "已告知不能参加。")
                else:
                    raise ValidationError("请说明不能参加的原因。")
            elif action == "attended":
                services.record_attendance(reply, actor=request.user)
                messages.success(request, "已登记出席，待工作人员确认后记入履职档案。")
            else:
                raise PermissionDenied
        except (ValidationError, IllegalTransition) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            return redirect("engagement:m_invitation", pk)
        reply.refresh_from_db()
    inv = reply.invitation
    today = timezone.localdate()
    return render(
        request,
        "engagement/mobile/invitation.html",
        {
            "reply": reply,
            "inv": inv,
            "form": form,
            "can_answer": inv.date >= today,
            "can_attend": inv.date <= today
            and reply.attended is None
            and reply.answer != InvitationReply.Answer.DECLINED,
        },
    )
