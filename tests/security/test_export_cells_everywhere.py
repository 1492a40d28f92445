"""Every app's spreadsheet export escapes formula starts the same way, the full-width ＝ and a leading tab included."""

import datetime as dt

import pytest

from reports.excel import safe as report_cell
from stations.exports import _safe as station_cell


@pytest.mark.parametrize("cell", [station_cell, report_cell])
@pytest.mark.parametrize("text", ["=1+1", '＝HYPERLINK("x")', "\t=cmd", "@SUM(A1)", "-2+3", "＋1"])
def test_a_formula_start_is_neutralised_in_every_export(cell, text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("cell", [station_cell, report_cell])
def test_plain_values_pass_unchanged(cell):
    assert cell("关于改善城关镇排水的建议") == "关于改善城关镇排水的建议"
    assert cell(-5) == -5


def test_station_export_times_are_local_and_naive():
    moment = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)
    assert station_cell(moment) == dt.datetime(2026, 1, 1, 8, 30)
