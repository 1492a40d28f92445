"""Fixtures for the operations tests: an administrator, and a task that fails until a marker file exists."""

from __future__ import annotations

import os
import socket

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
    env = {**os.environ, "RENDA_TESTING": "1", "PYTHON": os.path.join(os.getcwd(), ".venv/bin/python")}
    env.update({k: str(v) for k, v in extra.items()})
    return env
