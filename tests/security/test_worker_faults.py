"""A real Celery worker (the project's app, a subprocess on this test's PostgreSQL database and the configured Redis
broker) killed with SIGKILL in the middle of a task: the daily reminders and a report build complete on the next
worker, each reminder notification and its deliveries exist once, the report file is whole and its job listed once.
And the worker accepts JSON only: a pickled message (which would run code when unpickled), garbage on the queue and
a message for an unknown task are dropped, the worker stays up and runs the next valid task.

How a task is paused at a known point without any test hook in the code: the test holds, in an open transaction of
its own, a row with the unique key the task is about to write (a notification key). PostgreSQL makes the task's
INSERT wait for that transaction; the test then kills the worker, rolls back, and starts another worker.

The first worker runs with the production settings. The task it held is redelivered only after the broker's
visibility timeout (longer than any task's time limit: asserted below), so the second worker is started with a
visibility timeout of one second — the one test-only setting, standing for the time that would pass.

Each test runs in a queue of its own (no other test's messages) and takes 10–25 s on 2 cores.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Role
from core.models import Delivery, Notification
from core.notifications import CHUNK_SIZE, _full_key
from renda.celery import app
from reports.models import Format, Kind, ReportJob
from reports.tasks import build_report
from suggestions.reminders import plan_reminders
from suggestions.tasks import send_daily_reminders
from tests import factories as f
from tests.suggestions.conftest import flow, people  # noqa: F401  (fixtures: suggestions through the services)

# The workers read what the test committed: transactional tests (the configuration tests need no database).
on_database = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT = 40  # seconds: the longest any step may take before the test fails

LAUNCHER = r"""
import os, sys
from renda.celery import app

queue, visibility = sys.argv[1], sys.argv[2]
app.conf.task_default_queue = queue
if visibility:
    # Test only: stands for the visibility timeout having passed (the production value is asserted in the tests).
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": float(visibility),
        "unacked_restore_interval": 0.5,
        "unacked_restore_throttle": 1,
    }
app.worker_main([
    "worker", "--pool=prefork", "--concurrency=1", "--queues=" + queue, "--without-heartbeat", "--without-gossip",
    "--without-mingle", "--loglevel=INFO", "--hostname=secb-%d@localhost" % os.getpid(),
])
"""


class Workers:
    """Starts worker subprocesses (each in its own process group) and kills every one of them at the end."""

    def __init__(self, tmp_path: Path, queue: str):
        self.tmp_path, self.queue = tmp_path, queue
        self.procs: list[subprocess.Popen] = []
        db = connection.settings_dict
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="renda.test_settings",
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            CELERY_TASK_ALWAYS_EAGER="0",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )

    def start(self, visibility: float | None = None) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.procs)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, self.queue, str(visibility or "")],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc.log = log
        self.procs.append(proc)
        wait_for(lambda: "ready." in self.output(proc) or proc.poll() is not None, "the worker to start", proc)
        assert proc.poll() is None, self.output(proc)[-3000:]
        return proc

    @staticmethod
    def output(proc) -> str:
        return proc.log.read_text(errors="replace")

    def kill(self, proc) -> None:
        """SIGKILL to the worker and its pool processes at once, as when the machine or the OOM killer takes it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        """Warm shutdown (the last acknowledgements reach the broker), SIGKILL if that takes too long."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(proc)

    def clean_broker(self) -> None:
        """Remove the queue, its bindings and any message of it left unacknowledged."""
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
        try:
            for tag, raw in client.hgetall("unacked").items():
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    message = json.loads(raw)[0]
                    if message["properties"]["delivery_info"]["routing_key"] == self.queue:
                        client.hdel("unacked", tag)
                        client.zrem("unacked_index", tag)
            client.delete(self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}")
        finally:
            client.close()


def wait_for(condition, what: str, proc=None, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = Workers.output(proc)[-3000:] if proc is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class HeldKey:
    """In a thread of its own (its own database connection): insert the notification `key` in a transaction left
    open until release(), then roll it back. A task inserting the same key waits meanwhile."""

    def __init__(self, recipient, key: str):
        self.recipient, self.key = recipient, key
        self.inserted, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def __enter__(self):
        self.thread.start()
        assert self.inserted.wait(10)
        return self

    def _hold(self):
        try:
            with transaction.atomic():
                Notification.objects.create(recipient=self.recipient, event="held", key=self.key, title="held")
                self.inserted.set()
                self.done.wait(WAIT * 3)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def release(self):
        self.done.set()
        self.thread.join(10)

    def __exit__(self, *exc):
        self.release()


@pytest.fixture
def workers(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    queue = f"secb-test-{uuid.uuid4().hex[:12]}"
    pool = Workers(tmp_path, queue)
    try:
        yield pool
    finally:
        pool.stop_all()
        pool.clean_broker()


# --- configuration ----------------------------------------------------------------------------------------------


def test_every_task_acks_late_is_requeued_on_worker_loss_and_outlives_no_visibility_timeout():
    app.autodiscover_tasks(force=True)  # every app's tasks.py, as the worker loads them
    conf = app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert list(conf.accept_content) == ["json"] and conf.task_serializer == "json"
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"suggestions.tasks.send_daily_reminders", "reports.tasks.build_report"} <= set(ours)
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost in (None, True), name  # None: the app's setting (True)
        limit = task.time_limit or conf.task_time_limit
        assert limit and limit <= settings.LONGEST_TASK_TIME_LIMIT < visibility, (name, limit, visibility)


def test_reminders_are_driven_by_the_database_not_by_long_etas():
    """No task is published with an ETA or a countdown (a long ETA waits unacknowledged in a worker, is redelivered
    after the visibility timeout and runs twice); the reminder tasks are periodic (beat, schedule in the database)
    and read what is due. A retry's delay is far shorter than the visibility timeout."""
    apps = [p for p in BASE_DIR.iterdir() if (p / "apps.py").exists() or p.name == "renda"]
    assert {"suggestions", "reports", "core", "renda"} <= {p.name for p in apps}
    for source in (path for app_dir in apps for path in app_dir.rglob("*.py") if "migrations" not in path.parts):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                keywords = {k.arg for k in node.keywords}
                assert not keywords & {"eta", "countdown"}, f"{source.relative_to(BASE_DIR)}:{node.lineno}"
    app.autodiscover_tasks(force=True)  # every app's tasks.py, as the worker loads them
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in app.tasks.items():
        assert (task.default_retry_delay or 0) < visibility, name  # a retry waits in the worker unacknowledged


# --- killed mid-task ------------------------------------------------------------------------------------------------


@on_database
def test_worker_killed_in_the_middle_of_the_reminders_the_next_worker_sends_the_rest_once(workers, flow, world):  # noqa: F811
    handling = [flow.to("handling") for _ in range(4)]
    flow.to("answered")
    for i in range(130):  # enough recipients for more than one chunk of notifications
        f.UserFactory(roles=[Role.UNIT_STAFF], unit=world.unit, congress=None, username=f"unit-{i}")
    due = flow.lead_assignment(handling[0]).due_date
    day = due - dt.timedelta(days=1)  # every lead unit's "1 day left" reminder falls due
    plan = plan_reminders(day)
    keys = {_full_key(m.key, m.recipient) for m in plan.messages}
    assert len(keys) == len(plan.messages) > CHUNK_SIZE
    last = [m for m in plan.messages if m.event == "suggestion.rate"][-1]  # planned after every due reminder
    held_key = _full_key(last.key, last.recipient)

    first = workers.start()
    with HeldKey(last.recipient, held_key) as held:
        send_daily_reminders.apply_async(kwargs={"today": day.isoformat()}, queue=workers.queue)
        wait_for(lambda: backends_waiting_on_a_lock() > 0, "the reminders to reach the held key", first)
        # Killed in the middle: the first chunk is committed, the second one is not.
        assert Notification.objects.filter(key__in=keys).count() == CHUNK_SIZE
        workers.kill(first)
        held.release()
    assert Notification.objects.filter(key__in=keys).count() == CHUNK_SIZE

    second = workers.start(visibility=1)
    wait_for(
        lambda: Notification.objects.filter(key__in=keys).count() == len(keys), "the rest of the reminders", second
    )
    wait_for(
        lambda: not Delivery.objects.filter(notification__key__in=keys, status=Delivery.Status.PENDING).exists(),
        "the deliveries to go out",
        second,
    )
    # Once each: one notification per planned key, one delivery per channel, each tried once.
    assert Notification.objects.filter(key__in=keys).count() == len(keys)
    sms = [m for m in plan.messages if "sms" in m.channels]
    deliveries = Delivery.objects.filter(notification__key__in=keys)
    assert deliveries.count() == len(sms)
    assert set(deliveries.values_list("attempts", flat=True)) == {1}
    assert "send_daily_reminders" in workers.output(second) and "succeeded" in workers.output(second)


@on_database
def test_worker_killed_in_the_middle_of_a_report_the_next_worker_builds_it_once(workers, flow, world):  # noqa: F811
    for state in ("handling", "answered", "closed"):
        flow.to(state)
    staff = flow.p.staff
    year = dt.date.today().year
    job = ReportJob.objects.create(
        congress=world.county, kind=Kind.SUGGESTIONS, year=year, format=Format.PDF, requested_by=staff, title="测试报告"
    )
    held_key = _full_key(f"report-done-{job.pk}", staff)  # the notification written when the job is recorded done

    first = workers.start()
    with HeldKey(staff, held_key) as held:
        build_report.apply_async((job.pk,), queue=workers.queue)
        wait_for(lambda: backends_waiting_on_a_lock() > 0, "the build to reach its last step", first)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.RUNNING  # built, not yet recorded
        workers.kill(first)
        held.release()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING and job.attempts == 1

    second = workers.start(visibility=1)
    wait_for(lambda: ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE, "the report", second)
    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == 100 and job.error == ""
    path = Path(settings.MEDIA_ROOT) / job.file.name
    content = path.read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF") and len(content) == job.size
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left beside it
    assert ReportJob.objects.filter(congress=world.county, kind=Kind.SUGGESTIONS, year=year).count() == 1
    assert Notification.objects.filter(recipient=staff, key=held_key).count() == 1


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            out.append(int(stat.parent.name))
    return out


@on_database
def test_pool_process_killed_mid_report_the_task_is_requeued_and_built_once(workers, flow, world):  # noqa: F811
    """Only the pool process running the task dies (as the OOM killer would pick it): with acks late and
    reject-on-worker-lost the worker puts the message back at once, and its next pool process builds the report."""
    flow.to("closed")
    staff = flow.p.staff
    year = dt.date.today().year
    job = ReportJob.objects.create(
        congress=world.county, kind=Kind.SUGGESTIONS, year=year, format=Format.PDF, requested_by=staff, title="测试报告"
    )
    held_key = _full_key(f"report-done-{job.pk}", staff)
    worker = workers.start()
    with HeldKey(staff, held_key) as held:
        build_report.apply_async((job.pk,), queue=workers.queue)
        wait_for(lambda: backends_waiting_on_a_lock() > 0, "the build to reach its last step", worker)
        (child,) = _children(worker.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: "WorkerLostError" in workers.output(worker), "the worker to notice", worker)
        held.release()
    wait_for(lambda: ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE, "the report", worker)
    assert worker.poll() is None
    job.refresh_from_db()
    assert job.attempts == 2 and job.size == len((Path(settings.MEDIA_ROOT) / job.file.name).read_bytes())
    assert Notification.objects.filter(recipient=staff, key=held_key).count() == 1


# --- JSON only ----------------------------------------------------------------------------------------------------


class Exploit:
    """Unpickling this creates a file: what a pickle-accepting worker would do with a forged message."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@on_database
def test_the_worker_accepts_json_only_and_survives_malformed_messages(workers, flow, world, tmp_path):  # noqa: F811
    flow.to("closed")
    year = dt.date.today().year
    job = ReportJob.objects.create(congress=world.county, kind=Kind.SUGGESTIONS, year=year, format=Format.PDF)
    marker = tmp_path / "unpickled"
    worker = workers.start()

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
    try:
        # Garbage where a message should be, and an envelope whose body is not what it says.
        client.lpush(workers.queue, b"\x00\xff not a message {")
        client.lpush(workers.queue, b'{"body": "%%%", "content-type": "application/json", "headers": {}}')
    finally:
        client.close()
    with app.connection_for_write() as conn:
        producer = conn.Producer()
        task_id = str(uuid.uuid4())
        headers = {"lang": "py", "task": "reports.tasks.build_report", "id": task_id, "root_id": task_id,
                   "retries": 0, "timelimit": [None, None], "argsrepr": "", "kwargsrepr": ""}  # fmt: skip
        embed = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}
        # A forged task in pickle: a worker that unpickled it would create the marker file.
        producer.publish(
            ((Exploit(str(marker)),), {}, embed), routing_key=workers.queue, serializer="pickle", headers=headers
        )
        # A JSON message for a task that does not exist.
        other = dict(headers, task="renda.no_such_task", id=str(uuid.uuid4()))
        producer.publish(((job.pk,), {}, embed), routing_key=workers.queue, serializer="json", headers=other)

    build_report.apply_async((job.pk,), queue=workers.queue)
    wait_for(lambda: ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE, "the valid task", worker)
    assert worker.poll() is None, workers.output(worker)[-3000:]  # still up
    assert not marker.exists()  # the pickled message was never unpickled
    log = workers.output(worker)
    assert "Dropped an undecodable item from the broker queue" in log, log[-3000:]  # the garbage
    assert f"Dropped a malformed message from the broker queue {workers.queue}" in log  # the bad envelope
    assert "ContentDisallowed: Refusing to deserialize untrusted content of type pickle" in log
    assert "Received unregistered task of type 'renda.no_such_task'" in log
