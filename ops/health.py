"""Health of the whole installation: database, Redis, Celery workers, beat, the queue and disk space.

Each check returns a Check; `run_checks()` runs them all, each with a short timeout, so /healthz answers within a
few seconds even when Redis hangs. Which checks make /healthz fail is OPS_HEALTH_REQUIRED (default: all).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

# A periodic task is late when its next run is overdue by more than this.
BEAT_GRACE = dt.timedelta(minutes=10)
QUEUE_NAME = "celery"


@dataclass
class Check:
    name: str
    label: str
    ok: bool
    summary: str
    details: list[dict] = field(default_factory=list)


def _redis_client():
    import redis

    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        retry_on_timeout=False,
    )


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return Check("database", "数据库", False, f"无法连接数据库：{type(exc).__name__}")
    return Check("database", "数据库", True, "正常")


def check_redis() -> Check:
    try:
        _redis_client().ping()
    except Exception as exc:  # noqa: BLE001
        return Check(
            "redis", "Redis（缓存与任务队列）", False, f"无法连接 Redis：{type(exc).__name__}，提醒和通知将暂存待发"
        )
    return Check("redis", "Redis（缓存与任务队列）", True, "正常")


def check_workers(timeout: float = 1.0) -> Check:
    from renda.celery import app

    label = "后台任务进程（Celery worker）"
    try:
        replies = app.control.inspect(timeout=timeout).ping() or {}
    except Exception as exc:  # noqa: BLE001
        return Check("workers", label, False, f"无法询问后台进程：{type(exc).__name__}")
    if not replies:
        return Check("workers", label, False, f"{timeout:g} 秒内没有后台进程应答，提醒和通知不会发出")
    return Check("workers", label, True, f"{len(replies)} 个进程应答", [{"name": n} for n in sorted(replies)])


def overdue_by(task) -> dt.timedelta | None:
    """How long past its due time a periodic task is (None when not overdue beyond the grace). A task that never
    ran is measured from when its schedule was last changed."""
    since = task.last_run_at or task.date_changed
    if since is None:
        return None
    late = -task.schedule.remaining_estimate(since)
    return late if late > BEAT_GRACE else None


def check_beat() -> Check:
    from django_celery_beat.models import PeriodicTask

    label = "定时任务（Celery beat）"
    rows, late = [], []
    tasks = PeriodicTask.objects.filter(enabled=True, one_off=False).select_related(
        "interval", "crontab", "solar", "clocked"
    )
    for task in tasks.order_by("name"):
        if task.clocked_id or task.solar_id:
            continue
        overdue = overdue_by(task)
        rows.append(
            {
                "name": task.name,
                "task": task.task,
                "last_run_at": timezone.localtime(task.last_run_at).isoformat() if task.last_run_at else None,
                "ok": overdue is None,
                "overdue_minutes": int(overdue.total_seconds() // 60) if overdue else 0,
            }
        )
        if overdue:
            late.append(task.name)
    if late:
        return Check("beat", label, False, f"{len(late)} 个定时任务未按时运行：{'、'.join(late)}", rows)
    return Check("beat", label, True, f"{len(rows)} 个定时任务按时运行", rows)


def check_queue(max_age_minutes: int | None = None) -> Check:
    """The age of the oldest message waiting in the default queue (Redis list "celery": LPUSH, workers pop from the
    right, so the oldest is at index -1)."""
    limit = max_age_minutes or getattr(settings, "OPS_QUEUE_MAX_AGE_MINUTES", 15)
    label = "任务队列"
    try:
        client = _redis_client()
        length = client.llen(QUEUE_NAME)
        oldest = client.lindex(QUEUE_NAME, -1) if length else None
    except Exception as exc:  # noqa: BLE001
        return Check("queue", label, False, f"无法读取队列：{type(exc).__name__}")
    if not oldest:
        return Check("queue", label, True, "队列为空", [{"length": 0}])
    age = None
    try:
        message = json.loads(oldest)
        sent = (message.get("properties") or {}).get("renda_sent_at") or message.get("headers", {}).get("renda_sent_at")
        if sent:
            age = timezone.now() - dt.datetime.fromisoformat(sent)
    except (ValueError, TypeError, AttributeError):
        pass
    detail = {"length": length, "oldest_age_minutes": int(age.total_seconds() // 60) if age else None}
    if age is not None and age > dt.timedelta(minutes=limit):
        return Check(
            "queue", label, False, f"{length} 个任务排队，最早的已等待 {detail['oldest_age_minutes']} 分钟", [detail]
        )
    return Check("queue", label, True, f"{length} 个任务排队", [detail])


def check_disk(min_free_ratio: float | None = None) -> Check:
    ratio = min_free_ratio if min_free_ratio is not None else getattr(settings, "OPS_DISK_MIN_FREE_RATIO", 0.05)
    label = "上传文件磁盘空间"
    path = settings.MEDIA_ROOT
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        return Check("disk", label, False, f"无法读取 {settings.MEDIA_ROOT}：{exc.strerror}")
    free_gb = usage.free / 1024**3
    detail = {
        "path": str(settings.MEDIA_ROOT),
        "free_gb": round(free_gb, 1),
        "total_gb": round(usage.total / 1024**3, 1),
    }
    if usage.free / usage.total < ratio:
        return Check("disk", label, False, f"剩余 {free_gb:.1f} GB，不足 {ratio:.0%}，请清理或扩容", [detail])
    return Check("disk", label, True, f"剩余 {free_gb:.1f} GB", [detail])


def run_checks(*, workers_timeout: float = 1.0) -> list[Check]:
    checks = [check_database(), check_redis()]
    redis_ok = checks[-1].ok
    if redis_ok:
        checks.append(check_workers(workers_timeout))
    else:
        checks.append(Check("workers", "后台任务进程（Celery worker）", False, "Redis 不可用，无法询问后台进程"))
    checks.append(check_beat() if checks[0].ok else Check("beat", "定时任务（Celery beat）", False, "数据库不可用"))
    checks.append(check_queue() if redis_ok else Check("queue", "任务队列", False, "Redis 不可用"))
    checks.append(check_disk())
    return checks


def required() -> set[str]:
    return set(getattr(settings, "OPS_HEALTH_REQUIRED", ["database", "redis", "workers", "beat", "queue", "disk"]))


def is_healthy(checks: list[Check]) -> bool:
    needed = required()
    return all(c.ok for c in checks if c.name in needed)


def as_json(checks: list[Check]) -> dict:
    return {"healthy": is_healthy(checks), "checks": [asdict(c) for c in checks]}
