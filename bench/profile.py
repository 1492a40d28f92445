"""Profile one page of the bench data set in-process (issue 9): queries, SQL time, the slowest statements with their
plans, and a pyinstrument call tree.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renda_bench .venv/bin/python bench/profile.py /deputies/
    .venv/bin/python bench/profile.py --user bench-unit /suggestions/todo/ --explain 3
    .venv/bin/python bench/profile.py --b1            # every B1 page, one summary line each

Works only on a database whose name contains "bench" (like bench/run.py); the request runs after one warm-up request,
so per-process caches are warm as they are under load. pyinstrument is a dev dependency (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import ENV, b1_pages, bench_db_url, client_for, users  # noqa: E402


def measure(client, path: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.get(path)
        wall = time.perf_counter() - t0
    queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    return response, wall, queries


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0][:240] for r in cur.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--user", default="bench-admin")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--b1", action="store_true", help="a summary line for every B1 page")
    parser.add_argument("--no-tree", action="store_true", help="skip the pyinstrument call tree")
    args = parser.parse_args()
    bench_db_url()
    os.environ.update({**ENV, "DJANGO_SETTINGS_MODULE": "bench.settings"})
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    us = users()
    pages = [(label, who, path) for label, who, path in b1_pages()] if args.b1 else [(args.path, args.user, args.path)]
    for label, who, path in pages:
        client = client_for(us[who])
        response, wall, queries = measure(client, path)
        sql_ms = sum(t for t, _ in queries) * 1000
        print(f"{label} {path}: {response.status_code}, {len(response.content) // 1024} KB, {wall * 1000:.0f} ms, "
              f"{len(queries)} queries, {sql_ms:.0f} ms SQL")  # fmt: skip
        if args.b1:
            continue
        for t, sql in sorted(queries, reverse=True)[: max(args.explain, 5)]:
            print(f"  {t * 1000:7.1f} ms  {sql[:300]}")
        for _t, sql in sorted(queries, reverse=True)[: args.explain]:
            print("\n" + sql[:600] + "\n" + explain(sql))
        if not args.no_tree:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                client.get(path)
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
