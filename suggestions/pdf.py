"""Printable documents of the lifecycle, rendered with WeasyPrint through core.pdf (whose URL fetcher serves only
the project's static files: no file://, no network):

- 交办函 (assignment letter): one per unit, listing the items assigned to it (lead, co-handling, split);
- 征询意见表 (feedback form): sent with an answer, for the lead deputy's rating;
- 建议汇编 (compilation): a meeting's (or a recess year's) accepted suggestions, with a table of contents.

A4, the CJK font stack of static/css/pdf.css, page numbers, table headers repeated on every page.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from core.pdf import render_pdf

from .models import Answer, Assignment, CoSigner, Rating, Suggestion
from .rules import rules

# Items that went through review and carry a number (the compilation lists them).
NUMBERED_STATES = (
    Suggestion.State.ACCEPTED,
    Suggestion.State.MERGED,
    Suggestion.State.HANDLING,
    Suggestion.State.ANSWERED,
    Suggestion.State.RATED,
    Suggestion.State.CLOSED,
)


def assignment_letter(unit, assignments, *, congress, issued_by: str = "") -> bytes:
    """交办函 to `unit` for `assignments` (its own, already scoped)."""
    items = list(
        assignments.select_related("suggestion__lead_deputy", "suggestion__meeting__term", "parent__unit").order_by(
            "suggestion__year", "suggestion__number", "id"
        )
    )
    co_units: dict[int, list[str]] = {}
    suggestion_ids = [a.suggestion_id for a in items]
    for sid, role, name in (
        Assignment.objects.filter(suggestion_id__in=suggestion_ids)
        .exclude(state__in=(Assignment.State.RETURNED, Assignment.State.RELAYED, Assignment.State.CANCELLED))
        .exclude(unit=unit)
        .values_list("suggestion_id", "role", "unit__name")
    ):
        co_units.setdefault(sid, []).append(f"{name}（{dict(Assignment.Role.choices)[role]}）")
    r = rules()
    context = {
        "unit": unit,
        "congress": congress,
        "items": [{"a": a, "s": a.suggestion, "others": co_units.get(a.suggestion_id, [])} for a in items],
        "today": timezone.localdate(),
        "issued_by": issued_by,
        "rules": r,
        "count_lead": sum(1 for a in items if a.role != Assignment.Role.CO),
        "count_co": sum(1 for a in items if a.role == Assignment.Role.CO),
    }
    return render_pdf("pdf/assignment_letter.html", context)


def feedback_form(answer: Answer) -> bytes:
    """征询意见表 for one sent (or drafted) answer: the deputy ticks 满意 / 基本满意 / 不满意 and comments."""
    asg = answer.assignment
    s = asg.suggestion
    context = {
        "answer": answer,
        "a": asg,
        "s": s,
        "cosigners": [c.person.name for c in s.cosigners.select_related("person") if c.confirmed_at],
        "values": [label for _v, label in Rating.Value.choices],
        "today": timezone.localdate(),
    }
    return render_pdf("pdf/feedback_form.html", context)


def compilation(suggestions, *, title: str, congress) -> bytes:
    """建议汇编 of `suggestions` (already scoped), by number."""
    items = list(
        suggestions.filter(state__in=NUMBERED_STATES, number__isnull=False)
        .select_related("lead_deputy", "category", "merged_into")
        .prefetch_related(
            Prefetch(
                "cosigners",
                queryset=CoSigner.objects.filter(confirmed_at__isnull=False).select_related("person").order_by("id"),
            )
        )
        .order_by("number", "id")
    )
    context = {"items": items, "title": title, "congress": congress, "today": timezone.localdate()}
    return render_pdf("pdf/compilation.html", context)
