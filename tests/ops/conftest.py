"""Fixtures for the operations tests: an administrator, and a task that fails until a marker file exists."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid

import pytest
from celery import shared_task

from accounts.models import Role


@shared_task(name="tests.ops.needs_file")
def needs_file(path: str) -> str:
    """Fails with FileNotFoundError until `path` exists: a stand-in for a task whose outside resource is down."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, email="it@example.gov.cn")


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as with CELERY_TASK_ALWAYS_EAGER=1 (the demo)."""
    from renda.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture
def closed_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_url(dbname: str) -> str:
    """The test database's server with another database name."""
    from django.db import connection

    s = connection.settings_dict
    user = s["USER"] or "postgres"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def script_env(**extra) -> dict[str, str]:
    env = {
        **os.environ,
        "RENDA_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "renda.test_settings",
        "PYTHON": os.path.join(os.getcwd(), ".venv/bin/python"),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def admin_connection():
    import psycopg2

    conn = psycopg2.connect(pg_url("postgres"))
    conn.autocommit = True
    return conn


@pytest.fixture
def scratch_database(django_db_setup, django_db_blocker):
    """A copy of the migrated test database under a new name (CREATE DATABASE … TEMPLATE), dropped afterwards.
    Scripts work on it with committed data, without a transactional test's slow flush."""
    from django.db import connection, connections

    with django_db_blocker.unblock():
        # After another test used the database, settings_dict already names the test database.
        name = connection.settings_dict["NAME"]
        source = name if name.startswith("test_") else connection.creation._get_test_db_name()
    name = f"{source}_{uuid.uuid4().hex[:8]}"
    admin = admin_connection()
    for attempt in range(20):
        connections.close_all()
        try:
            with admin.cursor() as cur:
                # Connections left by earlier tests (live-server or worker threads) would block the copy.
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [source],
                )
                cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            break
        except Exception:  # noqa: BLE001 - the template is briefly in use by a closing connection
            if attempt == 19:
                raise
            time.sleep(0.5)
    yield pg_url(name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def empty_database():
    """A new, empty database on the test server, dropped afterwards."""
    name = f"renda_h13_empty_{uuid.uuid4().hex[:8]}"
    admin = admin_connection()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield pg_url(name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


SEED = """
from organization.models import Area
from tests import factories as f
area = f.AreaFactory(name="测试县", level=Area.Level.COUNTY)
county = f.CongressFactory(name="测试县人民代表大会", area=area)
term = f.TermFactory(congress=county)
seat = f.SeatFactory(term=term, person__id_number="11010519900307123X", person__name="张三")
f.SeatFactory(term=term)
print(seat.person_id)
"""


def manage(url: str, *args: str, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [".venv/bin/python", "manage.py", *args],
        env=script_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def seed(url: str) -> int:
    """Some records (a county, a term, two deputies with encrypted ID numbers); returns 张三's person id."""
    return int(manage(url, "shell", "-c", SEED).stdout.strip().splitlines()[-1])


def table_counts(url: str) -> dict[str, int]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("select tablename from pg_tables where schemaname = 'public' order by 1")
            counts = {}
            for (table,) in cur.fetchall():
                cur.execute(f'select count(*) from "{table}"')
                counts[table] = cur.fetchone()[0]
    finally:
        conn.close()
    return counts


def query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall() if cur.description else []
        conn.commit()
        return rows
    finally:
        conn.close()
