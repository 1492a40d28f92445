"""Exports: the session list and a session's attendance as Excel, the sign-in sheet (签到表) as PDF.

Phone numbers and other personal data are not exported here: a sign-in sheet needs names, townships and workplaces.
Each export is written to the audit history."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core import audit
from core.exports import safe_cell
from core.models import AuditEntry
from core.pdf import render_pdf

from . import attendance

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_safe = safe_cell  # cells that start like a formula are written as text (core.exports)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _workbook(title: str, header: list[str], rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _audit_export(request, obj, note: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            obj=obj,
            note=note,
            address=request.META.get("REMOTE_ADDR"),
        )


def sessions_xlsx(request, qs) -> HttpResponse:
    header = ["培训名称", "类型", "主办", "开始日期", "结束日期", "天数", "计划学时", "授课人", "名单人数", "参训人次"]
    rows = (
        [
            s.title,
            s.get_kind_display(),
            str(s.congress),
            s.first_date,
            s.last_date,
            s.day_count,
            float(s.planned_hours),
            s.lecturers,
            s.enrolled,
            s.attended,
        ]
        for s in qs.iterator(chunk_size=500)
    )
    content = _workbook("培训班", header, rows)
    _audit_export(request, None, "导出培训班列表")
    return _download(content, f"培训班列表-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


def attendance_xlsx(request, session) -> HttpResponse:
    rows, totals = attendance.grid(session)
    days = [t.day for t in totals]
    header = ["序号", "姓名", "所属镇街", "工作单位及职务", "名单状态", "请假事由"]
    header += [f"{d.date:%m-%d}" for d in days] + ["签到天数", "学时"]
    data = []
    for i, row in enumerate(rows, 1):
        e = row.enrolment
        attended = [c for c in row.cells if c.checkin]
        cells = []
        for c in row.cells:
            text = c.label
            if c.checkin:
                text += f" {timezone.localtime(c.checkin.checked_at):%H:%M}"
                if c.checkin.method == "manual":
                    text += "（补签）"
            cells.append(text)
        data.append(
            [
                i,
                e.person.name,
                e.person.township.name if e.person.township_id else "",
                e.person.workplace,
                e.get_status_display() + ("（非参训对象）" if e.outside_target else ""),
                e.leave_reason,
                *cells,
                len(attended),
                float(sum(c.day.hours for c in attended)),
            ]
        )
    content = _workbook("考勤", header, data)
    _audit_export(request, session, "导出考勤表")
    return _download(content, f"{session.title}-考勤表.xlsx", XLSX)


def signin_pdf(request, session, *, days=None) -> HttpResponse:
    """One page set per day (`days`: the days to print, all by default). WeasyPrint lays out about two dense pages
    a second, so the detail page links one sheet per day."""
    rows, totals = attendance.grid(session)
    wanted = {d.pk for d in days} if days is not None else None
    pages = [
        {"day": t.day, "rows": [(r.enrolment, r.cells[i]) for r in rows], "totals": t.counts}
        for i, t in enumerate(totals)
        if wanted is None or t.day.pk in wanted
    ]
    content = render_pdf(
        "training/signin_pdf.html", {"session": session, "pages": pages, "printed": timezone.localtime()}
    )
    _audit_export(request, session, "导出签到表")
    response = _download(content, f"{session.title}-签到表.pdf", "application/pdf")
    return response
