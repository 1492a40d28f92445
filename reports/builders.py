"""The report builders: one function per kind, gathering the figures (reports.figures, issued ones from a
YearSnapshot where the year is issued) and rendering them to PDF (core.pdf, WeasyPrint) or Excel (openpyxl).

build(...) is what the Celery task and the `annual_report` command both call, so a file is the same whichever way
it was asked for. `progress(pct)` is called as the work advances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils import timezone

from core.pdf import render_pdf
from suggestions import stats

from . import charts, excel, figures, snapshots
from .models import Format, Kind

RATE_ROWS = (
    "meet_rate",
    "answer_rate",
    "ontime_rate",
    "close_rate",
    "solve_rate",
    "first_satisfied_rate",
    "first_basic_rate",
    "first_positive_rate",
    "final_satisfied_rate",
    "final_basic_rate",
    "final_positive_rate",
)
TABLE_CODES = ("meet_rate", "answer_rate", "ontime_rate", "close_rate", "first_positive_rate", "final_positive_rate")
CLASS_CODES = ("class_a", "class_b", "class_c", "class_d")
# The breakdowns the suggestions report prints (a snapshot freezes every one the stats API offers).
REPORT_BREAKDOWNS = ("", "unit", "committee")
# Rows of a breakdown table printed in the PDF; beyond it the units with most items are printed, and the report says
# that the Excel file holds the whole table (a province-sized congress may have thousands of units).
PDF_TABLE_LIMIT = figures.LIST_LIMIT


class BuildError(Exception):
    """A report that cannot be built, with the reason in Chinese (shown on the failed job)."""


@dataclass
class Built:
    content: bytes
    title: str


def report_css() -> str:
    """The report stylesheet, inlined: the PDF then needs no collected static files (no manifest lookup), so the
    command and the worker render the same on a fresh install."""
    found = finders.find("css/report.css")
    return Path(found).read_text(encoding="utf-8") if found else ""


def _pdf(template: str, ctx: dict) -> bytes:
    return render_pdf(template, {**ctx, "css": report_css()})


def office_name(congress) -> str:
    base = congress.name.removesuffix("人民代表大会") or str(congress)
    return f"{base}人大常委会代表工委"


def build(
    kind: str, year: int, fmt: str, *, congress, unit=None, person=None, progress: Callable | None = None
) -> Built:
    progress = progress or (lambda pct: None)
    if fmt not in Format.values:
        raise BuildError(f"不支持的格式：{fmt}")
    builder = {
        Kind.SUGGESTIONS: _suggestions,
        Kind.DEPUTIES: _deputies,
        Kind.UNIT: _unit,
        Kind.DEPUTY: _deputy,
    }.get(kind)
    if builder is None:
        raise BuildError(f"不支持的报告种类：{kind}")
    return builder(year, fmt, congress=congress, unit=unit, person=person, progress=progress)


def _table(report: dict, codes=TABLE_CODES) -> list[dict]:
    """Rows of a breakdown table: label, assigned, the picked rates (display strings) and the A–D counts; the total
    last."""
    out = []
    for r in [*report["rows"], report["total"]]:
        out.append(
            {
                "label": r["label"],
                "assigned": r["counts"].get("assigned", 0),
                "rates": [r["figures"][c]["display"] for c in codes],
                "classes": [r["counts"].get(c, 0) for c in CLASS_CODES],
            }
        )
    return out


def _limited(table: list[dict], limit: int = PDF_TABLE_LIMIT) -> list[dict]:
    """A breakdown table (total last) cut to `limit` rows for the PDF: those with most items assigned, in their usual
    order, then the total of all rows."""
    rows, total = table[:-1], table[-1:]
    if len(rows) <= limit:
        return table
    kept = sorted(sorted(range(len(rows)), key=lambda i: (-rows[i]["assigned"], i))[:limit])
    return [*(rows[i] for i in kept), *total]


# Widths of the numeric columns of a PDF table, for the fixed table layout of report.css. In the automatic layout
# WeasyPrint first measures every cell's narrowest and widest line (the narrowest of a Chinese text is one Pango
# layout per character) and only then lays the cells out: a quarter of the county report's rendering time went there.
# Numbers never wrap (td.num), so a column needs its widest number: estimated from the characters' advance (in em of
# the table's font; digits are about 0.55 em in WenQuanYi Micro Hei and Noto Sans CJK), plus the cell's padding and
# border, and at least two header characters (headers wrap between Chinese characters).
_CHAR_EM = {**dict.fromkeys("0123456789", 0.56), ".": 0.3, ",": 0.3, "%": 0.85, "-": 0.4}
CELL_PAD_EM = 0.95
MIN_NUMBER_COLUMN_EM = 2.9


def text_em(text: str) -> float:
    """Estimated width of a one-line text in em: ASCII by _CHAR_EM (0.6 otherwise), anything else one em."""
    return sum(_CHAR_EM.get(ch, 0.6 if ch.isascii() else 1.0) for ch in text)


def number_column_widths(rows: list[list]) -> list[str]:
    """CSS widths (em) of columns of numbers, one per column of `rows` (each row a list of printed values)."""
    columns = zip(*rows, strict=True) if rows else ()
    return [
        f"{max(MIN_NUMBER_COLUMN_EM, max(text_em(str(v)) for v in column) + CELL_PAD_EM):.2f}em" for column in columns
    ]


def _breakdown_widths(table: list[dict]) -> list[str]:
    """Widths of a breakdown table's columns after the label (交办, the rates, A–D), which takes the rest."""
    return number_column_widths([[r["assigned"], *r["rates"], *r["classes"]] for r in table])


def _headers(report: dict, codes=TABLE_CODES) -> list[str]:
    return [report["total"]["figures"][c]["label"] for c in codes]


def suggestions_context(congress, year: int, progress=lambda pct: None) -> dict:
    snap = snapshots.snapshot_for(congress.pk, year)
    if snap is None:
        data = figures.suggestion_figures(congress.pk, year, breakdowns=REPORT_BREAKDOWNS)
        changes = []
    else:
        data = snap.figures
        live = figures.suggestion_figures(congress.pk, year, breakdowns=("",))
        changes = snapshots.changed_figures(data["by"][""], live["by"][""])
    progress(40)
    total = data["by"][""]["total"]
    units, committees = data["by"]["unit"], data["by"]["committee"]
    key = figures.key_items(congress.pk, year)
    rehandled = figures.rehandled_items(congress.pk, year)
    progress(60)
    unit_rows = units["rows"]
    return {
        "congress": congress,
        "year": year,
        "office": office_name(congress),
        "title": f"关于{year}年度代表建议办理情况的报告",
        "as_of": data["by"][""]["as_of"],
        "total": total,
        "counts": [(stats.COUNT_LABELS[c], total["counts"].get(c, 0)) for c in stats.COUNT_LABELS],
        "rate_rows": [total["figures"][c] for c in RATE_ROWS],
        "all_figures": list(total["figures"].values()),
        "class_rows": [
            (c[-1].upper(), total["counts"].get(c, 0), total["figures"][f"{c}_share"]["display"]) for c in CLASS_CODES
        ],
        "unit_headers": _headers(units),
        "unit_table": _table(units),
        "committee_table": _table(committees),
        "unit_count": len(units["rows"]),
        "committee_count": len(committees["rows"]),
        "key": key,
        "rehandled": rehandled,
        "snapshot": snap,
        "changes": changes,
        "chart_rates": charts.hbar(
            [(r["label"], r["figures"]["answer_rate"]["rate"]) for r in unit_rows[:40]], title="各承办单位答复率"
        ),
        "chart_positive": charts.hbar(
            [(r["label"], r["figures"]["final_positive_rate"]["rate"]) for r in unit_rows[:40]],
            title="各承办单位满意和基本满意率（最终）",
        ),
        "chart_classes": charts.columns(
            [(f"{c[-1].upper()}类", total["counts"].get(c, 0)) for c in CLASS_CODES], title="答复结果分类（件）"
        ),
        "generated": timezone.localtime(),
    }


def _suggestions(year, fmt, *, congress, progress, **kw) -> Built:
    ctx = suggestions_context(congress, year, progress)
    title = f"{ctx['office']}{ctx['title']}"
    if fmt == Format.PDF:
        unit_table, committee_table = _limited(ctx["unit_table"]), _limited(ctx["committee_table"])
        pdf_ctx = {
            **ctx,
            "unit_table": unit_table,
            "unit_widths": _breakdown_widths(unit_table),
            "committee_table": committee_table,
            "committee_widths": _breakdown_widths(committee_table),
            "table_limit": PDF_TABLE_LIMIT,
        }
        content = _pdf("reports/pdf/suggestions.html", pdf_ctx)
    else:
        content = excel.suggestions_book(ctx)
    progress(95)
    return Built(content, title)


def deputies_context(congress, year: int, progress=lambda pct: None) -> dict:
    snap = snapshots.snapshot_for(congress.pk, year, Kind.DEPUTIES)
    data = snap.figures if snap else figures.deputy_figures(congress.pk, year)
    changes = []
    if snap is not None:
        live = figures.deputy_figures(congress.pk, year)
        changes = snapshots.changed_deputy_figures(snap.figures, live)
    progress(60)
    return {
        "congress": congress,
        "year": year,
        "office": office_name(congress),
        "title": f"关于{year}年度代表工作情况的报告",
        "as_of": data["as_of"],
        "d": data,
        "snapshot": snap,
        "changes": changes,
        "chart_duties": charts.hbar(
            [(r["type"], r["records"]) for r in data["duties"]], title="履职记录（按类型，条）", unit="", maximum=None
        ),
        "chart_bands": charts.columns([(b["band"], b["count"]) for b in data["bands"]], title="履职考核等次（人）"),
        "generated": timezone.localtime(),
    }


def _deputies(year, fmt, *, congress, progress, **kw) -> Built:
    ctx = deputies_context(congress, year, progress)
    title = f"{ctx['office']}{ctx['title']}"
    content = _pdf("reports/pdf/deputies.html", ctx) if fmt == Format.PDF else excel.deputies_book(ctx)
    progress(95)
    return Built(content, title)


def unit_context(unit, year: int, progress=lambda pct: None) -> dict:
    scope = stats.Scope(congress_ids={unit.congress_id}, unit_id=unit.pk)
    shown = snapshots.suggestion_stats(scope, year)
    data = shown.data
    changes = []
    if shown.snapshot is not None:
        changes = snapshots.changed_figures(data, figures.unit_figures(unit, year))
    progress(50)
    total = data["total"]
    return {
        "congress": unit.congress,
        "unit": unit,
        "year": year,
        "office": office_name(unit.congress),
        "title": f"{unit.name}{year}年度代表建议办理情况",
        "as_of": data["as_of"],
        "total": total,
        "counts": [(stats.COUNT_LABELS[c], total["counts"].get(c, 0)) for c in stats.COUNT_LABELS],
        "all_figures": list(total["figures"].values()),
        "snapshot": shown.snapshot,
        "changes": changes,
        "chart_classes": charts.columns(
            [(f"{c[-1].upper()}类", total["counts"].get(c, 0)) for c in CLASS_CODES], title="答复结果分类（件）"
        ),
        "generated": timezone.localtime(),
    }


def _unit(year, fmt, *, congress, unit, progress, **kw) -> Built:
    if unit is None:
        raise BuildError("承办单位报告需要指定承办单位")
    ctx = unit_context(unit, year, progress)
    title = f"{ctx['office']}：{ctx['title']}"
    content = _pdf("reports/pdf/unit.html", ctx) if fmt == Format.PDF else excel.unit_book(ctx)
    progress(95)
    return Built(content, title)


def _deputy(year, fmt, *, congress, person, progress, **kw) -> Built:
    from duties import archive

    if person is None:
        raise BuildError("一人一册需要指定代表")
    data = archive.build(person, archive.Period.for_year(year), include_pending=False, show_interviews=False)
    progress(50)
    title = f"{person.name}代表{year}年度履职档案"
    content = archive.render_archives_pdf([data], title=title) if fmt == Format.PDF else excel.archive_book(data, title)
    progress(95)
    return Built(content, title)
