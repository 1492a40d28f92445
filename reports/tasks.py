"""Celery tasks of the reports app. They take primary keys, call services, and are idempotent: a job that is not
queued any more (done, failed, or claimed by another worker) is not built again."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, acks_late=True, time_limit=1800, soft_time_limit=1740)
def build_report(self, job_id: int) -> str:
    from .services import run_job

    # A redelivered message: the worker that had it died mid-build (see services._claim).
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return run_job(job_id, redelivered=redelivered)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def sweep_queued() -> int:
    """Periodic: queue again the jobs left queued while the broker was down, and end the running jobs no worker
    will finish (services.fail_abandoned)."""
    from .services import fail_abandoned
    from .services import sweep_queued as sweep

    return sweep() + fail_abandoned()


# The levels whose congress issues the annual reports (county and above).
ANNUAL_LEVELS = ("national", "province", "city", "county")


def annual_congresses():
    """The managed congresses the January run issues and builds reports for, in a stable order."""
    from organization.models import Congress

    return Congress.objects.filter(is_managed=True, level__in=ANNUAL_LEVELS).order_by("pk")


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def issue_previous_year() -> int:
    """January 5th: issue and build last year's suggestions and deputies reports for every managed congress of county
    level and above. A township congress (乡镇人大) has no handling units nor a standing committee to hear the report:
    its figures are part of its county's."""
    from .services import issue_and_build

    year = timezone.localdate().year - 1
    count = 0
    for congress in annual_congresses():
        count += len(issue_and_build(actor=None, congress=congress, year=year))
    return count
