"""How the annual suggestions report is rendered (issue 9, B4): every section and figure still printed with charts
whose texts are HTML text level with their bars, table columns wide enough for their numbers under the fixed table
layout, and the garbage collector's pause around a render undone afterwards."""

import datetime as dt
import gc
import io
import re

import pytest
from django.template.loader import render_to_string
from pdfminer.high_level import extract_text
from weasyprint import HTML

from core.pdf import BASE_URL, RENDER_GC_THRESHOLD0, StaticOnlyFetcher, collect_only_new_objects, render_pdf
from reports import builders, charts, figures
from suggestions.models import Suggestion
from tests import factories as f

S = Suggestion.State
HEADINGS = (
    "一、总体情况",
    "二、办理结果分类",
    "三、各承办单位办理情况",
    "四、各专门委员会督办领域情况",
    "五、重点督办建议及办理结果",
    "六、不满意建议重新办理情况",
    "七、指标说明",
)


def _document(body: str):
    """A page of `body` with the report stylesheet, laid out by WeasyPrint."""
    html = f'<html lang="zh-CN"><head><style>{builders.report_css()}</style></head><body>{body}</body></html>'
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _classed(document, cls: str) -> list:
    return [
        b
        for page in document.pages
        for b in _boxes(page._page_box)
        if type(b).__name__ == "TableCellBox" and cls in (b.element.get("class") or "").split()
    ]


def test_a_report_of_more_units_than_a_chart_holds_prints_every_section_table_row_and_chart_label(build, world):
    units = [f.UnitFactory(congress=world.county) for _ in range(45)]
    for i, unit in enumerate(units):
        build(S.RATED, unit=unit, answered_on=dt.date(2026, 5, 1), ratings=["satisfied"], is_key=(i % 15 == 0))
    built = builders.build("suggestions", 2026, "pdf", congress=world.county)

    text = extract_text(io.BytesIO(built.content))
    flat = re.sub(r"\s", "", text)
    for heading in HEADINGS:
        assert heading in flat
    for title in ("答复结果分类（件）", "各承办单位答复率", "各承办单位满意和基本满意率（最终）"):
        assert title in flat
    rows = figures.suggestion_figures(world.county.pk, 2026, breakdowns=("unit",))["by"]["unit"]["rows"]
    assert {r["label"] for r in rows} == {u.name for u in units}
    lines = [line.strip() for line in text.splitlines()]
    charted = {r["label"] for r in rows[:40]}
    for unit in units:
        # Each unit once in the table, and as a line of each bar chart when among the first 40.
        assert lines.count(unit.name) == (3 if unit.name in charted else 1), unit.name
    assert len(built.content) <= 300 * 1024


def test_a_bar_charts_labels_and_values_are_text_lines_level_with_their_bars():
    items = [
        ("县教育局", 100.0),
        ("县人力资源和社会保障局驻城关镇办事处", 62.5),
        ("县交通运输局", None),
        ("县水利局", 0.0),
    ]
    html = charts.hbar(items, title="各承办单位答复率")
    assert "<text" not in html  # WeasyPrint draws SVG text letter by letter
    assert html.count("<path") == 2  # the tracks and the bars, whatever the number of rows

    document = _document(f'<div class="chart">{html}</div>')
    (svg,) = [b for page in document.pages for b in _boxes(page._page_box) if str(b.element_tag).endswith("}svg")]
    assert svg.height == pytest.approx(charts.ROW_H * len(items))
    for cls, expected in (
        ("hbar-labels", ["县教育局", "县交通运输局", "县水利局"]),
        ("hbar-values", ["100%", "62.5%", "—", "0%"]),
    ):
        (column,) = _classed(document, cls)
        lines = [b for b in column.children if type(b).__name__ == "LineBox"]
        assert len(lines) == len(items)
        for i, line in enumerate(lines):
            # Line i spans the i-th row of the SVG, whose bar is drawn in its middle.
            assert line.position_y - svg.position_y == pytest.approx(i * charts.ROW_H)
            assert line.height == pytest.approx(charts.ROW_H)
        texts = ["".join(t.text for t in _boxes(line) if hasattr(t, "text")) for line in lines]
        assert [t for t in texts if t in expected] == expected
    labels = _classed(document, "hbar-labels")[0]
    long = [t.text for t in _boxes(labels) if hasattr(t, "text") and t.text.startswith("县人力")]
    assert long and len(long[0]) == charts.LABEL_CHARS and long[0].endswith("…")


def test_the_fixed_layout_gives_each_number_column_room_for_its_widest_number():
    def row(label, assigned, rate, klass):
        return {"label": label, "assigned": assigned, "rates": [rate] * 6, "classes": [klass] * 4}

    # A province-sized total (five-digit counts), full and missing rates, one-digit counts.
    table = [row("县教育局", 3, "100.0%", 1), row("县交通运输局", 7, "—", 0), row("合计", 30000, "99.9%", 12345)]
    body = render_to_string(
        "reports/pdf/_breakdown.html",
        {"label": "承办单位", "headers": ["率"] * 6, "rows": table, "widths": builders._breakdown_widths(table)},
    )
    document = _document(body)
    cells = [b for page in document.pages for b in _boxes(page._page_box) if type(b).__name__ == "TableCellBox"]
    numbers = [c for c in cells if c.element.tag == "td" and "num" in (c.element.get("class") or "")]
    assert len(numbers) == 3 * 11
    for cell in numbers:
        (text,) = [t for t in _boxes(cell) if type(t).__name__ == "TextBox"]
        assert text.width <= cell.width, (text.text, text.width, cell.width)
    # The unit's name takes the rest of the line.
    label = next(c for c in cells if c.element.tag == "td")
    assert label.width > 0 and label.grid_x == 0


def test_a_render_pauses_the_collector_for_old_objects_only_while_it_runs():
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with collect_only_new_objects():
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] >= RENDER_GC_THRESHOLD0
        with collect_only_new_objects():
            pass
        assert gc.get_freeze_count() > 0  # the inner render's end does not end the outer one's pause
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before

    with pytest.raises(RuntimeError), collect_only_new_objects():
        raise RuntimeError("a render that fails")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before

    pdf = render_pdf("reports/pdf/_changes.html", {})
    assert pdf.startswith(b"%PDF-")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_a_process_that_froze_its_objects_itself_stays_frozen_after_a_render():
    gc.freeze()
    try:
        with collect_only_new_objects():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
