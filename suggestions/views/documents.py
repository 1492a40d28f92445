"""Printable documents as PDF: the 交办函 per unit, the 征询意见表 of an answer, the 建议汇编 of a meeting."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.models import UNIT_ROLES
from accounts.scopes import readable_congress_ids
from organization.models import Congress, HandlingUnit, Meeting

from .. import pdf, permissions
from ..forms import filter_options
from ..models import Assignment
from .common import attachment_disposition, get_answer, list_view, office_view

DEAD = (Assignment.State.RETURNED, Assignment.State.RELAYED, Assignment.State.CANCELLED)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(filename, inline=True)
    return response


@office_view
def documents(request):
    """The office's page of printable documents: choose a unit and a meeting."""
    return render(request, "suggestions/documents.html", {"options": filter_options(request.user)})


def _meeting_filter(qs, value: str | None, prefix: str = ""):
    if value == "recess":
        return qs.filter(**{f"{prefix}meeting__isnull": True})
    if value and value.isdigit():
        return qs.filter(**{f"{prefix}meeting_id": int(value)})
    return qs


@login_required
def assignment_letter(request):
    """交办函 of one unit: the office picks the unit; a unit's own staff get their own letter."""
    user = request.user
    if permissions.is_office(user):
        unit = get_object_or_404(HandlingUnit, pk=request.GET.get("unit") or 0)
        if unit.congress_id not in readable_congress_ids(user):
            raise Http404("承办单位不存在")
    elif user.unit_id and user.role_set & UNIT_ROLES:
        unit = user.unit
    else:
        raise PermissionDenied("只有代表工委和承办单位可以打印交办函")
    qs = permissions.visible_assignments(user).filter(unit=unit).exclude(state__in=DEAD)
    qs = _meeting_filter(qs, request.GET.get("meeting"), "suggestion__")
    date = request.GET.get("date")
    if date:
        try:
            qs = qs.filter(assigned_at__date=dt.date.fromisoformat(date))
        except ValueError:
            raise Http404("日期格式不正确") from None
    content = pdf.assignment_letter(unit, qs, congress=unit.congress, issued_by=str(user))
    return _pdf_response(content, f"交办函-{unit.name}.pdf")


@login_required
def feedback_form(request, pk):
    answer = get_answer(request.user, pk)
    content = pdf.feedback_form(answer)
    s = answer.assignment.suggestion
    return _pdf_response(content, f"征询意见表-{s.number_display or s.pk}-{answer.assignment.unit.name}.pdf")


@list_view
def compilation(request):
    """建议汇编 of a meeting (or of a recess year)."""
    user = request.user
    meeting_value = request.GET.get("meeting") or ""
    qs = permissions.visible_suggestions(user)
    if meeting_value.isdigit():
        meeting = get_object_or_404(Meeting.objects.select_related("term__congress"), pk=int(meeting_value))
        if meeting.term.congress_id not in readable_congress_ids(user):
            raise Http404("会议不存在")
        qs = qs.filter(meeting=meeting)
        congress = meeting.term.congress
        title = f"{congress.name}{meeting}代表建议汇编"
    else:
        year = request.GET.get("year") or ""
        if not year.isdigit():
            raise Http404("请选择会议或年度")
        congress = Congress.objects.filter(pk=user.congress_id).first()
        qs = qs.filter(meeting__isnull=True, year=int(year))
        if congress:
            qs = qs.filter(congress=congress)
        title = f"{congress.name if congress else ''}{year}年闭会期间代表建议汇编"
    content = pdf.compilation(qs, title=title, congress=congress)
    return _pdf_response(content, f"{title}.pdf")
