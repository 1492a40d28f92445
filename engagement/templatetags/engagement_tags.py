"""{% engagement_home_cards %}: the deputy's home cards — unread notices and invitations waiting for an answer."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from engagement.models import InvitationReply, NoticeReceipt

register = template.Library()


@register.inclusion_tag("engagement/_mobile_cards.html", takes_context=True)
def engagement_home_cards(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.person_id:
        return {"show": False}
    unread = NoticeReceipt.objects.filter(
        person_id=user.person_id, read_at__isnull=True, notice__published_at__isnull=False
    ).aggregate(n=Count("pk"), important=Count("pk", filter=Q(notice__important=True)))
    pending = InvitationReply.objects.filter(
        person_id=user.person_id, answer=InvitationReply.Answer.PENDING, invitation__date__gte=timezone.localdate()
    ).count()
    return {"show": True, "unread": unread["n"], "important": unread["important"], "pending": pending}
