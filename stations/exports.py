"""Excel exports of the lists, the registers of a station for a year (六簿一册) as Excel and PDF, and the QR poster.

Visitors' and senders' phone numbers are masked for roles that do not call them back; deputies' phone numbers are
not exported at all. Cells that start like a formula are written as text. Each export is audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from urllib.parse import quote

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core import audit
from core.exports import safe_cell
from core.masking import mask_phone
from core.models import AuditEntry
from core.pdf import render_pdf

from . import permissions, public, standards
from .models import Activity, DutySlot, Message, Reception, StationDeputy, StationDocument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """A cell that never runs as a formula (core.exports.safe_cell: = + - @, tab, CR, full-width ＝ …), and local
    naive times, which is what Excel shows."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return safe_cell(value)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _sheet(wb, title: str, header: list[str], rows, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    return ws


def _bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _audit(request, obj, note: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=request.user, action=AuditEntry.Action.EXPORT, obj=obj, note=note,
            address=request.META.get("REMOTE_ADDR"),
        )  # fmt: skip


def phone_for(user, value: str) -> str:
    return value if permissions.can_see_contacts(user) else mask_phone(value)


def stations_xlsx(request, qs) -> HttpResponse:
    stations = list(qs)
    figures = standards.compliance_map(stations)
    header = ["名称", "类型", "所属人大", "镇街", "地址", "开放时间", "固定接待日", "进站代表数", "达标率", "缺项"]
    rows = [
        [
            s.name, s.get_kind_display(), str(s.congress), s.township.name if s.township_id else "", s.address,
            s.opening_hours, s.weekdays_label, s.deputy_count, figures[s.pk].percent, "、".join(figures[s.pk].missing),
        ]
        for s in stations
    ]  # fmt: skip
    wb = Workbook()
    _sheet(wb, "站点", header, rows, first=True)
    _audit(request, None, "导出站点列表")
    return _download(_bytes(wb), f"代表之家（站）-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


RECEPTION_HEADER = ["日期", "站点", "接待代表", "来访人", "联系电话", "人数", "类别", "反映事项", "具体内容",
                    "处理方式", "转交部门", "状态", "办理结果"]  # fmt: skip


def _reception_row(user, r: Reception) -> list:
    return [
        r.date, r.station.name, r.deputy.name if r.deputy_id else "", r.visitor_name,
        phone_for(user, r.visitor_phone), r.visitor_count, r.get_category_display(), r.topic, r.content,
        r.get_handling_display(), r.unit.name if r.unit_id else "", r.get_status_display(), r.result,
    ]  # fmt: skip


def receptions_xlsx(request, qs) -> HttpResponse:
    wb = Workbook()
    _sheet(wb, "接待登记", RECEPTION_HEADER, (_reception_row(request.user, r) for r in qs.iterator(chunk_size=500)),
           first=True)  # fmt: skip
    _audit(request, None, "导出接待登记")
    return _download(_bytes(wb), f"接待登记-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


MESSAGE_HEADER = ["留言时间", "查询码", "站点", "留言代表", "主题", "类别", "内容", "称呼", "联系电话", "状态", "答复",
                  "转交部门", "办理结果", "评价"]  # fmt: skip


def _message_row(user, m: Message) -> list:
    phone = m.contact_phone if permissions.can_see_message_contact(user, m) else mask_phone(m.contact_phone)
    return [
        m.created_at, m.code, m.station.name, m.person.name if m.person_id else "", m.topic, m.get_category_display(),
        m.content, m.contact_name, phone, m.get_status_display(), m.reply, m.unit.name if m.unit_id else "",
        m.result, m.get_rating_display() if m.rating else "",
    ]  # fmt: skip


def messages_xlsx(request, qs) -> HttpResponse:
    wb = Workbook()
    _sheet(wb, "群众留言", MESSAGE_HEADER, (_message_row(request.user, m) for m in qs.iterator(chunk_size=500)),
           first=True)  # fmt: skip
    _audit(request, None, "导出群众留言")
    return _download(_bytes(wb), f"群众留言-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


def figures_xlsx(request, rows, total, by: str) -> HttpResponse:
    header = ["站点" if by == "station" else "镇街", "接待人次", "收集问题", "已办结", "办结率", "转为建议", "转交部门",
              "留言数", "已办结留言"]  # fmt: skip
    data = [[r.label, r.visitors, r.issues, r.resolved, r.rate, r.suggestions, r.referred, r.messages,
             r.messages_closed] for r in [*rows, total]]  # fmt: skip
    wb = Workbook()
    _sheet(wb, "接待统计", header, data, first=True)
    _audit(request, None, "导出接待统计")
    return _download(_bytes(wb), f"接待统计-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


# --- 六簿一册: the registers of one station for one year --------------------------------------------------


def registers(user, station, year: int) -> dict:
    """The six books and the one register of `station` in `year`, as rows ready for a sheet or a table."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = StationDeputy.objects.filter(station=station).select_related("person").order_by("order", "id")
    seats = {}
    from deputies.models import Seat

    for seat in Seat.objects.filter(
        person_id__in=[m.person_id for m in members], status=Seat.Status.ACTIVE
    ).select_related("congress"):
        seats.setdefault(seat.person_id, []).append(seat.congress.get_level_display())
    roster_rows = [
        [m.person.name, m.person.gender, "、".join(sorted(set(seats.get(m.person_id, [])))) + "人大代表",
         m.person.workplace, m.since or "", "在站" if m.is_active else "已离站"]
        for m in members
    ]  # fmt: skip
    activities = Activity.objects.filter(station=station, date__range=(start, end)).prefetch_related("attendees")
    activity_rows = [
        [a.date, a.get_kind_display(), a.title, "、".join(p.name for p in a.attendees.all()), a.other_attendance,
         a.content]
        for a in activities.order_by("date", "id") if a.kind != Activity.Kind.STUDY
    ]  # fmt: skip
    study_rows = [
        [a.date, a.title, "、".join(p.name for p in a.attendees.all()), a.content]
        for a in activities.order_by("date", "id") if a.kind == Activity.Kind.STUDY
    ]  # fmt: skip
    receptions = (
        Reception.objects.filter(station=station, date__range=(start, end))
        .select_related("station", "deputy", "unit")
        .order_by("date", "id")
    )
    reception_rows = [_reception_row(user, r) for r in receptions]
    opinion_rows = [
        [r.date, "接待登记", r.topic, r.get_handling_display(), r.unit.name if r.unit_id else "",
         r.get_status_display(), r.result]
        for r in receptions
    ]  # fmt: skip
    messages = Message.objects.filter(station=station, created_at__year=year).select_related("unit").order_by("id")
    opinion_rows += [
        [timezone.localtime(m.created_at).date(), "群众留言", m.topic, m.get_status_display(),
         m.unit.name if m.unit_id else "", m.get_status_display(), m.result or m.reply]
        for m in messages
    ]  # fmt: skip
    duty_rows = [
        [s.date, s.person.name, s.get_status_display(), s.note]
        for s in DutySlot.objects.filter(station=station, date__range=(start, end)).select_related("person")
    ]
    archive_rows = [[d.title, "制度", d.uploaded_at.date()] for d in StationDocument.objects.filter(station=station)]
    archive_rows += [
        [e.note, f"达标佐证·{e.item.name}", e.recorded_at.date()] for e in station.evidence.select_related("item")
    ]
    return {
        "books": [
            ("代表名册", ["姓名", "性别", "代表层级", "工作单位及职务", "进站日期", "状态"], roster_rows),
            ("活动记录簿", ["日期", "类型", "主题", "参加代表", "其他参加人数", "活动情况"], activity_rows),
            ("接待选民登记簿", RECEPTION_HEADER, reception_rows),
            ("意见建议处理台账", ["日期", "来源", "事项", "处理方式", "转交部门", "状态", "结果"], opinion_rows),
            ("学习培训记录簿", ["日期", "主题", "参加代表", "内容"], study_rows),
            ("值班记录", ["日期", "值班代表", "状态", "备注"], duty_rows),
            ("档案目录", ["名称", "类别", "日期"], archive_rows),
        ],
    }


def registers_xlsx(request, station, year: int) -> HttpResponse:
    data = registers(request.user, station, year)
    wb = Workbook()
    for i, (title, header, rows) in enumerate(data["books"]):
        _sheet(wb, title, header, rows, first=i == 0)
    _audit(request, station, f"导出{year}年六簿一册（Excel）")
    return _download(_bytes(wb), f"{station.name}-{year}年六簿一册.xlsx", XLSX)


def registers_pdf(request, station, year: int) -> HttpResponse:
    data = registers(request.user, station, year)
    content = render_pdf(
        "stations/registers_pdf.html",
        {"station": station, "year": year, "books": data["books"], "printed": timezone.localtime()},
    )
    _audit(request, station, f"导出{year}年六簿一册（PDF）")
    return _download(content, f"{station.name}-{year}年六簿一册.pdf", "application/pdf")


def poster_pdf(request, station, person=None) -> HttpResponse:
    """A printable poster: the station (or deputy) and the QR code that opens the message form."""
    url = public.message_url(request, station, person.pk if person else None)
    svg = public.qr_svg(url, scale=10)
    context = {
        "station": station,
        "person": person,
        "url": url,
        "qr": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
    }
    content = render_pdf("stations/poster_pdf.html", context)
    _audit(request, station, f"打印{'代表码' if person else '站点'}海报")
    name = f"{station.name}-{person.name if person else '留言'}二维码.pdf"
    return _download(content, name, "application/pdf")
