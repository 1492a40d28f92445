"""Excel files of the roster: the filtered list's export and the import template. Both use the import's columns,
so an office can export, correct and re-import. Personal data is masked for roles that may not see it, and any cell
a spreadsheet would run as a formula is neutralised with a leading apostrophe."""

from __future__ import annotations

import io

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import safe_cell
from organization.models import Congress

from . import permissions
from .importing import COMPOSITIONS, HEADERS, MAX_ROWS, REQUIRED
from .models import GroupMembership, Seat

__all__ = ["XLSX", "safe_cell"]  # safe_cell: core.exports (shared by every export)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTRA_HEADERS = ["资格状态"]


def _bold_header(ws, headers) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="B3261E" if cell.value in REQUIRED else "000000")
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
    ws.freeze_panes = "A2"


def _widths(ws, widths: dict[str, int]) -> None:
    for i, header in enumerate(HEADERS + EXTRA_HEADERS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = widths.get(header, 12)


WIDTHS = {"工作单位及职务": 30, "身份证号": 22, "联系电话": 16, "代表小组": 24, "所属镇街": 14, "届次": 16}


def export_persons(qs, user) -> bytes:
    """The rows of `qs` (already restricted to what `user` may see) as an .xlsx file."""
    qs = qs.prefetch_related(
        Prefetch("seats", queryset=Seat.objects.select_related("congress", "term")),
        Prefetch("memberships", queryset=GroupMembership.objects.select_related("group")),
    )
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "代表名册"
    _bold_header(ws, HEADERS + EXTRA_HEADERS)
    for person in qs.iterator(chunk_size=1000):
        seats = sorted(person.seats.all(), key=lambda s: Congress.LEVEL_ORDER.index(s.congress.level))

        def value(field, person=person):
            return permissions.person_value(user, person, field)

        row = [
            person.name,
            person.gender,
            person.ethnicity,
            person.birth_month.strftime("%Y-%m") if person.birth_month else "",
            value("party"),
            person.education,
            person.workplace,
            "、".join(s.congress.get_level_display() for s in seats),
            "、".join(str(s.term) for s in seats),
            "、".join(dict.fromkeys(s.district for s in seats if s.district)),
            person.get_composition_display(),
            person.township.name if person.township_id else "",
            "、".join(sorted(m.group.name for m in person.memberships.all())),
            value("phone"),
            value("id_number"),
            "、".join(s.get_status_display() for s in seats),
        ]
        ws.append([safe_cell(v) for v in row])
    _widths(ws, WIDTHS)
    return _save(wb)


def import_template(townships: list[str], groups: list[str]) -> bytes:
    """The import template: the headers, text-formatted ID and phone columns, drop-downs, and the office's
    valid 镇街 and 代表小组 names on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    _bold_header(ws, HEADERS)
    _widths(ws, WIDTHS)
    notes = {
        "姓名": "必填",
        "代表层级": "必填：全国、省、市、县、乡镇；一人多级用顿号分隔，如“县、乡镇”",
        "届次": "必填：如“第十八届”或“18”；多级时可按层级顺序分别填写，如“第十八届、第七届”",
        "身份证号": "必填：18位，请保持文本格式",
        "出生年月": "如 1975-03；留空则按身份证号填入",
        "性别": "男或女；留空则按身份证号填入",
        "代表小组": "可填多个，用顿号分隔",
        "所属镇街": "乡镇级代表必填",
    }
    for cell in ws[1]:
        if cell.value in notes:
            cell.comment = Comment(notes[cell.value], "人大代表工作平台")
    col = {h: ws.cell(row=1, column=i).column_letter for i, h in enumerate(HEADERS, start=1)}
    for header in ("身份证号", "联系电话"):
        for row in range(2, 1002):
            ws[f"{col[header]}{row}"].number_format = "@"
    last = MAX_ROWS + 1
    for header, options in (
        ("性别", ["男", "女"]),
        ("代表层级", ["全国", "省", "市", "县", "乡镇", "县、乡镇"]),
        ("代表构成", list(COMPOSITIONS)),
    ):
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.showErrorMessage = False  # a suggestion only; the import checks every value itself
        ws.add_data_validation(dv)
        dv.add(f"{col[header]}2:{col[header]}{last}")

    ref = wb.create_sheet("可选值")
    ref.append(["所属镇街", "代表小组", "代表构成"])
    for cell in ref[1]:
        cell.font = Font(bold=True)
    compositions = list(COMPOSITIONS)
    for i in range(max(len(townships), len(groups), len(compositions))):
        ref.append(
            [
                safe_cell(townships[i]) if i < len(townships) else None,
                safe_cell(groups[i]) if i < len(groups) else None,
                compositions[i] if i < len(compositions) else None,
            ]
        )
    for letter in "ABC":
        ref.column_dimensions[letter].width = 24

    guide = wb.create_sheet("填写说明")
    for line in (
        "1. 每位代表填写一行，第1行为列标题，请勿修改；红色标题为必填列。",
        "2. 导入前系统会检查每一行，任何一行有误都不会写入，请按提示修改后重新上传。",
        "3. 同一身份证号视为同一人：已在名册中的代表将按表格更新，空白单元格不会覆盖已有信息。",
        "4. 重复导入同一文件不会产生重复记录。",
        f"5. 单个文件不超过 5 MB、不超过 {MAX_ROWS} 行。",
        "6. 所属镇街、代表小组须与“可选值”工作表中的名称一致。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
