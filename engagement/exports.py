"""Excel exports of the engagement lists: formula-like cells written as text, each export audited. No personal
data beyond names is exported."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core import audit
from core.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def xlsx(request, title: str, header: list[str], rows) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for row in rows:
        ws.append([_safe(v) for v in row])
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            note=f"导出{title}（{n}行）",
            address=request.META.get("REMOTE_ADDR"),
        )
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
