"""A report over a province-sized year is built without running out of memory.

One congress is given a whole province's year at once: 30,000 suggestions, 40,000 assignments (lead and
co-handling) across 9,000 handling units, 27,000 answers, 24,000 ratings and 22,500 contact records. They are written
by a few INSERT … SELECT FROM generate_series statements through a second, autocommitting connection (the build's
process must see them; they are deleted again at the end, so the test database is not flushed), following rules on
the item's number, so that every expected figure is counted here from the same rules.

The suggestions annual report is then built as PDF and Excel through reports.builders.build (what the Celery job
and `annual_report` call) in a subprocess whose address space is capped with RLIMIT_AS; its peak resident memory is
reported back and bounded. The PDF lists the 300 units with most items (and says the Excel file holds all 9,000);
the Excel file holds every row.

Takes about 40 s on the shared 2-core test machine under load (generation ~5 s, the PDF build ~18 s, the Excel
build ~10 s, reading both back ~3 s); the build's peak resident memory was ~400 MB.
"""

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.db import connection
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

N = 30_000  # suggestions of the year
UNITS = 9_000
DEPUTIES = 60
SH = ZoneInfo("Asia/Shanghai")
# The build may use at most this much address space (a hard limit: beyond it allocations fail and the build dies).
ADDRESS_SPACE_LIMIT = 2 * 1024**3
# Documented bound on the build's peak resident memory (both files, one process).
PEAK_RSS_LIMIT_MB = 700

BASE_DIR = Path(__file__).resolve().parents[2]


# --- the rules the data set follows (by the item's number n = 1..N) -------------------------------------------------


def state(n: int) -> str:
    return {9: "handling", 8: "answered", 7: "rated", 6: "rated"}.get(n % 10, "closed")


def answered(n: int) -> bool:
    return state(n) != "handling"


def rated(n: int) -> bool:
    return state(n) in ("rated", "closed")


def rating(n: int) -> str:
    return "unsatisfied" if n % 25 == 0 else "basic" if n % 5 == 1 else "satisfied"


def result_class(n: int) -> str:
    r = n % 20
    return "A" if r < 11 else "B" if r < 17 else "C" if r < 19 else "D"


def met(n: int) -> bool:
    return n % 4 != 3


# The same rules in SQL (placeholders are %s, so a literal percent sign is written %%).
STATE_SQL = "CASE g %% 10 WHEN 9 THEN 'handling' WHEN 8 THEN 'answered' WHEN 7 THEN 'rated' WHEN 6 THEN 'rated' ELSE 'closed' END"  # noqa: E501
RATING_SQL = "CASE WHEN g %% 25 = 0 THEN 'unsatisfied' WHEN g %% 5 = 1 THEN 'basic' ELSE 'satisfied' END"
CLASS_SQL = "CASE WHEN g %% 20 < 11 THEN 'A' WHEN g %% 20 < 17 THEN 'B' WHEN g %% 20 < 19 THEN 'C' ELSE 'D' END"


NAME = "江南省（规模测试）人民代表大会"


def province_year(cur) -> int:
    """Writes the province-sized year through `cur` (a cursor of its own, autocommitting connection: the build runs
    in another process and must see the rows); returns the congress id. Removes what an interrupted run left."""
    remove_province_year(cur)
    cur.execute(
        "INSERT INTO organization_congress (name, short_name, level, is_managed) VALUES (%s, '规模测试省人大', "
        "'province', true) RETURNING id",
        [NAME],
    )
    congress = cur.fetchone()[0]
    cur.execute(
        "INSERT INTO organization_term (congress_id, number, start) VALUES (%s, 14, '2023-01-05') RETURNING id",
        [congress],
    )
    cur.execute(
        "INSERT INTO organization_meeting (term_id, number, start, \"end\") VALUES (%s, 4, '2026-01-10', '2026-01-14') "
        "RETURNING id",
        [cur.fetchone()[0]],
    )
    meeting = cur.fetchone()[0]
    cur.execute(
        """INSERT INTO suggestions_category (congress_id, name, "order") SELECT %s, '分类' || g, g
        FROM generate_series(1, 10) g RETURNING id""",
        [congress],
    )
    categories = [r[0] for r in cur.fetchall()]
    cur.execute(
        """INSERT INTO deputies_person (name, name_initials, gender, ethnicity, party, religion, education, workplace,
            composition, phone, id_number_encrypted, id_number_hash, address, created_at, updated_at)
        SELECT '规模测试代表' || g, 'gmcsdb', '男', '汉族', '群众', '', '大学', '', 'other',
            '1990000' || lpad(g::text, 4, '0'), '', 'province-scale-' || g, '', now(), now()
        FROM generate_series(1, %s) g RETURNING id""",
        [DEPUTIES],
    )
    deputies = [r[0] for r in cur.fetchall()]
    assigned = dt.datetime(2026, 2, 1, 10, tzinfo=SH)
    answered_at = dt.datetime(2026, 4, 1, 10, tzinfo=SH)
    cur.execute(
        "INSERT INTO organization_handlingunit (congress_id, name, kind, head, contact_person, contact_phone, "
        "is_active) SELECT %s, '省直承办单位' || g, 'department', '', '', '', true FROM generate_series(1, %s) g "
        "RETURNING id",
        [congress, UNITS],
    )
    first_unit = min(r[0] for r in cur.fetchall())
    cur.execute(
        f"""INSERT INTO suggestions_suggestion (congress_id, meeting_id, year, number, title, content, category_id,
            lead_deputy_id, state, round, is_key, disclose, follow_up_open, created_at, submitted_at, accepted_at,
            assigned_at, answered_at, closed_at, version)
        SELECT %(c)s, %(m)s, 2026, g, '关于第' || g || '项民生事项的建议', '建议内容',
            (%(cats)s::int[])[1 + g %% 10], (%(deps)s::int[])[1 + g %% {DEPUTIES}], {STATE_SQL},
            CASE WHEN g %% 1000 = 7 THEN 2 ELSE 1 END,
            g %% 200 = 0, true, false, %(t0)s, %(t0)s, %(t0)s, %(t0)s,
            CASE WHEN g %% 10 = 9 THEN NULL ELSE %(t1)s::timestamptz END,
            CASE WHEN g %% 10 < 6 THEN %(t1)s::timestamptz ELSE NULL END, 0
        FROM generate_series(1, %(n)s) g""",
        {"c": congress, "m": meeting, "cats": categories, "deps": deputies, "t0": assigned,
         "t1": answered_at, "n": N},
    )  # fmt: skip
    # The lead unit of item n is unit n mod 9000; every third item has a co-handling unit (not counted by unit).
    cur.execute(
        """INSERT INTO suggestions_assignment (suggestion_id, unit_id, role, part, state, round, assigned_at,
            due_date, opinion, answered_at, version)
        SELECT s.id, %(u)s + s.number %% %(units)s, 'lead', '',
            CASE WHEN s.state = 'handling' THEN 'handling' ELSE 'answered' END, 1, s.assigned_at,
            '2026-05-01'::date, '', s.answered_at, 0
        FROM suggestions_suggestion s WHERE s.congress_id = %(c)s
        UNION ALL
        SELECT s.id, %(u)s + (s.number + 1) %% %(units)s, 'co', '', 'handling', 1, s.assigned_at,
            '2026-05-01'::date, '', NULL, 0
        FROM suggestions_suggestion s WHERE s.congress_id = %(c)s AND s.number %% 3 = 0""",
        {"u": first_unit, "units": UNITS, "c": congress},
    )
    lead = (
        "FROM suggestions_assignment a JOIN suggestions_suggestion s ON s.id = a.suggestion_id "
        "WHERE s.congress_id = %(c)s AND a.role = 'lead'"
    )
    cur.execute(
        f"""INSERT INTO suggestions_answer (assignment_id, round, is_final_follow_up, text, result_class, status,
            drafted_at, approved_at, review_note)
        SELECT a.id, 1, false, '答复', {CLASS_SQL.replace("g %%", "s.number %%")}, 'sent', a.answered_at,
            a.answered_at, '' {lead} AND a.state = 'answered'""",
        {"c": congress},
    )
    cur.execute(
        f"""INSERT INTO suggestions_rating (suggestion_id, round, value, source, comment, rated_at)
        SELECT s.id, 1, {RATING_SQL.replace("g %%", "s.number %%")}, 'deputy', '', s.answered_at
        FROM suggestions_suggestion s WHERE s.congress_id = %(c)s AND s.state IN ('rated', 'closed')""",
        {"c": congress},
    )
    cur.execute(
        f"""INSERT INTO suggestions_contact (assignment_id, date, form, participants, content, recorded_at)
        SELECT a.id, '2026-03-01'::date, 'meeting', '', '', a.assigned_at {lead} AND s.number %% 4 <> 3""",
        {"c": congress},
    )
    return congress


def remove_province_year(cur) -> None:
    cur.execute("SELECT id FROM organization_congress WHERE name = %s", [NAME])
    row = cur.fetchone()
    if row is None:
        return
    c = {"c": row[0]}
    # Every row removed here was inserted by province_year() and nothing else refers to them: skip the foreign-key
    # triggers (seconds over 150,000 rows) where the test database's user may (a superuser); check them otherwise.
    with contextlib.suppress(psycopg2.Error):  # not a superuser: the deletes below are checked as usual (slower)
        cur.execute("SET session_replication_role = replica")
    items = "SELECT id FROM suggestions_suggestion WHERE congress_id = %(c)s"
    tasks = "SELECT id FROM suggestions_assignment WHERE suggestion_id IN (" + items + ")"
    for sql in (
        f"DELETE FROM suggestions_contact WHERE assignment_id IN ({tasks})",
        f"DELETE FROM suggestions_answer WHERE assignment_id IN ({tasks})",
        f"DELETE FROM suggestions_rating WHERE suggestion_id IN ({items})",
        f"DELETE FROM suggestions_assignment WHERE suggestion_id IN ({items})",
        "DELETE FROM suggestions_suggestion WHERE congress_id = %(c)s",
        "DELETE FROM organization_handlingunit WHERE congress_id = %(c)s",
        "DELETE FROM suggestions_category WHERE congress_id = %(c)s",
        "DELETE FROM organization_meeting WHERE term_id IN "
        "(SELECT id FROM organization_term WHERE congress_id = %(c)s)",
        "DELETE FROM organization_term WHERE congress_id = %(c)s",
        "DELETE FROM deputies_person WHERE id_number_hash LIKE 'province-scale-%%'",
        "DELETE FROM organization_congress WHERE id = %(c)s",
    ):
        cur.execute(sql, c)
    cur.execute("RESET session_replication_role")


def _expected() -> dict:
    """The year's counts by the rules above."""
    items = range(1, N + 1)
    rated_items = [n for n in items if rated(n)]
    return {
        "assigned": N,
        "answered": sum(answered(n) for n in items),
        "closed": sum(state(n) == "closed" for n in items),
        "met": sum(met(n) for n in items),
        "rated": len(rated_items),
        "positive": sum(rating(n) != "unsatisfied" for n in rated_items),
        "satisfied": sum(rating(n) == "satisfied" for n in rated_items),
        "class_a": sum(answered(n) and result_class(n) == "A" for n in items),
        "key": sum(n % 200 == 0 for n in items),
        "units": len({n % UNITS for n in items}),
        "per_unit": {n % UNITS: sum(1 for m in items if m % UNITS == n % UNITS) for n in range(3)},
    }


def _pct(num: int, den: int) -> str:
    tenths = (2000 * num + den) // (2 * den)
    return f"{tenths // 10}.{tenths % 10}%"


BUILD = r"""
import json, os, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import django
django.setup()
from organization.models import Congress
from reports import builders
congress = Congress.objects.get(pk=int(sys.argv[2]))
seconds = {}
for fmt in ("pdf", "xlsx"):
    started = time.monotonic()
    built = builders.build("suggestions", 2026, fmt, congress=congress)
    seconds[fmt] = round(time.monotonic() - started, 1)
    with open(os.path.join(sys.argv[3], "report." + fmt), "wb") as handle:
        handle.write(built.content)
print(json.dumps({"peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "seconds": seconds}))
"""


@pytest.fixture
def committed(db):
    """A cursor of a second, autocommitting connection to the test database: rows written through it are seen by
    the build's process, and are removed again at the end (no flush of the whole test database)."""
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None,
    )  # fmt: skip
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
            remove_province_year(cur)
    finally:
        conn.close()


def _pdf_text(path: Path) -> str:
    """The PDF's text without spaces and line breaks: poppler's pdftotext where installed (a second for these
    ~35 pages), pdfminer otherwise (ten times slower)."""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        text = extract_text(str(path))
    return text.replace(" ", "").replace("\n", "").replace("\f", "")


def test_a_province_sized_year_builds_as_pdf_and_excel_within_a_memory_limit(committed, tmp_path):
    province = province_year(committed)
    expected = _expected()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "renda.test_settings",
        "DATABASE_URL": urlparse(os.environ["DATABASE_URL"])
        ._replace(path="/" + connection.settings_dict["NAME"])
        .geturl(),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(ADDRESS_SPACE_LIMIT), str(province), str(tmp_path)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"province-sized build: {measured}")  # shown with -s: peak memory and seconds per format
    peak_mb = measured["peak_rss_kb"] / 1024
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"

    # The PDF is whole (it ends with its trailer) and prints the year's totals and rates.
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = _pdf_text(tmp_path / "report.pdf")
    e = expected
    assert f"交办代表建议{e['assigned']}件。其中已答复{e['answered']}件，答复率{_pct(e['answered'], N)}" in text
    assert f"已办结{e['closed']}件，办结率{_pct(e['closed'], N)}" in text
    assert f"见面率{_pct(e['met'], N)}" in text
    assert f"满意和基本满意率{_pct(e['positive'], e['rated'])}" in text
    assert f"承办单位共{e['units']}个，以上列出交办件数最多的300个" in text
    assert f"关于第{N}项民生事项的建议" in text  # the last key-supervised item (every 200th) is listed

    # The Excel file holds every figure and every unit's row.
    book = load_workbook(tmp_path / "report.xlsx", read_only=True)
    figures = {r[0]: r[1:4] for r in book["总体情况"].iter_rows(values_only=True) if r and r[0]}
    assert figures["答复率"] == (e["answered"], N, _pct(e["answered"], N))
    assert figures["满意率（首轮）"] == (e["satisfied"], e["rated"], _pct(e["satisfied"], e["rated"]))
    assert figures["解决率"] == (e["class_a"], e["answered"], _pct(e["class_a"], e["answered"]))
    units = [r for r in book["按承办单位"].iter_rows(min_row=2, values_only=True) if r and r[0]]
    assert len(units) == e["units"] + 1 and units[-1][:2] == ("合计", N)
    assert sum(r[1] for r in units[:-1]) == N
    by_name = {r[0]: r[1] for r in units}
    assert by_name["省直承办单位1"] == e["per_unit"][0]  # the first unit takes the items whose number n % 9000 == 0
    assert by_name["省直承办单位2"] == e["per_unit"][1]
    key = [r for r in book["重点督办建议"].iter_rows(values_only=True) if r and r[0]]
    assert key[-1][0] == f"共{e['key']}件" and len(key) == e["key"] + 2  # header, the items, the count
    book.close()
