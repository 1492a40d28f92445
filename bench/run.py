"""The benchmark suite of issue 9: `make bench` (or `.venv/bin/python bench/run.py --scale county --only B2,B3`).

Prints one line per figure: name, value, the baseline measured in the same run, ratio, target, PASS/MISS. Works on its
own database (DATABASE_URL must name a database whose name contains "bench"); generates the data set it needs with
`manage.py gen_dataset` when absent or of another scale (dropping and re-creating that bench database only).
Every load loop is bounded in count and time and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable

ENV = {
    "RENDA_TESTING": "1",  # dev keys (the data set's encrypted fields), fast password hasher, no MFA gate
    "BENCH": "1",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "LOG_LEVEL": "WARNING",
    "MFA_REQUIRED_ROLES": "",
    "CELERY_TASK_ALWAYS_EAGER": "1",
}
RESULTS: list[tuple] = []


def line(name, value, baseline, ratio, target, ok, unit=""):
    status = "PASS" if ok else "MISS"

    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    row = (name, f"{fmt(value)}{unit}", fmt(baseline), fmt(ratio) if ratio is not None else "-", target, status)
    RESULTS.append(row)
    print(" | ".join(row), flush=True)


# --- the database -------------------------------------------------------------------------------------------------


def bench_db_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/renda_bench")
    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"bench/run.py works only on a database named *bench* (got {name!r}); see the Makefile's BENCH_DB_URL")
    return url


def psql_admin(url: str, sql: str) -> None:
    import psycopg2

    parts = urlparse(url)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def db_exists(url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(url).close()
        return True
    except psycopg2.OperationalError:
        return False


def manage(*args, check=True, quiet=False) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": "renda.settings"}
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=check, stdout=out)


def ensure_dataset(url: str, scale: str, years: int | None, duties: int | None) -> str:
    name = urlparse(url).path.lstrip("/")
    from_gen = __import__("importlib").import_module("core.management.commands.gen_dataset")
    want = from_gen.dataset_label(
        scale,
        years or from_gen.SCALES[scale].years,
        20261123,
        from_gen.SCALES[scale].duties_per_deputy_year if duties is None else duties,
    )
    have = None
    if db_exists(url):
        import psycopg2

        conn = psycopg2.connect(url)
        with conn.cursor() as cur:
            try:
                cur.execute("SELECT display_name FROM accounts_user WHERE username = %s", [from_gen.MARKER_USER])
                row = cur.fetchone()
                have = row[0] if row else None
            except psycopg2.Error:
                have = None
        conn.close()
    if have == want:
        print(f"# data set {want} present in {name}; applying new migrations, if any", flush=True)
        manage("migrate", "--noinput", "-v0", quiet=True)  # the code may have moved on since the set was built
        return want
    print(f"# building data set {want} in {name} (was: {have})", flush=True)
    psql_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    psql_admin(url, f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0", quiet=True)
    args = ["gen_dataset", "--scale", scale]
    if years:
        args += ["--years", str(years)]
    if duties is not None:
        args += ["--duties-per-year", str(duties)]
    started = time.monotonic()
    manage(*args)
    print(f"# data set built in {time.monotonic() - started:.0f} s", flush=True)
    return want


# --- helpers in-process --------------------------------------------------------------------------------------------


def best_of(fn, n=3, limit_s=60.0):
    """The best wall time of up to n runs of fn (stops early after limit_s); returns (seconds, last result)."""
    times, result, started = [], None, time.monotonic()
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if time.monotonic() - started > limit_s:
            break
    return min(times), result


def users():
    from accounts.models import User

    return {u.username: u for u in User.objects.filter(username__startswith="bench-")}


def client_for(user):
    from django.test import Client

    c = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    c.force_login(user)
    return c


# --- B1 page throughput ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workers: int):
        self.port = free_port()
        env = {**os.environ, **ENV}
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "renda.wsgi:application", "-b", f"127.0.0.1:{self.port}",
             "-w", str(workers), "--worker-class", "sync", "--log-level", "warning", "--timeout", "60"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        import http.client

        deadline = time.monotonic() + 120  # until every worker has booted and answers the ping
        ready = 0
        while time.monotonic() < deadline and ready < workers * 3:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/bench/ping/")
                ready = ready + 1 if conn.getresponse().status == 200 else 0
                conn.close()
            except OSError:
                time.sleep(0.5)
        if ready < workers * 3:
            self.stop()
            raise RuntimeError("gunicorn did not start")
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def cookie_of(client) -> str:
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk(url: str, cookie: str, seconds: int, connections: int = 8) -> tuple[float, float, int]:
    """(requests/s, p99 ms, errors) from wrk."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    return parse_wrk(out)


def parse_wrk(out: str) -> tuple[float, float, int]:
    """(requests/s, p99 ms, errors) from wrk's --latency report; errors are non-2xx/3xx answers plus socket errors
    (timeouts included: wrk leaves them out of its latency figures); p99 is infinite when nothing was answered."""
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk: {out[-300:]}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else float("inf")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    completed = re.search(r"(\d+) requests in", out)
    if completed and int(completed.group(1)) == 0:
        p99 = float("inf")
    return rps, p99, errors


def py_load(url: str, cookie: str, seconds: int, connections: int = 8) -> tuple[float, float, int]:
    """The same figures from a thread pool of http.client connections (when wrk is missing)."""
    import http.client

    parts = urlparse(url)
    latencies, bad = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        local = []
        for _ in range(100_000):
            if time.monotonic() >= deadline:
                break
            t0 = time.perf_counter()
            conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Cookie": cookie})
            resp = conn.getresponse()
            resp.read()
            local.append(time.perf_counter() - t0)
            if resp.status >= 400:
                with lock:
                    bad[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("inf")
    return len(latencies) / seconds, p99, bad[0]


def b1_pages():
    """(label, user, path) of the main pages."""
    from stations.models import Station
    from suggestions.models import Suggestion

    sugg = Suggestion.objects.filter(state="handling").order_by("-id").values_list("pk", flat=True).first()
    station = Station.objects.order_by("id").values_list("pk", flat=True).first()
    return [
        ("deputy list", "bench-admin", "/deputies/"),
        ("suggestion list", "bench-admin", "/suggestions/"),
        ("suggestion detail", "bench-admin", f"/suggestions/{sugg}/"),
        ("unit to-do list", "bench-unit", "/suggestions/todo/"),
        ("station page", "bench-admin", f"/stations/{station}/"),
        ("stats page", "bench-admin", "/stats/suggestions/"),
        ("deputy mobile home", "bench-deputy", "/"),
    ]


def run_b1(seconds: int, workers: int):
    us = users()
    clients = {name: client_for(u) for name, u in us.items()}
    pages = b1_pages()
    for label, who, path in pages:  # every page answers 200 in-process before we load it
        status = clients[who].get(path).status_code
        if status != 200:
            print(f"# B1 {label} {path} answers {status} in-process", flush=True)
    load = wrk if shutil.which("wrk") else py_load
    tool = "wrk" if load is wrk else "python client"
    server = Server(workers)
    try:
        cookie = cookie_of(clients["bench-admin"])
        load(server.base + "/bench/ping/", cookie, 2)  # warm every worker
        base_rps, base_p99, _ = load(server.base + "/bench/ping/", cookie, seconds)
        line(f"B1 baseline ping ({tool}, 8 conn)", base_rps, base_rps, 1.0, "-", True, " req/s")
        for label, who, path in pages:
            ck = cookie_of(clients[who])
            load(server.base + path, ck, 1)
            rps, p99, bad = load(server.base + path, ck, seconds)
            ratio = rps / base_rps
            ok = ratio >= 0.15 and p99 <= 50 and bad == 0
            line(f"B1 {label} req/s (p99 {p99:.0f} ms, errors {bad})", rps, base_rps, ratio,
                 "ratio ≥ 0.15, p99 ≤ 50 ms", ok)  # fmt: skip
    finally:
        server.stop()


# --- B2 query counts -----------------------------------------------------------------------------------------------

WEB_LISTS = [
    ("bench-admin", "/deputies/"), ("bench-admin", "/deputies/groups/"), ("bench-admin", "/suggestions/"),
    ("bench-unit", "/suggestions/todo/"), ("bench-admin", "/stations/"), ("bench-admin", "/stations/receptions/"),
    ("bench-admin", "/stations/messages/"), ("bench-admin", "/training/"), ("bench-admin", "/duties/"),
    ("bench-admin", "/organization/units/"),
]  # fmt: skip


def api_lists() -> list[str]:
    from django.urls import get_resolver

    found = []

    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            pattern = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p, pattern)
            elif getattr(p, "name", "") and p.name.endswith("-list") and "<" not in pattern and "(?P" not in pattern:
                found.append("/" + pattern.replace("^", "").replace("$", "").replace("\\", ""))

    walk(get_resolver("renda.urls"), "")
    return sorted({f for f in found if f.startswith("/api/v1/")})


def count_queries(client, path) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    return len(ctx.captured_queries), status


def run_b2():
    us = users()
    clients = {name: client_for(u) for name, u in us.items()}
    for who, path in WEB_LISTS:
        client = clients[who]
        client.get(path)  # warm the session and per-process caches
        q1, s1 = count_queries(client, path)
        q5, s5 = count_queries(client, path + "?page=5")
        ok = s1 == 200 and q1 == q5 and q1 <= 8
        line(f"B2 {path} queries page 1 / page 5 (status {s1})", q5, q1, q5 / q1 if q1 else None, "equal, ≤ 8", ok)
    admin = clients["bench-admin"]
    for path in api_lists():
        admin.get(path)
        q20, s20 = count_queries(admin, path + "?page_size=20")
        q200, s200 = count_queries(admin, path + "?page_size=200")
        if s20 != 200:
            line(f"B2 {path} (status {s20})", q200, q20, None, "equal, ≤ 8", s20 in (403, 405))
            continue
        line(f"B2 {path} queries 200 rows / 20 rows", q200, q20, q200 / q20 if q20 else None, "equal, ≤ 8",
             q20 == q200 and q20 <= 8)  # fmt: skip


# --- B3 statistics -----------------------------------------------------------------------------------------------


def in_turns(tasks: list[dict], n=3, limit_s=150.0) -> dict:
    """Times the sides of each task ({name: fn}, e.g. one year through the ORM and the same statements raw) in
    turns: one after the other task by task, the order reversed from one task and one round to the next, each run
    after a collection, so both sides meet the same load on a shared machine and neither always runs first. At least
    two rounds, then up to n while the whole stays under limit_s. Returns {name: (sum over the tasks of each task's
    best time, runs per task)}: the same number of runs for every side."""
    import gc

    times = [{name: [] for name in task} for task in tasks]
    started = time.monotonic()
    for i in range(n):
        for j, task in enumerate(tasks):
            for name, fn in list(task.items())[:: 1 if (i + j) % 2 == 0 else -1]:
                gc.collect()
                t0 = time.perf_counter()
                fn()
                times[j][name].append(time.perf_counter() - t0)
        if i >= 1 and time.monotonic() - started > limit_s:
            break
    return {name: (sum(min(t[name]) for t in times), len(times[0][name])) for name in tasks[0]}


def run_b3(years: list[int]):
    """The annual rates by unit through suggestions.stats against the same statements run raw in the same process
    and fetched the same way (the connection's cursor, fetchall), both warmed first, then timed year by year in
    turns (in_turns): a ten-year run takes minutes and the machine's load moves within it, which best-of-3 of each
    side one after the other turned into ±10 % either way (raw against raw)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organization.models import Congress
    from suggestions import stats

    scope = stats.Scope(congress_ids=set(Congress.objects.values_list("pk", flat=True)))

    def raw(sqls):
        with connection.cursor() as cur:
            for sql in sqls:
                cur.execute(sql)
                cur.fetchall()

    tasks, rows, queries = {}, {}, {}
    for y in years:
        with CaptureQueriesContext(connection) as ctx:
            rows[y] = len(stats.compute(scope, y, breakdown="unit").rows)  # warms the ORM side (and the cache)
        sqls = [q["sql"] for q in ctx.captured_queries]
        queries[y] = len(sqls)
        raw(sqls)  # warms the raw side
        tasks[y] = {
            "orm": lambda y=y: stats.compute(scope, y, breakdown="unit"),
            "raw": lambda sqls=sqls: raw(sqls),
        }
    for label, ys, n in (("one year", years[-1:], 5), (f"{len(years)} years", years, 3)):
        timed = in_turns([tasks[y] for y in ys], n=n)
        (t_orm, runs), (t_raw, _) = timed["orm"], timed["raw"]
        name = (f"B3 annual rates by unit, {label} ({sum(rows[y] for y in ys)} unit rows, "
                f"{sum(queries[y] for y in ys)} queries, best of {runs} per year in turns)")  # fmt: skip
        line(name, t_orm * 1000, round(t_raw * 1000, 1), t_orm / t_raw, "ratio ≤ 1.2", t_orm / t_raw <= 1.2, " ms")


# --- B4 PDF --------------------------------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> int:
    """Pages by the PDF's page tree (pdfminer): WeasyPrint keeps page objects in compressed object streams, where a
    byte search for /Type /Page finds none."""
    from pdfminer.pdfpage import PDFPage

    return max(1, sum(1 for _ in PDFPage.get_pages(io.BytesIO(data))))


def run_b4(year: int):
    from weasyprint import HTML

    from organization.models import Congress

    def trivial():
        return HTML(string="<html><body><p>基准</p></body></html>").write_pdf()

    trivial()
    t_base, _ = best_of(trivial, n=5)
    county = Congress.objects.filter(level="county").order_by("pk").first()
    top = Congress.objects.filter(parent__isnull=True).order_by("pk").first()
    subjects = [("county", county)] + ([("top", top)] if top.pk != county.pk else [])
    for label, congress in subjects:
        try:
            from reports import builders

            def build(congress=congress):
                return builders.build("suggestions", year, "pdf", congress=congress).content

            source = "reports annual suggestions report"
            build()
        except Exception as exc:  # the reports app missing or failing: fall back to the compilation PDF
            print(f"# B4 reports builder unavailable ({exc!r}); using the suggestions compilation PDF", flush=True)
            admin = client_for(users()["bench-admin"])

            def build(congress=congress, admin=admin):
                return admin.get(f"/suggestions/documents/compilation.pdf?congress={congress.pk}&year={year}").content

            source = "suggestions compilation PDF"
        t, data = best_of(build, n=2, limit_s=120)
        pages = pdf_pages(data)
        ratio = t / t_base
        per_page = t * 1000 / pages
        kb = len(data) / 1024
        ok = (ratio <= 40 if label == "county" else True) and per_page <= 250 and kb <= 300
        target = ("≤ 40× baseline, " if label == "county" else "") + "≤ 250 ms/page, ≤ 300 KB"
        line(f"B4 {label} {source} {year} ({pages} pages, {kb:.0f} KB, {per_page:.0f} ms/page)", t * 1000,
             round(t_base * 1000, 1), ratio, target, ok, " ms")  # fmt: skip


# --- B5 reminders --------------------------------------------------------------------------------------------------


def run_b5():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from suggestions.models import Assignment
    from suggestions.tasks import send_daily_reminders

    today = timezone.localdate()
    open_items = Assignment.objects.filter(state__in=Assignment.OPEN_STATES).count()

    def task():
        # In a transaction rolled back, so every run does the same work and the data set stays as it was.
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            result = send_daily_reminders(today.isoformat())
            transaction.set_rollback(True)
        return result, len(ctx.captured_queries)

    def count():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM suggestions_assignment WHERE state = ANY(%s) AND due_date <= %s",
                [list(Assignment.OPEN_STATES), today + timezone.timedelta(days=7)],
            )
            return cur.fetchone()[0]

    t_task, (result, queries) = best_of(task, n=2)
    t_count, due = best_of(count)
    sent = sum(v for v in (result or {}).values() if isinstance(v, int)) if isinstance(result, dict) else 0
    per_s = open_items / t_task if t_task else 0
    ok = queries <= max(60, open_items // 100)
    line(f"B5 daily reminders over {open_items} open items ({due} due ≤ 7 days, {sent} sent, {queries} queries, "
         f"{per_s:.0f} items/s)", t_task * 1000, round(t_count * 1000, 2), t_task / t_count,
         "queries do not grow per item (≤ max(60, items/100))", ok, " ms")  # fmt: skip


# --- B6 import -----------------------------------------------------------------------------------------------------


def roster_file(rows: int, congress) -> bytes:
    import random

    from openpyxl import Workbook

    from core.idcard import check_character
    from deputies.importing import HEADERS
    from organization.models import Area, Term, chinese_number

    rnd = random.Random(6)
    term = Term.objects.filter(congress=congress).order_by("-number").first()
    townships = list(Area.objects.filter(parent_id=congress.area_id, level="township").values_list("name", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    ws.append(HEADERS)
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰"
    for i in range(rows):
        birth = f"{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}"
        first17 = f"330{i % 1000:03d}{birth}{i % 1000:03d}"
        first17 = first17[:17]
        name = rnd.choice(surnames) + rnd.choice(given) + rnd.choice(given)
        ws.append([
            name, "男" if i % 2 else "女", "汉族", f"{birth[:4]}.{birth[4:6]}", "群众", "大学", "某公司职员", "县",
            f"第{chinese_number(term.number)}届", f"第{i % 40 + 1}选区", "工人", rnd.choice(townships), "",
            f"15{i:09d}"[:11], first17 + check_character(first17),
        ])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run_b6(rows: int):
    from django.db import transaction
    from openpyxl import load_workbook

    from deputies import importing
    from organization.models import Congress

    congress = Congress.objects.filter(level="county").order_by("pk").first()
    data = roster_file(rows, congress)
    admin = users()["bench-admin"]

    def read():
        wb = load_workbook(io.BytesIO(data), read_only=True)
        n = sum(1 for _ in wb.active.iter_rows(values_only=True))
        wb.close()
        return n

    # Timed untraced; peak memory from a separate traced run (tracemalloc slows allocation-heavy Python 3–5×).
    t_read, _ = best_of(read, n=2)
    tracemalloc.start()
    read()
    _, peak_read = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def run():
        with transaction.atomic():
            f = io.BytesIO(data)
            f.name = "roster.xlsx"
            result = importing.run(f, congress=congress, actor=admin, filename="roster.xlsx")
            transaction.set_rollback(True)  # leave the data set as it was
        return result

    t0 = time.perf_counter()
    try:
        result = run()
        error = ""
    except Exception as exc:
        result, error = None, repr(exc)[:200]
    t_import = time.perf_counter() - t0
    tracemalloc.start()
    with contextlib.suppress(Exception):
        run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    errors = len(getattr(result, "errors", []) or []) if result is not None else -1
    if error or errors:
        first = error or getattr(result, "errors", [])[:3]
        print(f"# B6 import rejected: {first}", flush=True)
    rate = rows / t_import
    line(f"B6 roster import {rows} rows (peak {peak / 2**20:.0f} MB vs read {peak_read / 2**20:.0f} MB, "
         f"errors {errors})", rate, round(rows / t_read), t_import / t_read,
         "≥ 500 rows/s, peak ≤ 512 MB, no row errors", rate >= 500 and peak < 512 * 2**20 and errors == 0,
         " rows/s")  # fmt: skip


# --- B7 mixed load -------------------------------------------------------------------------------------------------


def run_b7(rate: int, seconds: int, workers: int):
    import http.client
    import json
    import random

    from accounts import services as account_services
    from deputies.models import Person
    from suggestions.models import Suggestion

    us = users()
    clients = {name: client_for(u) for name, u in us.items()}
    key, _ = account_services.issue_api_token(us["bench-deputy"])
    person = us["bench-deputy"].person_id
    visible = ["accepted", "handling", "answered", "rated", "closed"]
    sugg = list(Suggestion.objects.filter(state__in=visible).order_by("-id").values_list("pk", flat=True)[:200])
    persons = list(Person.objects.order_by("id").values_list("pk", flat=True)[:200])
    reads = [f"/suggestions/{pk}/" for pk in sugg[:100]] + [f"/deputies/{pk}/" for pk in persons[:100]]
    lists = ["/suggestions/?state=handling", "/suggestions/?q=建议", "/deputies/?q=王", "/stations/receptions/?status=open",  # noqa: E501
             "/duties/?status=submitted", "/suggestions/?page=3"]  # fmt: skip
    server = Server(workers)
    rnd = random.Random(7)
    total = rate * seconds
    plan = []
    for i in range(total):
        x = rnd.random()
        if x < 0.7:
            plan.append(("GET", rnd.choice(reads), None, "bench-admin"))
        elif x < 0.9:
            plan.append(("GET", rnd.choice(lists), None, "bench-admin"))
        else:
            body = {"person": person, "type": "voter_contact", "date": time.strftime("%Y-%m-%d"), "place": "联络站",
                    "title": f"基准写入{i}", "hours": "1.0"}  # fmt: skip
            plan.append(("POST", "/api/v1/duty-records/", json.dumps(body, ensure_ascii=False), "api"))
    cookies = {who: cookie_of(c) for who, c in clients.items()}
    local = threading.local()
    latencies, errors, samples = [], [], []
    lock = threading.Lock()

    def one(item, at):
        method, path, body, who = item
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        headers = {"Host": "127.0.0.1"}
        if who == "api":
            headers |= {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        else:
            headers["Cookie"] = cookies[who]
        t0 = time.perf_counter()
        try:
            local.conn.request(method, quote(path, safe="/?=&"), body=body.encode() if body else None, headers=headers)
            resp = local.conn.getresponse()
            resp.read()
            status = resp.status
        except Exception as exc:
            local.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            status = repr(exc)
        elapsed = time.perf_counter() - t0
        with lock:
            latencies.append(elapsed)
            if not (isinstance(status, int) and status < 400):
                errors.append(status)
                if len(samples) < 5:
                    samples.append((method, path, status))

    try:
        for _, path, _, who in plan[:20]:  # warm
            if who != "api":
                clients[who].get(path)
        start = time.monotonic() + 0.5
        with ThreadPoolExecutor(max_workers=32) as pool:
            for i, item in enumerate(plan):
                pool.submit(one, item, start + i / rate)
    finally:
        server.stop()
    wall = time.monotonic() - start
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    p50 = statistics.median(latencies) * 1000
    if samples:
        print(f"# B7 errors, first ones: {samples}", flush=True)
    ok = p95 <= 200 and not errors
    line(f"B7 mixed load {rate} req/s × {seconds} s ({len(latencies)} requests in {wall:.0f} s, p50 {p50:.0f} ms, "
         f"errors {len(errors)})", p95, rate, round(len(latencies) / wall / rate, 3), "p95 ≤ 200 ms, no errors", ok,
         " ms p95")  # fmt: skip


# --- main ----------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "province"),
                        choices=["county", "city", "province"])  # fmt: skip
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--duties-per-year", type=int, default=None,
                        help="duty records per deputy and year (province stress size: see RESULTS.md)")  # fmt: skip
    parser.add_argument("--only", default="B1,B2,B3,B4,B5,B6,B7")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (B1)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (B1, B7)")
    parser.add_argument("--rate", type=int, default=100, help="B7 requests per second")
    parser.add_argument("--load-seconds", type=int, default=60, help="B7 duration")
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    if args.scale == "province" and args.duties_per_year is None:
        args.duties_per_year = int(os.environ.get("BENCH_PROVINCE_DUTIES", "2"))
    url = bench_db_url()
    os.environ.update(ENV)
    os.chdir(ROOT)
    label = ensure_dataset(url, args.scale, args.years, args.duties_per_year)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env={**os.environ, **ENV},
                   check=True)  # fmt: skip

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from deputies.models import Person
    from duties.models import DutyRecord
    from stations.models import Station
    from suggestions.models import Suggestion

    only = {x.strip().upper() for x in args.only.split(",")}
    years = sorted(set(Suggestion.objects.exclude(year=None).values_list("year", flat=True)))
    print(f"# {label}: {Person.objects.count()} deputies, {Station.objects.count()} stations, "
          f"{Suggestion.objects.count()} suggestions, {DutyRecord.objects.count()} duty records; "
          f"{os.cpu_count()} CPUs; {connection.cursor().connection.server_version} PostgreSQL", flush=True)  # fmt: skip
    print("name | value | baseline | ratio | target | result", flush=True)
    started = time.monotonic()
    steps = {
        "B2": run_b2,
        "B3": lambda: run_b3(years),
        "B5": run_b5,
        "B6": lambda: run_b6(args.import_rows),
        "B4": lambda: run_b4(timezone.localdate().year - 1),
        "B1": lambda: run_b1(args.seconds, args.workers),
        "B7": lambda: run_b7(args.rate, args.load_seconds, args.workers),
    }
    for name, step in steps.items():
        if name not in only:
            continue
        try:
            step()
        except Exception as exc:  # one failing benchmark must not hide the others
            line(f"{name} failed: {exc!r}"[:200], "-", "-", None, "-", False)
    missed = sum(1 for r in RESULTS if r[-1] == "MISS")
    print(f"# {len(RESULTS)} figures, {missed} missed, {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
