"""The attendance grid of a session: for each deputy on the list and each day, present, late, on leave, absent or
not yet due. Derived from the enrolments and check-ins, never stored, so it cannot drift from them.

- present / late: checked in (late = after the day's start plus TRAINING_LATE_GRACE_MINUTES);
- leave: no check-in and the leave was approved — never counted as absence;
- absent: no check-in, no approved leave, and the day is over;
- pending: the day is not over yet.
A deputy who checked in from outside the target is expected only on the days they came.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .models import CheckIn, Enrolment, TrainingDay, TrainingSession

PRESENT, LATE, LEAVE, ABSENT, PENDING, NOT_EXPECTED = "present", "late", "leave", "absent", "pending", "none"
LABELS = {PRESENT: "出席", LATE: "迟到", LEAVE: "请假", ABSENT: "缺席", PENDING: "未签到", NOT_EXPECTED: "—"}


@dataclass
class Cell:
    day: TrainingDay
    state: str
    checkin: CheckIn | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


@dataclass
class Row:
    enrolment: Enrolment
    cells: list[Cell]


@dataclass
class DayTotals:
    day: TrainingDay
    counts: dict = field(default_factory=lambda: dict.fromkeys(LABELS, 0))


def cell_state(enrolment: Enrolment, day: TrainingDay, checkin: CheckIn | None, now: dt.datetime) -> str:
    if checkin is not None:
        return LATE if checkin.is_late else PRESENT
    if enrolment.status == Enrolment.Status.LEAVE_APPROVED:
        return LEAVE
    if enrolment.outside_target:
        return NOT_EXPECTED
    return ABSENT if day.is_past(now) else PENDING


def grid(session: TrainingSession, *, now: dt.datetime | None = None, enrolments=None) -> tuple[list[Row], list]:
    """(rows, per-day totals) for `session`; three queries whatever the size."""
    now = now or timezone.now()
    days = list(session.days.all())
    if enrolments is None:
        enrolments = session.enrolments.select_related("person__township")
    checkins = {
        (c.enrolment_id, c.day_id): c for c in CheckIn.objects.filter(day__session=session).select_related("by", "day")
    }
    totals = [DayTotals(day=d) for d in days]
    rows = []
    for enrolment in enrolments:
        cells = []
        for i, day in enumerate(days):
            checkin = checkins.get((enrolment.pk, day.pk))
            state = cell_state(enrolment, day, checkin, now)
            totals[i].counts[state] += 1
            cells.append(Cell(day=day, state=state, checkin=checkin))
        rows.append(Row(enrolment=enrolment, cells=cells))
    return rows, totals
