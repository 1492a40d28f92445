"""Charts as inline SVG, drawn on the server: vector graphics in the PDF, no JavaScript. Labels are escaped."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
COLOURS = ("#b3261e", "#1f5fa8", "#3c8d40", "#c98a00", "#6b4fa0", "#777777")


def hbar(items: list[tuple[str, float | None]], *, title: str, unit: str = "%", maximum: float | None = 100.0,
         width: int = 480) -> SafeString:  # fmt: skip
    """A horizontal bar chart: one bar per (label, value); None draws no bar and prints "—"."""
    row_h, label_w, top = 18, 150, 26
    height = top + row_h * max(len(items), 1) + 8
    scale_max = maximum or max((v or 0 for _, v in items), default=0) or 1
    bar_w = width - label_w - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 6}" fill="#eeeeee"/>')
        if value is not None:
            w = round(bar_w * min(value, scale_max) / scale_max, 1)
            parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 6}" fill="{COLOURS[1]}"/>')
        text = "—" if value is None else f"{value:g}{unit}"
        parts.append(f'<text x="{label_w + bar_w + 4}" y="{y + 12}">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def columns(items: list[tuple[str, int]], *, title: str, width: int = 320, height: int = 180) -> SafeString:
    """A column chart of counts (e.g. answers by class A–D)."""
    top, bottom = 24, 22
    plot_h = height - top - bottom
    n = max(len(items), 1)
    slot = width / n
    peak = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
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
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
