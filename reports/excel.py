"""The Excel versions of the reports (openpyxl). Every text cell passes through `safe` (core.exports.safe_cell): a
value starting with = + - @, a tab/CR or a full-width ＝ gets an apostrophe, so a deputy's title never runs as a
formula."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.exports import safe_cell as safe

BOLD = Font(bold=True)


def _append(sheet, values, bold: bool = False) -> None:
    sheet.append([safe(v) for v in values])
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD


def _title(sheet, text: str, sub: str = "") -> None:
    _append(sheet, [text])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)
    if sub:
        _append(sheet, [sub])
    _append(sheet, [])


def _figures_sheet(sheet, ctx) -> None:
    _append(sheet, ["指标", "分子（件）", "分母（件）", "比率", "统计口径"], bold=True)
    for f in ctx["all_figures"]:
        _append(sheet, [f["label"], f["numerator"], f["denominator"], f["display"], f["definition"]])
    _append(sheet, [])
    _append(sheet, ["件数", "件"], bold=True)
    for label, n in ctx["counts"]:
        _append(sheet, [label, n])
    for column, width in zip("ABCDE", (26, 12, 12, 10, 80), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _issued(sheet, ctx) -> None:
    snap = ctx.get("snapshot")
    if snap is None:
        return
    _append(sheet, [])
    _append(sheet, [f"本报告数据为{snap.issued_at:%Y年%m月%d日}签发时冻结的数据。"])
    if ctx.get("changes"):
        _append(sheet, ["签发后数据变化", "签发时", "当前"], bold=True)
        for c in ctx["changes"]:
            _append(sheet, [c["label"], c["issued"], c["current"]])
    else:
        _append(sheet, ["签发后各项指标未发生变化。"])


def _breakdown(book, name: str, label: str, headers: list[str], table: list[dict]) -> None:
    sheet = book.create_sheet(name[:31])
    _append(sheet, [label, "交办件数", *headers, "A类", "B类", "C类", "D类"], bold=True)
    for r in table:
        _append(sheet, [r["label"], r["assigned"], *r["rates"], *r["classes"]])
    sheet.column_dimensions["A"].width = 28


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def suggestions_book(ctx) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "总体情况"
    _title(sheet, f"{ctx['office']}{ctx['title']}", f"数据截至{ctx['as_of']}")
    _figures_sheet(sheet, ctx)
    _issued(sheet, ctx)
    _breakdown(book, "按承办单位", "承办单位", ctx["unit_headers"], ctx["unit_table"])
    _breakdown(book, "按专门委员会", "专门委员会", ctx["unit_headers"], ctx["committee_table"])
    for name, block in (("重点督办建议", ctx["key"]), ("不满意重新办理", ctx["rehandled"])):
        s = book.create_sheet(name)
        _append(s, ["编号", "标题", "领衔代表", "状态", "答复类别", "测评结果"], bold=True)
        for r in block["rows"]:
            _append(
                s, [r["number"], r["title"], r["lead_deputy__name"], r["state_label"], r["result_class"], r["rating"]]
            )
        _append(s, [f"共{block['count']}件"])
        s.column_dimensions["B"].width = 50
    return _save(book)


def unit_book(ctx) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "办理情况"
    _title(sheet, f"{ctx['office']}：{ctx['title']}", f"数据截至{ctx['as_of']}")
    _figures_sheet(sheet, ctx)
    _issued(sheet, ctx)
    return _save(book)


def deputies_book(ctx) -> bytes:
    d = ctx["d"]
    book = Workbook()
    sheet = book.active
    sheet.title = "代表工作"
    _title(sheet, f"{ctx['office']}{ctx['title']}", f"数据截至{ctx['as_of']}")
    t = d["training"]
    _append(sheet, ["学习培训", "数值"], bold=True)
    for label, value in (
        ("培训班次", t["sessions"]),
        ("参训人次", t["person_times"]),
        ("参训学时", t["person_hours"]),
        ("在任代表", t["deputies"]),
        ("参训代表", t["covered"]),
        ("代表覆盖率", t["coverage"]),
        ("新任代表", t["new_deputies"]),
        ("新任代表初任培训率", t["new_coverage"]),
    ):
        _append(sheet, [label, value])
    _append(sheet, [])
    _append(sheet, ["履职类型", "记录（条）", "代表（人）"], bold=True)
    for r in d["duties"]:
        _append(sheet, [r["type"], r["records"], r["persons"]])
    _append(sheet, ["合计", d["duties_total"]])
    _append(sheet, [])
    _append(sheet, ["考核等次", "人数", "占比"], bold=True)
    for b in d["bands"]:
        _append(sheet, [b["band"], b["count"], b["share"]])
    _issued(sheet, ctx)
    sheet.column_dimensions["A"].width = 24
    groups = book.create_sheet("代表小组活动")
    _append(groups, ["代表小组", "成员（人）", "活动（次）"], bold=True)
    for g in d["groups"]:
        _append(groups, [g["name"], g["members"], g["activities"]])
    if d["stations"].get("available"):
        st = book.create_sheet("代表之家接待")
        _append(st, ["镇街", "接待人次", "收集问题", "已办结", "办结率", "转为建议", "转交部门", "留言"], bold=True)
        for r in [*d["stations"]["rows"], d["stations"]["total"]]:
            _append(st, [r["label"], r["visitors"], r["issues"], r["resolved"], r["rate"], r["suggestions"],
                         r["referred"], r["messages"]])  # fmt: skip
    return _save(book)


def archive_book(archive, title: str) -> bytes:
    """The 一人一册 archive's verified records as a sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "履职记录"
    _title(sheet, title)
    _append(sheet, ["履职类型", "次数"], bold=True)
    for name, n in archive.by_type:
        _append(sheet, [name, n])
    _append(sheet, [])
    _append(sheet, ["日期", "类型", "事项", "地点"], bold=True)
    for r in archive.records:
        _append(sheet, [r.date, r.type.name, r.title, r.place])
    sheet.column_dimensions["C"].width = 50
    return _save(book)
