"""Shared helpers for spreadsheet exports."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by Excel/WPS/LibreOffice (CSV/formula injection):
# = + - @, tab, carriage return, and the full-width ＝ ＋ － ＠ that WPS also accepts.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """`value` as a spreadsheet cell that is never run as a formula: risky text gets a leading apostrophe.
    Numbers, dates and None pass through (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
