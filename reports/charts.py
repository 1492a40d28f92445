"""Charts for the PDF reports, drawn on the server: vector graphics in the PDF, no JavaScript. Labels are escaped.

Every text of a chart (title, labels, values) is HTML text, and the SVG draws shapes only. WeasyPrint lays out and
draws each *letter* of an SVG <text> separately (three Pango layouts per letter), so two 40-row bar charts with their
labels in SVG cost about a fifth of the whole county report; the same labels as lines of one HTML block cost a few
milliseconds. The bars of a chart are one <path> per colour for the same reason (one SVG node each instead of one per
bar). Rows of a bar chart are ROW_H CSS px apart both in the SVG and as the line height of the label and value
columns (static/css/report.css, .hbar), so each label sits level with its bar.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
COLOURS = ("#b3261e", "#1f5fa8", "#3c8d40", "#c98a00", "#6b4fa0", "#777777")
ROW_H = 18  # CSS px; the line height of .hbar-labels and .hbar-values in report.css
BAR_H = 12
LABEL_CHARS = 12


def _num(x: float) -> str:
    return f"{x:g}"


def hbar(items: list[tuple[str, float | None]], *, title: str, unit: str = "%", maximum: float | None = 100.0,
         width: int = 480) -> SafeString:  # fmt: skip
    """A horizontal bar chart: one bar per (label, value); None draws no bar and prints "—"."""
    label_w, value_w = 150, 60
    bar_w = width - label_w - value_w
    height = ROW_H * max(len(items), 1)
    scale_max = maximum or max((v or 0 for _, v in items), default=0) or 1
    labels, values, track, bars = [], [], [], []
    for i, (label, value) in enumerate(items):
        y = i * ROW_H + (ROW_H - BAR_H) / 2
        label = " ".join(str(label).split())  # one line each: the columns are preformatted text
        labels.append(escape(label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"))
        values.append(escape("—" if value is None else f"{value:g}{unit}"))
        track.append(f"M0 {_num(y)}h{bar_w}v{BAR_H}h-{bar_w}z")
        if value is not None:
            w = round(bar_w * min(value, scale_max) / scale_max, 1)
            if w > 0:
                bars.append(f"M0 {_num(y)}h{_num(w)}v{BAR_H}h-{_num(w)}z")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{bar_w}" height="{height}" viewBox="0 0 {bar_w} {height}" '
        f'aria-hidden="true"><path fill="#eeeeee" d="{"".join(track)}"/>'
        + (f'<path fill="{COLOURS[1]}" d="{"".join(bars)}"/>' if bars else "")
        + "</svg>"
    )
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<figure class="hbar" style="width: {width}px"><figcaption>{escape(title)}</figcaption>'
        f'<div class="hbar-plot"><div class="hbar-labels" style="width: {label_w - 6}px">{chr(10).join(labels)}</div>'
        f'<div class="hbar-bars" style="width: {bar_w}px">{svg}</div>'
        f'<div class="hbar-values" style="width: {value_w - 4}px">{chr(10).join(values)}</div></div></figure>'
    )


def columns(items: list[tuple[str, int]], *, title: str, width: int = 320, height: int = 180) -> SafeString:
    """A column chart of counts (e.g. answers by class A–D): the title above, each column's value above it and its
    label below, as SVG text (a few short texts: cheap enough even letter by letter)."""
    top, bottom = 16, 22
    plot_h = height - top - bottom
    n = max(len(items), 1)
    slot = width / n
    peak = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10" aria-hidden="true">',
        f'<line x1="0" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="#999" stroke-width="0.5"/>',
    ]
    for i, (label, value) in enumerate(items):
        h = round(plot_h * value / peak, 1)
        x = round(i * slot + slot * 0.2, 1)
        w = round(slot * 0.6, 1)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{top + plot_h - h}" width="{w}" height="{h}" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + w / 2}" y="{top + plot_h - h - 3}" text-anchor="middle">{value}</text>'
            f'<text x="{x + w / 2}" y="{height - 6}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<figure class="columns" style="width: {width}px"><figcaption>{escape(title)}</figcaption>'
        + "".join(parts)
        + "</figure>"
    )
