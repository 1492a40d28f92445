"""Report jobs and issued years: every operation here is atomic, audited, and queues its work on commit.

A job's life: queued → running → done | failed (a failed job may be queued again). The build writes to a temporary
file beside its destination and renames it into place only when complete, so a file that exists is a whole file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import audit
from core.exceptions import IllegalTransition
from renda.db_routers import reading_replica

from . import builders, figures
from .models import Format, Kind, ReportJob, YearSnapshot

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(minutes=5)


def _queue(job_id: int) -> None:
    """Queue the build; with the broker down the job stays queued and sweep_queued() queues it again later."""
    from .tasks import build_report

    try:
        build_report.delay(job_id)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep queues it later
        logger.warning("Broker unavailable; report job %s stays queued", job_id)


def request_report(
    *, actor, congress, kind: str, year: int, fmt: str = Format.PDF, unit=None, person=None
) -> ReportJob:
    """Create a job and queue its build once the transaction commits. Returns at once (nothing is built here)."""
    with transaction.atomic():
        job = ReportJob.objects.create(
            congress=congress,
            kind=kind,
            year=year,
            format=fmt,
            unit=unit,
            person=person,
            requested_by=actor if getattr(actor, "pk", None) else None,
            queued_at=timezone.now(),
            title=_title(kind, year, congress, unit, person),
        )
        audit.record(
            actor=actor, action="create", obj=job, note=f"申请生成报告：{job.title}（{job.get_format_display()}）"
        )
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _title(kind, year, congress, unit, person) -> str:
    office = builders.office_name(congress)
    return {
        Kind.SUGGESTIONS: f"{office}关于{year}年度代表建议办理情况的报告",
        Kind.DEPUTIES: f"{office}关于{year}年度代表工作情况的报告",
        Kind.UNIT: f"{unit.name if unit else ''}{year}年度代表建议办理情况",
        Kind.DEPUTY: f"{person.name if person else ''}代表{year}年度履职档案",
    }[kind]


def retry_job(job: ReportJob, *, actor) -> ReportJob:
    """Queue a failed job again (409 for any other state)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ReportJob.Status.FAILED:
            raise IllegalTransition("只有失败的报告任务可以重试")
        job.status, job.error, job.progress, job.queued_at = ReportJob.Status.QUEUED, "", 0, timezone.now()
        job.save(update_fields=["status", "error", "progress", "queued_at"])
        audit.record(actor=actor, action="update", obj=job, note=f"重试生成报告：{job.title}")
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _claim(job_id: int, *, redelivered: bool = False) -> ReportJob | None:
    """queued → running, by compare-and-set: a second worker with the same job finds nothing to do. A redelivered
    message also takes over the job it left running: the broker gives a message again only when the worker that held
    it died before acknowledging it (acks late, requeued on worker loss, after a visibility timeout longer than any
    task's time limit), so that build is not running any more."""
    now = timezone.now()
    statuses = [ReportJob.Status.QUEUED, ReportJob.Status.RUNNING] if redelivered else [ReportJob.Status.QUEUED]
    claimed = ReportJob.objects.filter(pk=job_id, status__in=statuses).update(
        status=ReportJob.Status.RUNNING, started_at=now, progress=5
    )
    if claimed != 1:
        return None
    ReportJob.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
    return ReportJob.objects.select_related("congress", "unit", "unit__congress", "person").get(pk=job_id)


def _progress(job_id: int):
    def set_progress(pct: int) -> None:
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(progress=pct)

    return set_progress


def run_job(job_id: int, *, redelivered: bool = False) -> str:
    """Build one job's file. Idempotent: a job that is not queued (done, failed, running elsewhere) is left alone;
    `redelivered` (the task's message came again after its worker died) builds a job left running again."""
    job = _claim(job_id, redelivered=redelivered)
    if job is None:
        return "skipped"
    destination = Path(settings.MEDIA_ROOT) / "reports" / str(job.year) / job.filename
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = None
    try:
        with reading_replica():  # the year's figures from the read replica where one is configured
            built = builders.build(
                job.kind, job.year, job.format, congress=job.congress, unit=job.unit, person=job.person,
                progress=_progress(job.pk),
            )  # fmt: skip
        fd, tmp_name = tempfile.mkstemp(prefix=".partial-", dir=destination.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(built.content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, destination)
        tmp_name = None
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job with its reason
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        logger.exception("Report job %s failed", job.pk)
        _fail(job, exc)
        return "failed"
    rel = destination.relative_to(settings.MEDIA_ROOT).as_posix()
    with transaction.atomic():
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.DONE, progress=100, file=rel, size=len(built.content), title=built.title[:200],
            finished_at=timezone.now(), error="",
        )  # fmt: skip
        job.refresh_from_db()
        audit.record(actor=None, action="update", obj=job, note=f"报告已生成：{job.title}")
        if job.requested_by_id:
            from core.notifications import notify

            notify(
                job.requested_by, event="report_done", key=f"report-done-{job.pk}", title="报告已生成",
                body=job.title, url=f"/reports/{job.pk}/",
            )  # fmt: skip
    return "done"


def _fail(job: ReportJob, exc: Exception) -> None:
    if isinstance(exc, builders.BuildError):
        reason = str(exc)
    else:
        reason = f"生成报告时出错（{type(exc).__name__}）：{str(exc)[:300]}。请稍后重试，仍失败请联系系统管理员。"
    with transaction.atomic():
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.FAILED, error=reason, finished_at=timezone.now(), file=""
        )
        job.refresh_from_db()
        audit.record(actor=None, action="update", obj=job, note=f"报告生成失败：{reason}")


def sweep_queued(older_than: dt.timedelta = STALE_AFTER) -> int:
    """Queue again the jobs still queued after a few minutes (the broker was down when they were asked for)."""
    cutoff = timezone.now() - older_than
    ids = list(
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED, queued_at__lt=cutoff).values_list("pk", flat=True)[
            :200
        ]
    )
    for pk in ids:
        ReportJob.objects.filter(pk=pk).update(queued_at=timezone.now())
        _queue(pk)
    return len(ids)


def abandoned_after() -> dt.timedelta:
    """A running job is abandoned once its message could no longer be redelivered to another worker: past the
    broker's visibility timeout (longer than the build's time limit), with a margin. A worker that died mid-build has
    its message redelivered before that and the new worker takes the job over (run_job(redelivered=True)); one that
    hit the hard time limit had its message acknowledged as failed, and nothing else would ever end the job."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return dt.timedelta(seconds=visibility) + STALE_AFTER * 2


def fail_abandoned(now: dt.datetime | None = None) -> int:
    """Mark abandoned running jobs failed with the reason, so the office sees it and may retry (idempotent)."""
    cutoff = (now or timezone.now()) - abandoned_after()
    stale = list(ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=cutoff).order_by("pk")[:200])
    for job in stale:
        minutes = int(abandoned_after().total_seconds() // 60)
        _fail(job, builders.BuildError(f"生成超过{minutes}分钟仍未完成（超时或后台进程中止），已停止。请重试。"))
    return len(stale)


def issue_year(*, actor, congress, year: int, kind: str = Kind.SUGGESTIONS) -> YearSnapshot:
    """签发: freeze the year's figures for the congress. Issuing again replaces the snapshot (a corrected report)."""
    if kind == Kind.SUGGESTIONS:
        data = figures.suggestion_figures(congress.pk, year)
    elif kind == Kind.DEPUTIES:
        data = figures.deputy_figures(congress.pk, year)
    else:
        raise IllegalTransition("只有建议办理和代表工作年度报告可以签发")
    with transaction.atomic():
        snap, created = YearSnapshot.objects.update_or_create(
            congress=congress, year=year, kind=kind,
            defaults={"figures": data, "issued_by": actor if getattr(actor, "pk", None) else None,
                      "issued_at": timezone.now()},
        )  # fmt: skip
        audit.record(
            actor=actor, action="create" if created else "update", obj=snap,
            note=f"签发{congress}{year}年度{snap.get_kind_display()}数据",
        )  # fmt: skip
    return snap


def issue_and_build(*, actor, congress, year: int) -> list[ReportJob]:
    """The January run: issue the previous year's suggestions and deputies figures and build both reports as PDF
    and Excel. Runs once per congress and year (a year already issued is left as issued)."""
    jobs = []
    for kind in (Kind.SUGGESTIONS, Kind.DEPUTIES):
        if not YearSnapshot.objects.filter(congress=congress, year=year, kind=kind).exists():
            issue_year(actor=actor, congress=congress, year=year, kind=kind)
            for fmt in Format.values:
                jobs.append(request_report(actor=actor, congress=congress, kind=kind, year=year, fmt=fmt))
    return jobs
