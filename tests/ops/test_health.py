"""GET /healthz: 200 "ok" when the installation works, 503 when Redis is stopped or beat has gone silent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ops import health

# No Celery worker runs in the test suite; every other check is real.
WITHOUT_WORKERS = ["database", "redis", "beat", "queue", "disk"]


@pytest.fixture
def beat_on_time(db, settings):
    """Every periodic task ran just now, as beat would have it, and the queue is drained as a worker keeps it: no
    worker runs in the suite, so the messages earlier tests queued (notifications sent after commit) would otherwise
    wait in the test's Redis for as long as the suite has been running."""
    PeriodicTask.objects.update(last_run_at=timezone.now())
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(health.QUEUE_NAME)


def test_healthz_answers_ok_without_login_when_everything_works(client, settings, beat_on_time):
    settings.OPS_HEALTH_REQUIRED = WITHOUT_WORKERS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_reports_a_stopped_redis_as_unhealthy(client, settings, beat_on_time, closed_port):
    settings.OPS_HEALTH_REQUIRED = WITHOUT_WORKERS
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    started = timezone.now()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"unhealthy" in response.content
    # No details for anonymous callers, and no hanging on the dead port.
    assert b"Redis" not in response.content
    assert timezone.now() - started < dt.timedelta(seconds=5)


def test_healthz_reports_a_silent_beat_as_unhealthy(client, settings, beat_on_time):
    settings.OPS_HEALTH_REQUIRED = WITHOUT_WORKERS
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(
        name="测试：每 5 分钟",
        task="core.tasks.sweep_outbox",
        interval=every_5,
        last_run_at=timezone.now() - dt.timedelta(hours=2),
    )
    assert client.get("/healthz").status_code == 503
    beat = health.check_beat()
    assert not beat.ok
    assert "测试：每 5 分钟" in beat.summary


def test_a_daily_task_that_ran_at_its_last_time_is_not_late(db, beat_on_time):
    from django_celery_beat.models import CrontabSchedule

    daily, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="8", timezone="Asia/Shanghai")
    now = timezone.localtime()
    this_morning = now.replace(hour=8, minute=0, second=0, microsecond=0)
    if this_morning > now:
        this_morning -= dt.timedelta(days=1)
    task = PeriodicTask.objects.create(
        name="测试：每日", task="core.tasks.sweep_outbox", crontab=daily, last_run_at=this_morning
    )
    assert health.overdue_by(task) is None
    task.last_run_at = this_morning - dt.timedelta(days=2)
    assert health.overdue_by(task) > dt.timedelta(hours=20)


def test_no_answering_worker_is_reported(db):
    check = health.check_workers(timeout=0.5)
    assert not check.ok
    assert "没有后台进程应答" in check.summary


def test_the_age_of_the_oldest_queued_task_is_measured(db, settings):
    import redis

    from core.tasks import sweep_outbox

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(health.QUEUE_NAME)
    try:
        sweep_outbox.delay()  # no worker: it waits in the queue
        check = health.check_queue()
        assert check.ok
        assert check.details[0]["length"] == 1
        assert check.details[0]["oldest_age_minutes"] == 0
        assert not health.check_queue(max_age_minutes=-1).ok
    finally:
        client.delete(health.QUEUE_NAME)


def test_the_detail_is_for_administrators_only(client, make_user, admin, beat_on_time):
    client.force_login(make_user("staff"))
    assert client.get("/healthz/detail").status_code == 403
    client.force_login(admin)
    response = client.get("/healthz/detail?format=json")
    body = response.json()
    assert {c["name"] for c in body["checks"]} == {"database", "redis", "workers", "beat", "queue", "disk"}
    assert next(c for c in body["checks"] if c["name"] == "database")["ok"] is True
    page = client.get("/healthz/detail")
    assert "运行状态" in page.content.decode()
