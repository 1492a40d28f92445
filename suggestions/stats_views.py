"""The statistics page of suggestion handling (staff, leaders, committees; a unit its own row) and its Excel export.
The numbers are those of the API (suggestions.stats), each shown with its definition."""

from __future__ import annotations

import io

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from rest_framework.exceptions import ValidationError

from core import audit

from . import stats
from .stats_api import is_live, parse_params, shown_figures

# The rates shown per group in the breakdown table (all are in the export).
BREAKDOWN_CODES = (
    "meet_rate",
    "answer_rate",
    "ontime_rate",
    "close_rate",
    "solve_rate",
    "first_positive_rate",
    "final_positive_rate",
)


def _report(request):
    try:
        year, breakdown, congress_id = parse_params(request.GET)
    except ValidationError as exc:
        return None, exc.detail
    scope = stats.scope_for(request.user, congress_id)
    shown = shown_figures(scope, year, breakdown, live=is_live(request.GET))
    if apps.is_installed("reports"):
        from reports.snapshots import as_report

        report = as_report(shown.data)
    else:
        report = stats.compute(scope, year, breakdown)
    report.figures_source = shown.meta()
    return report, None


def _columns(report):
    return [f for f in report.definitions if f.code in BREAKDOWN_CODES]


@login_required
def stats_page(request):
    report, errors = _report(request)
    this_year = timezone.localdate().year
    context = {
        "report": report,
        "errors": errors,
        "years": list(range(this_year, this_year - 6, -1)),
        "breakdowns": stats.BREAKDOWNS.items(),
        "columns": _columns(report) if report else [],
        "figures_source": getattr(report, "figures_source", None),
    }
    if report:
        context["count_items"] = [
            (label, report.total.counts.get(code, 0)) for code, label in stats.COUNT_LABELS.items()
        ]
        context["breakdown_label"] = stats.BREAKDOWNS.get(report.breakdown or "", "")
        picked = set(BREAKDOWN_CODES)
        context["rows"] = [(row, [f for f in row.figures if f["code"] in picked]) for row in report.rows]
    return render(request, "stats/suggestions.html", context, status=400 if errors else 200)


@login_required
def stats_export(request):
    report, errors = _report(request)
    if errors:
        return HttpResponse("；".join(str(v) for v in errors.values()), status=400, content_type="text/plain")
    book = Workbook()
    sheet = book.active
    sheet.title = "办理统计"
    bold = Font(bold=True)
    sheet.append([f"{report.year}年代表建议办理统计（截至{report.today:%Y年%m月%d日}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["指标", "分子（件）", "分母（件）", "比率", "统计口径"])
    for cell in sheet[3]:
        cell.font = bold
    for f in report.total.figures:
        sheet.append([f["label"], f["numerator"], f["denominator"], f["display"], f["definition"]])
    sheet.append([])
    sheet.append(["件数", "", "", "", ""])
    for code, label in stats.COUNT_LABELS.items():
        sheet.append([label, report.total.counts.get(code, 0)])
    for column, width in zip("ABCDE", (26, 12, 12, 10, 90), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    if report.breakdown:
        by = book.create_sheet(f"按{stats.BREAKDOWNS[report.breakdown]}"[:31])
        figures = report.definitions
        by.append([stats.BREAKDOWNS[report.breakdown], "交办件数", *[f.label for f in figures]])
        for cell in by[1]:
            cell.font = bold
        for row in [*report.rows, report.total]:
            by.append([row.label, row.counts.get("assigned", 0), *[f["display"] for f in row.figures]])
        by.append([])
        by.append(["比率保留一位小数；各项口径见“办理统计”表。"])
        by.column_dimensions["A"].width = 24

    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="export",
            note=f"导出{report.year}年建议办理统计"
            + (f"（按{stats.BREAKDOWNS[report.breakdown]}）" if report.breakdown else ""),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"suggestion-stats-{report.year}{'-' + report.breakdown if report.breakdown else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
