"""The suggestion list as an Excel file (the list's filters, the list's scope). The lead deputy's phone is masked for
roles that may not see it (suggestions.permissions.can_see_lead_phone), and any cell a spreadsheet would run as a
formula is neutralised with a leading apostrophe."""

from __future__ import annotations

import io

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.exports import safe_cell
from core.masking import mask_phone

from . import permissions
from .models import Answer, CoSigner, Rating

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = [
    "编号",
    "标题",
    "会议",
    "分类",
    "对口专门委员会",
    "领衔代表",
    "联系电话",
    "联名代表",
    "状态",
    "承办单位",
    "答复期限",
    "逾期",
    "办理结果",
    "满意度测评",
    "重点督办",
]
WIDTHS = {"标题": 40, "会议": 22, "承办单位": 36, "联名代表": 24, "联系电话": 16, "办理结果": 12}


def export_suggestions(qs, user) -> bytes:
    """`qs` is already restricted to what `user` sees and annotated by views.common.with_handling."""
    from .views.common import unit_labels

    qs = qs.prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.select_related("person").order_by("id")),
        Prefetch("ratings", queryset=Rating.objects.order_by("round", "id")),
    )
    sent = {}
    for sid, result in (
        Answer.objects.filter(assignment__suggestion__in=qs.values("pk"), status=Answer.Status.SENT)
        .order_by("assignment__suggestion_id", "round", "id")
        .values_list("assignment__suggestion_id", "result_class")
    ):
        sent.setdefault(sid, []).append(result)
    phone_for_all = user.is_superuser or user.has_role("admin", "staff", "town_staff")
    today = timezone.localdate()
    wb = Workbook()
    ws = wb.active
    ws.title = "代表建议"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
    ws.freeze_panes = "A2"
    for i, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = WIDTHS.get(header, 12)
    values = dict(Rating.Value.choices)
    for s in qs.iterator(chunk_size=500):
        phone = s.lead_deputy.phone or ""
        if not (phone_for_all or permissions.can_see_lead_phone(user, s)):
            phone = mask_phone(phone)
        ratings = list(s.ratings.all())
        row = [
            s.number_display,
            s.title,
            str(s.meeting) if s.meeting_id else "闭会期间",
            s.category.name if s.category_id else "",
            s.committee.name if s.committee_id else "",
            s.lead_deputy.name,
            phone,
            "、".join(c.person.name for c in s.cosigners.all() if c.confirmed_at),
            s.get_state_display(),
            "、".join(unit_labels(s.unit_summary)),
            s.next_due.isoformat() if s.next_due else "",
            "是" if s.next_due and s.next_due < today else "",
            "、".join(dict.fromkeys(sent.get(s.pk, []))),
            values.get(ratings[-1].value, "") if ratings else "",
            "是" if s.is_key else "",
        ]
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
