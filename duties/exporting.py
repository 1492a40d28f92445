"""Excel exports of the duty pages: one sheet, a bold header row, cells a spreadsheet would run as formulas
neutralised (deputies.exporting.safe_cell). The caller passes rows already restricted to what the user may see."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core import audit
from core.models import AuditEntry
from deputies.exporting import XLSX, safe_cell


def workbook(title: str, headers: list[str], rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, min(40, len(header) * 3))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(user, *, title: str, headers: list[str], rows, note: str) -> HttpResponse:
    """The file as a download, with an audit entry for the export."""
    content = workbook(title, headers, rows)
    with transaction.atomic():
        audit.record(actor=user, action=AuditEntry.Action.EXPORT, note=note)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
