"""Celery signal handlers that keep the record of background work (ops.models.TaskRun).

Recording must never break a task: a failure to write the row is logged and otherwise ignored.
"""

from __future__ import annotations

import json
import logging

from celery import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

logger = logging.getLogger(__name__)


def _jsonable(value):
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return repr(value)


def _save(task_id: str | None, **fields) -> None:
    """One UPDATE of the run's row (started runs are inserted by on_prerun). One query per signal, no savepoint:
    tasks applied in-process run inside callers' query budgets."""
    if not task_id:
        return
    from .models import TaskRun

    try:
        TaskRun.objects.filter(task_id=task_id).update(**fields)
    except Exception:  # noqa: BLE001 - the record is secondary to the task itself
        logger.warning("Could not record task %s", task_id, exc_info=True)


def on_prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra) -> None:
    """Insert the run, or, for a run queued from the retry button or retried by Celery, reset it (one upsert)."""
    if not task_id:
        return
    from .models import TaskRun

    run = TaskRun(
        task_id=task_id,
        task_name=getattr(task, "name", str(sender)),
        args=_jsonable(list(args or [])),
        kwargs=_jsonable(dict(kwargs or {})),
        status=TaskRun.Status.STARTED,
        started_at=timezone.now(),
    )
    try:
        TaskRun.objects.bulk_create(
            [run],
            update_conflicts=True,
            unique_fields=["task_id"],
            update_fields=["status", "started_at", "finished_at", "error_type", "error"],
        )
    except Exception:  # noqa: BLE001 - the record is secondary to the task itself
        logger.warning("Could not record task %s", task_id, exc_info=True)


def on_success(sender=None, result=None, **extra) -> None:
    _save(getattr(sender.request, "id", None), status="success", finished_at=timezone.now())


def on_failure(sender=None, task_id=None, exception=None, **extra) -> None:
    from .logging import mask_personal_data

    _save(
        task_id,
        status="failure",
        finished_at=timezone.now(),
        error_type=type(exception).__name__ if exception else "",
        error=mask_personal_data(str(exception))[:2000] if exception else "",
    )


def on_retry(sender=None, request=None, reason=None, **extra) -> None:
    from .logging import mask_personal_data

    _save(
        getattr(request, "id", None),
        status="retry",
        finished_at=timezone.now(),
        error_type=type(reason).__name__ if isinstance(reason, BaseException) else "",
        error=mask_personal_data(str(reason))[:2000],
    )


def on_publish(sender=None, headers=None, **extra) -> None:
    """Stamp each message with its publishing time, so /healthz/detail can tell the age of the oldest queued one."""
    if isinstance(headers, dict):
        headers.setdefault("renda_sent_at", timezone.now().isoformat())


def connect() -> None:
    signals.before_task_publish.connect(on_publish, dispatch_uid="ops.before_task_publish", weak=False)
    signals.task_prerun.connect(on_prerun, dispatch_uid="ops.task_prerun", weak=False)
    signals.task_success.connect(on_success, dispatch_uid="ops.task_success", weak=False)
    signals.task_failure.connect(on_failure, dispatch_uid="ops.task_failure", weak=False)
    signals.task_retry.connect(on_retry, dispatch_uid="ops.task_retry", weak=False)
