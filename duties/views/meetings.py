"""Meeting attendance (congress sessions and standing-committee meetings) and reports to voters (述职)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.scopes import ALL, congress_in, office_congress_ids
from deputies.models import Person, Seat
from organization.models import Meeting

from .. import permissions, services
from ..exporting import xlsx_response
from ..forms import StandingMeetingForm, VoterReportForm, YearForm
from ..models import MeetingAttendance
from .common import add_service_errors, person_picker, reader_view, recording_gate, staff_view


def _visible_meetings(user):
    scope = office_congress_ids(user)
    qs = Meeting.objects.select_related("term__congress")
    return qs if scope is ALL else qs.filter(congress_in(scope, "term__congress_id"))


@reader_view
def attendance_index(request):
    user = request.user
    year = YearForm(request.GET).selected_year()
    form = StandingMeetingForm(request.POST or None)
    congresses = permissions.keepable_congresses(user)
    if request.method == "POST":
        congress = congresses.first()
        if congress is None:
            raise PermissionDenied("只有本级人大工作人员可以登记常委会会议")
        if form.is_valid():
            meeting = services.create_standing_meeting(actor=user, congress=congress, **form.cleaned_data)
            messages.success(request, "已登记常委会会议，请记录列席情况。")
            return redirect("duties:attendance_standing", pk=meeting.pk)
    return render(
        request,
        "duties/attendance_index.html",
        {
            "year": year,
            "year_form": YearForm(initial={"year": year}),
            "meetings": _visible_meetings(user).filter(start__year=year).order_by("start"),
            "standing": permissions.visible_standing_meetings(user).filter(date__year=year).select_related("congress"),
            "form": form,
            "can_keep": congresses.exists(),
        },
    )


def _attendance_page(request, *, congress_id, date, term_id, label, lookup):
    user = request.user
    if term_id:
        seats = Seat.objects.filter(term_id=term_id)
    else:
        seats = Seat.objects.filter(congress_id=congress_id, start__lte=date).filter(
            Q(end__isnull=True) | Q(end__gte=date)
        )
    persons = list(Person.objects.filter(pk__in=seats.values("person_id")).order_by("name_initials", "pk"))
    existing = {a.person_id: a for a in MeetingAttendance.objects.filter(**lookup)}
    can_keep = permissions.can_keep_congress(user, congress_id)
    errors: dict[int, str] = {}
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied("只能记录本级人大会议的出席情况")
        try:
            with transaction.atomic():
                for person in persons:
                    status = request.POST.get(f"status_{person.pk}", "")
                    if not status:
                        continue
                    half = request.POST.get(f"half_{person.pk}", "") or "0"
                    note = request.POST.get(f"note_{person.pk}", "")[:200]
                    old = existing.get(person.pk)
                    if old and (old.status, str(old.leave_half_days), old.note) == (status, half, note):
                        continue
                    try:
                        services.record_attendance(
                            actor=user,
                            person=person,
                            status=status,
                            leave_half_days=int(half) if half.isdigit() else -1,
                            note=note,
                            **lookup,
                        )
                    except ValidationError as exc:
                        errors[person.pk] = "；".join(exc.messages)
                if errors:
                    raise ValidationError("有错误")
        except ValidationError:
            messages.error(request, "有几行未能保存，请按提示更正后再保存（本次未作任何改动）。")
        else:
            messages.success(request, "已保存出席情况。")
            return redirect(request.path)
    rows = [
        {
            "person": p,
            "a": existing.get(p.pk),
            "status": request.POST.get(f"status_{p.pk}")
            if errors
            else (existing[p.pk].status if p.pk in existing else ""),
            "error": errors.get(p.pk, ""),
        }
        for p in persons
    ]
    counts = {s: sum(1 for a in existing.values() if a.status == s) for s in MeetingAttendance.Status.values}
    return render(
        request,
        "duties/attendance_form.html",
        {
            "label": label,
            "rows": rows,
            "statuses": MeetingAttendance.Status.choices,
            "counts": counts,
            "can_keep": can_keep,
        },
    )


@reader_view
def attendance_meeting(request, pk):
    meeting = get_object_or_404(_visible_meetings(request.user), pk=pk)
    return _attendance_page(
        request,
        congress_id=meeting.term.congress_id,
        date=meeting.start,
        term_id=meeting.term_id,
        label=f"{meeting.term.congress}{meeting}（{meeting.start:%Y年%m月%d日}）",
        lookup={"meeting": meeting},
    )


@reader_view
def attendance_standing(request, pk):
    meeting = get_object_or_404(permissions.visible_standing_meetings(request.user), pk=pk)
    return _attendance_page(
        request,
        congress_id=meeting.congress_id,
        date=meeting.date,
        term_id=None,
        label=f"{meeting.title}（{meeting.date:%Y年%m月%d日}）",
        lookup={"standing_meeting": meeting},
    )


# --- 述职 -----------------------------------------------------------------------------------------------------


@staff_view
def voter_report_list(request):
    year = YearForm(request.GET).selected_year()
    qs = (
        permissions.visible_voter_reports(request.user)
        .filter(date__year=year)
        .select_related("person", "person__township")
        .order_by("-date", "-id")
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            [r.person.name, r.date.isoformat(), r.place, r.voters_present, r.satisfied, r.basically_satisfied,
             r.unsatisfied, f"{r.satisfaction_rate}%" if r.rated else ""]
            for r in qs
        )  # fmt: skip
        headers = ["代表", "日期", "地点", "到会选民", "满意", "基本满意", "不满意", "满意及基本满意率"]
        return xlsx_response(request.user, title=f"{year}年述职", headers=headers, rows=rows, note=f"导出{year}年述职")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    can_record = permissions.records_for_others(request.user)
    return render(
        request,
        "duties/voter_report_list.html",
        {"page": page, "year": year, "year_form": YearForm(initial={"year": year}), "can_record": can_record},
    )


@staff_view
def voter_report_new(request):
    user = request.user
    recording_gate(user)
    persons = permissions.recordable_persons(user)
    form = VoterReportForm(request.POST or None, request.FILES or None, persons=persons)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_voter_report(
                actor=user,
                person=form.cleaned_data["person"],
                data=form.service_data(),
                report_file=form.cleaned_data.get("report_file"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记录述职情况，并记入代表履职档案。")
            return redirect("duties:voter_report_list")
    picker = person_picker(request, page=reverse("duties:voter_report_new"), anchor="report-form", form=form)
    return render(request, "duties/voter_report_form.html", {"form": form, **picker})


def voter_report_file(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    report = get_object_or_404(permissions.visible_voter_reports(request.user).exclude(report_file=""), pk=pk)
    name = report.report_file.name.rsplit("/", 1)[-1]
    return FileResponse(report.report_file.open("rb"), as_attachment=True, filename=name)
