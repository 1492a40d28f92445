"""Faults on real services: Redis stopped, Redis accepting connections but never answering, the PostgreSQL
connection killed. Each scenario runs the app in a fresh process (its settings read from the environment) against
this test database; the scenario's writes are rolled back. Two staff acting on one suggestion at once:
tests/suggestions/test_concurrency.py."""

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
# The scenarios run in a subprocess on the test database; nothing needs committing here.
scenario = pytest.mark.django_db

PAGES_AND_WRITES = r"""
import json, time
import django
django.setup()
from django.db import transaction
from django.test import Client
from accounts.models import Role
from core.models import Delivery
from core.notifications import _queue_send, notify
from tests import factories as f

class Rollback(Exception):
    pass

out = {}
try:
    with transaction.atomic():
        user = f.UserFactory(roles=[Role.STAFF], username="fault-user")
        client = Client(REMOTE_ADDR="10.7.7.7")
        creds = {"username": "fault-user", "password": "Pass-word-123"}
        for name, call in [
            ("login", lambda: client.post("/accounts/login/", creds)),
            ("home", lambda: client.get("/")),
            ("token", lambda: client.post("/api/v1/auth/token/", creds, content_type="application/json")),
        ]:
            start = time.monotonic()
            out[name] = [call().status_code, time.monotonic() - start]
        start = time.monotonic()
        note = notify(user, event="fault", key="fault:1", title="故障测试", channels=("sms",))
        _queue_send(note.pk)  # what transaction.on_commit runs after the write
        out["notify"] = [Delivery.objects.filter(notification=note, status="pending").count(), time.monotonic() - start]
        raise Rollback
except Rollback:
    pass
print("RESULT " + json.dumps(out))
"""

DB_RECONNECT = r"""
import json
import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

# The real WSGI handler (as under gunicorn), whose request_started signal runs the connection health check;
# the test Client switches that off.
app = WSGIHandler()


def get(path):
    status = []
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", SERVER_NAME="127.0.0.1")
    body = app(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(body)
    body.close()
    return int(status[0].split()[0])


first = get("/api/v1/public/stations/")
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
other = connections.create_connection("default")
with other.cursor() as cursor:
    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
other.close()
second = get("/api/v1/public/stations/")
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    new_pid = cursor.fetchone()[0]
print("RESULT " + json.dumps({"first": first, "second": second, "new_pid": new_pid != pid}))
"""


def _run(script: str, **env_overrides) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="renda.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        **env_overrides,
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(lines[-1][7:])


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_redis_timeouts_are_short_everywhere():
    assert settings.REDIS_SOCKET_TIMEOUT <= 2
    assert settings.CACHES["default"]["OPTIONS"]["socket_connect_timeout"] <= 2
    assert settings.CACHES["default"]["OPTIONS"]["socket_timeout"] <= 2
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] <= 2
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] <= 2
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 2
    assert settings.CELERY_TASK_PUBLISH_RETRY is False
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@scenario
def test_with_redis_stopped_login_pages_and_writes_still_work():
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    out = _run(PAGES_AND_WRITES, REDIS_URL=url, CELERY_BROKER_URL=url, CACHE_BACKEND="redis")
    assert out["login"][0] == 302
    assert out["home"][0] == 200
    assert out["token"][0] == 200  # the throttle fails open; django-axes (database) still counts failures
    assert out["notify"][0] == 1  # kept in the outbox for the sweep, nothing lost


@scenario
def test_with_redis_accepting_but_never_answering_requests_complete_within_seconds():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held = []
    stop = threading.Event()

    def accept_and_say_nothing():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue
            except OSError:
                break

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    try:
        out = _run(PAGES_AND_WRITES, REDIS_URL=url, CELERY_BROKER_URL=url, CACHE_BACKEND="redis")
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()
    assert out["login"][0] == 302 and out["home"][0] == 200 and out["token"][0] == 200
    assert out["notify"][0] == 1
    for name in ("login", "home", "token", "notify"):
        assert out[name][1] < 8, (name, out[name])


@scenario
def test_after_the_database_connection_is_killed_the_next_request_succeeds():
    out = _run(DB_RECONNECT)
    assert out == {"first": 200, "second": 200, "new_pid": True}
