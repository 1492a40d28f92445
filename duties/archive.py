"""The performance archive (一人一册): everything a deputy did in a year or a term, in one place — duty records,
meeting attendance, 述职, suggestions led and co-signed, training, the assessment result and interviews. The same
data feeds the screen (staff and the deputy's phone), the PDF and the bundle for a group or township."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core.pdf import render_pdf
from deputies.models import GroupMembership, Person, Seat

from .models import DutyRecord, DutyType, Interview, MeetingAttendance, Score, VoterReport


@dataclass
class Period:
    label: str
    start: dt.date
    end: dt.date
    year: int | None = None

    @classmethod
    def for_year(cls, year: int) -> Period:
        return cls(f"{year}年度", dt.date(year, 1, 1), dt.date(year, 12, 31), year)

    @classmethod
    def for_term(cls, term) -> Period:
        end = term.end or timezone.localdate()
        return cls(f"{term.congress}{term}（{term.start:%Y年%m月}—{end:%Y年%m月}）", term.start, end)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


@dataclass
class Archive:
    person: Person
    period: Period
    seats: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    records: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    by_type: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    voter_reports: list = field(default_factory=list)
    suggestions_led: list = field(default_factory=list)
    suggestions_cosigned: list = field(default_factory=list)
    training: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    interviews: list = field(default_factory=list)
    has_suggestions: bool = False
    has_training: bool = False

    @property
    def voter_contacts(self) -> int:
        return sum(1 for r in self.records if r.type.code in DutyType.VOTER_CONTACT_CODES)


def build(person: Person, period: Period, *, include_pending: bool = True, show_interviews: bool = True) -> Archive:
    """The archive of `person` for `period`. Only verified records are the archive; pending ones are listed apart
    on screen (include_pending) so a deputy sees what still waits."""
    archive = Archive(person=person, period=period)
    archive.seats = list(
        Seat.objects.filter(person=person, start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .select_related("congress", "term")
        .order_by("start")
    )
    archive.groups = [
        m.group for m in GroupMembership.objects.filter(person=person).select_related("group").order_by("group_id")
    ]
    records = (
        DutyRecord.objects.filter(person=person, date__range=(period.start, period.end))
        .select_related("type", "group")
        .prefetch_related(Prefetch("co_participants", queryset=Person.objects.only("id", "name")))
        .annotate(photo_count=Count("photos"))
        .order_by("date", "id")
    )
    for record in records:
        if record.status == DutyRecord.Status.VERIFIED:
            archive.records.append(record)
        elif include_pending:
            archive.pending.append(record)
    counts = Counter(r.type_id for r in archive.records)
    archive.by_type = [(t.name, counts[t.pk]) for t in DutyType.objects.all() if counts[t.pk]]
    archive.attendance = list(
        MeetingAttendance.objects.filter(person=person)
        .filter(
            Q(meeting__start__range=(period.start, period.end))
            | Q(standing_meeting__date__range=(period.start, period.end))
        )
        .select_related("meeting__term__congress", "standing_meeting")
    )
    archive.attendance.sort(key=lambda a: a.date)
    archive.voter_reports = list(
        VoterReport.objects.filter(person=person, date__range=(period.start, period.end)).order_by("date")
    )
    _suggestions(archive)
    _training(archive)
    archive.scores = list(
        Score.objects.filter(person=person, year__in=period.years).select_related("rule_set__congress").order_by("year")
    )
    if show_interviews:
        archive.interviews = list(
            Interview.objects.filter(person=person, year__in=period.years).select_related("congress").order_by("date")
        )
    return archive


def _suggestions(archive: Archive) -> None:
    if not apps.is_installed("suggestions"):
        return
    try:
        from suggestions.models import CoSigner, Suggestion
    except ImportError:
        return
    archive.has_suggestions = True
    years = archive.period.years
    base = Suggestion.objects.filter(year__in=years).exclude(
        state__in=[Suggestion.State.DRAFT, Suggestion.State.WITHDRAWN]
    )
    archive.suggestions_led = list(base.filter(lead_deputy=archive.person).order_by("year", "number", "id"))
    cosigned = CoSigner.objects.filter(person=archive.person, confirmed_at__isnull=False).values("suggestion_id")
    archive.suggestions_cosigned = list(
        base.filter(pk__in=cosigned).select_related("lead_deputy").order_by("year", "number", "id")
    )


def _training(archive: Archive) -> None:
    if not apps.is_installed("training"):
        return
    try:
        from training.models import Enrolment
    except ImportError:
        return
    archive.has_training = True
    p = archive.period
    enrolments = (
        Enrolment.objects.filter(person=archive.person, session__days__date__range=(p.start, p.end))
        .select_related("session")
        .annotate(checked_days=Count("checkins", distinct=True))
        .distinct()
        .order_by("session_id")
    )
    archive.training = [
        {
            "title": e.session.title,
            "kind": e.session.get_kind_display(),
            "status": e.get_status_display(),
            "checked_days": e.checked_days,
        }
        for e in enrolments
    ]


PDF_TEMPLATE = "duties/archive_pdf.html"


def render_archives_pdf(archives: list[Archive], *, title: str) -> bytes:
    """One PDF: each deputy's archive starting on a new page."""
    return render_pdf(PDF_TEMPLATE, {"archives": archives, "title": title, "generated": timezone.localtime()})
