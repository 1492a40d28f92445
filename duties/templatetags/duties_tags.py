"""{% duties_home_cards %}: the deputy's home cards (duties to confirm or returned, trainings, station duty days,
messages), read for the logged-in deputy. Other apps' cards show when those apps expose what a deputy needs."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from duties.models import DutyRecord

register = template.Library()


@register.inclusion_tag("duties/_mobile_cards.html", takes_context=True)
def duties_home_cards(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.person_id:
        return {"show": False}
    today = timezone.localdate()
    records = DutyRecord.objects.filter(person_id=user.person_id)
    status = DutyRecord.Status
    counts = records.aggregate(  # one query for the four figures (the phone's home page is its busiest page)
        returned=Count("pk", filter=Q(status=status.RETURNED)),
        drafts=Count("pk", filter=Q(status=status.DRAFT)),
        waiting=Count("pk", filter=Q(status=status.SUBMITTED)),
        this_year=Count("pk", filter=Q(status=status.VERIFIED, date__year=today.year)),
    )
    return {
        "show": True,
        "counts": counts,
        "latest_returned": records.filter(status=DutyRecord.Status.RETURNED).order_by("-updated_at").first(),
        "trainings": _upcoming_trainings(user.person_id, today),
        "year": today.year,
    }


def _upcoming_trainings(person_id: int, today):
    """Trainings the deputy is invited to that have not ended (empty until the training app is installed)."""
    if not apps.is_installed("training"):
        return []
    try:
        from training.models import Enrolment
    except ImportError:
        return []
    return list(
        Enrolment.objects.filter(person_id=person_id, session__days__date__gte=today)
        .select_related("session")
        .distinct()
        .order_by("session_id")[:3]
    )


@register.simple_tag
def is_duty_reader(user) -> bool:
    """Whether the assessment pages (office roles) are open to `user`."""
    from duties.permissions import is_reader

    return is_reader(user)
