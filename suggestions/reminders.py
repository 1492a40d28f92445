"""The daily reminders of suggestion handling, driven by the database (no long ETAs in the broker).

- lead and split units before their answer is due (rules.reminder_days, default 15, 5 and 1 days) and when overdue;
  office staff too when overdue;
- co-handlers (协办) before their written opinion is due, and when it is overdue;
- the lead deputy to rate an answer: when answered, and again after rules.rating_reminder_days;
- office staff when a return or extension request waits.

Each notification has a key naming the item, the round (and the deadline, so an extension starts afresh), the
threshold and the recipient: core.notifications.notify_bulk() creates it once, so a second run the same day, or a
rerun after a worker died mid-run, sends nothing twice. A day the task did not run is caught up: the tightest threshold
reached is sent. The plan is read in bulk and the notifications are written in chunks (a fixed number of queries per
chunk), so the task's queries do not grow with the items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import UNIT_ROLES, Role, User
from core.notifications import CHUNK_SIZE, INAPP, SMS, notify_bulk

from .models import Assignment, HandlingRequest, Rating, Suggestion
from .rules import rules

S = Suggestion.State
A = Assignment.State
HANDLER_ROLES = (Assignment.Role.LEAD, Assignment.Role.SPLIT)
OFFICE_ROLES = (Role.STAFF, Role.TOWN_STAFF)


@dataclass
class Message:
    key: str
    recipient: User
    event: str
    title: str
    body: str
    url: str
    channels: tuple[str, ...] = (INAPP, SMS)


@dataclass
class Plan:
    messages: list[Message] = field(default_factory=list)

    def add(self, recipients, key: str, **kwargs) -> None:
        for user in recipients:
            self.messages.append(Message(key=f"{key}:u{user.pk}", recipient=user, **kwargs))


def threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The tightest reminder threshold reached with `days_left` to go (None: none yet, or overdue)."""
    if days_left < 0:
        return None
    reached = [d for d in thresholds if days_left <= d]
    return min(reached) if reached else None


def _url(pk: int) -> str:
    try:
        return reverse("suggestions:detail", args=[pk])
    except NoReverseMatch:
        return f"/suggestions/{pk}/"


def _label(sug: Suggestion) -> str:
    return f"{sug.number_display}《{sug.title}》" if sug.number else f"《{sug.title}》"


def _users_by(field_name: str, ids, roles) -> dict[int, list[User]]:
    """Active users with one of `roles`, grouped by `field_name` (unit_id, congress_id or person_id): one query."""
    ids = {i for i in ids if i}
    out: dict[int, list[User]] = defaultdict(list)
    if not ids:
        return out
    qs = User.objects.filter(is_active=True, **{f"{field_name}__in": ids})
    if roles:
        qs = qs.filter(roles__role__in=roles)
    for user in qs.distinct().order_by("id"):
        out[getattr(user, field_name)].append(user)
    return out


def plan_reminders(today: dt.date) -> Plan:
    r = rules()
    thresholds = tuple(sorted(set(r.reminder_days)))
    horizon = today + dt.timedelta(days=max(thresholds, default=0))
    plan = Plan()

    handling = list(
        Assignment.objects.filter(
            role__in=HANDLER_ROLES,
            state__in=Assignment.OPEN_STATES,
            suggestion__state=S.HANDLING,
            due_date__lte=horizon,
        ).select_related("suggestion", "unit")
    )
    co_handling = list(
        Assignment.objects.filter(
            role=Assignment.Role.CO,
            state__in=Assignment.OPEN_STATES,
            suggestion__state=S.HANDLING,
            opinion_at__isnull=True,
            opinion_due__isnull=False,
            opinion_due__lte=horizon,
        ).select_related("suggestion", "unit")
    )
    rated_this_round = Rating.objects.filter(suggestion_id=OuterRef("pk"), round=OuterRef("merged_into__round"))
    to_rate = list(
        Suggestion.objects.filter(
            Q(state=S.ANSWERED, answered_at__isnull=False)
            | Q(state=S.MERGED, merged_into__state__in=(S.ANSWERED, S.RATED), merged_into__answered_at__isnull=False)
        )
        .exclude(Q(state=S.MERGED) & Q(Exists(rated_this_round)))
        .select_related("merged_into")
    )
    waiting = list(
        HandlingRequest.objects.filter(status=HandlingRequest.Status.PENDING).select_related(
            "assignment__suggestion", "assignment__unit"
        )
    )

    unit_users = _users_by("unit_id", {a.unit_id for a in handling + co_handling}, UNIT_ROLES)
    congresses = {a.suggestion.congress_id for a in handling} | {q.assignment.suggestion.congress_id for q in waiting}
    staff = _users_by("congress_id", congresses, OFFICE_ROLES)
    deputies = _users_by("person_id", {s.lead_deputy_id for s in to_rate}, None)

    for a in handling:
        sug, days_left = a.suggestion, (a.due_date - today).days
        base = f"sugg.due:{a.pk}:r{a.round}:{a.due_date:%Y%m%d}"
        if days_left < 0:
            title = f"建议{_label(sug)}已超过答复期限{-days_left}天"
            body = f"{a.unit.name}承办的建议答复期限为{a.due_date:%Y年%m月%d日}，已逾期，请尽快答复。"
            plan.add(
                unit_users[a.unit_id],
                f"{base}:overdue",
                event="suggestion.overdue",
                title=title,
                body=body,
                url=_url(sug.pk),
            )
            plan.add(
                staff[sug.congress_id],
                f"{base}:overdue",
                event="suggestion.overdue",
                title=title,
                body=body,
                url=_url(sug.pk),
                channels=(INAPP,),
            )
            continue
        d = threshold(days_left, thresholds)
        if d is None:
            continue
        when = "今天" if days_left == 0 else f"还有{days_left}天"
        plan.add(
            unit_users[a.unit_id],
            f"{base}:d{d}",
            event="suggestion.due",
            title=f"建议{_label(sug)}距答复期限{when}",
            body=f"答复期限：{a.due_date:%Y年%m月%d日}。请按时答复，答复前与领衔代表见面沟通。",
            url=_url(sug.pk),
        )

    for a in co_handling:
        sug, days_left = a.suggestion, (a.opinion_due - today).days
        base = f"sugg.opinion:{a.pk}:r{a.round}:{a.opinion_due:%Y%m%d}"
        if days_left < 0:
            key, title = f"{base}:overdue", f"建议{_label(sug)}的协办意见已逾期"
        else:
            d = threshold(days_left, thresholds)
            if d is None:
                continue
            key, title = (
                f"{base}:d{d}",
                f"建议{_label(sug)}的协办意见{'今天' if days_left == 0 else f'还有{days_left}天'}到期",
            )
        plan.add(
            unit_users[a.unit_id],
            key,
            event="suggestion.opinion_due",
            title=title,
            body=f"请于{a.opinion_due:%Y年%m月%d日}前将书面协办意见送主办单位。",
            url=_url(sug.pk),
        )

    for sug in to_rate:
        main = sug.merged_into if sug.state == S.MERGED else sug
        answered = timezone.localdate(main.answered_at)
        base = f"sugg.rate:{sug.pk}:r{main.round}"
        title = f"请对建议{_label(sug)}的答复进行满意度测评"
        body = "承办单位已答复您的建议，请阅读答复并填写满意度测评（满意、基本满意、不满意）。"
        plan.add(
            deputies[sug.lead_deputy_id],
            f"{base}:first",
            event="suggestion.rate",
            title=title,
            body=body,
            url=_url(sug.pk),
        )
        if (today - answered).days >= r.rating_reminder_days:
            plan.add(
                deputies[sug.lead_deputy_id],
                f"{base}:again",
                event="suggestion.rate",
                title=f"再次提醒：{title}",
                body=body,
                url=_url(sug.pk),
            )

    for req in waiting:
        sug = req.assignment.suggestion
        plan.add(
            staff[sug.congress_id],
            f"sugg.request:{req.pk}",
            event="suggestion.request_waiting",
            title=f"{req.assignment.unit.name}{req.get_kind_display()}待审批：{_label(sug)}",
            body=f"理由：{req.reason[:100]}",
            url=_url(sug.pk),
            channels=(INAPP,),
        )
    return plan


def send_reminders(today: dt.date, *, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Send what today's plan holds and was not sent before, in chunks that each commit on their own: a run that
    dies midway keeps what it sent and the next run sends the rest."""
    plan = plan_reminders(today)
    created = notify_bulk(plan.messages, chunk_size=chunk_size)
    sent: dict[str, int] = defaultdict(int)
    for note in created:
        sent[note.event] += 1
    return dict(sent)
