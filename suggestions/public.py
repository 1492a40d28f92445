"""双公开: the public pages of published suggestions and their answers, no login.

Only items staff released (published_at set) and not marked 不予公开 (disclose False) are shown: title, number,
category, meeting, content, the lead deputy's name, and the sent answers with their units. No contact details or ID
data: the deputy's phone, address and ID number are never read here, and phone or ID numbers typed into the text are
blanked out before display.
"""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Answer, Assignment, Category, Suggestion

PAGE_SIZE = 20
# Mainland mobile and landline numbers, and 15/18-character ID numbers, as typed into free text.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def redact(text: str) -> str:
    """Blank out phone and ID numbers in published text."""
    text = _ID_NUMBER.sub("［证件号码已隐去］", text or "")
    return _PHONE.sub("［电话号码已隐去］", text)


def published():
    return Suggestion.objects.filter(published_at__isnull=False, disclose=True)


@require_GET
def public_list(request):
    qs = (
        published()
        .select_related("category", "meeting__term", "lead_deputy")
        .only(
            "title",
            "number",
            "year",
            "meeting",
            "published_at",
            "category__name",
            "meeting__number",
            "meeting__term__number",
            "lead_deputy__name",
        )
    )
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        number = re.fullmatch(r"(?:第)?(\d+)(?:号)?", q)
        cond = Q(title__icontains=q) | Q(content__icontains=q) | Q(lead_deputy__name=q)
        if number:
            cond |= Q(number=int(number.group(1)))
        qs = qs.filter(cond)
    category = (request.GET.get("category") or "").strip()
    if category:
        qs = qs.filter(category__name=category)
    year = (request.GET.get("year") or "").strip()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs.order_by("-published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    categories = list(
        Category.objects.filter(suggestions__in=published()).values_list("name", flat=True).distinct().order_by("name")
    )
    context = {"page": page, "q": q, "category": category, "year": year, "categories": categories}
    return render(request, "public/suggestion_list.html", context)


@require_GET
def public_detail(request, pk: int):
    sug = get_object_or_404(
        published().select_related("category", "meeting__term", "lead_deputy", "merged_into"), pk=pk
    )
    # A merged original was answered through its main item.
    handled = sug.merged_into if sug.state == Suggestion.State.MERGED and sug.merged_into_id else sug
    answers = (
        Answer.objects.filter(
            assignment__suggestion=handled,
            assignment__role__in=(Assignment.Role.LEAD, Assignment.Role.SPLIT),
            status=Answer.Status.SENT,
        )
        .exclude(assignment__state__in=(Assignment.State.CANCELLED, Assignment.State.RETURNED))
        .select_related("assignment__unit")
        .order_by("round", "is_final_follow_up", "assignment_id", "id")
    )
    context = {
        "sug": sug,
        "content": redact(sug.content),
        "answers": [(a, a.assignment.unit.name, redact(a.text)) for a in answers],
    }
    return render(request, "public/suggestion_detail.html", context)
