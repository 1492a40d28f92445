"""一人一册 for staff: a deputy's archive for a year or a term on screen and as a PDF, and a group's or township's
archives as one bundle PDF."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from deputies.permissions import visible_groups, visible_persons, visible_townships
from organization.models import Term

from .. import archive, permissions
from ..exporting import pdf_response
from ..forms import YearForm
from .common import staff_view

MAX_BUNDLE = 150


def _period(request, person):
    """?term=<id> for a term the person sat in, else ?year= (this year by default)."""
    term_id = request.GET.get("term", "")
    if term_id.isdigit():
        term = Term.objects.filter(pk=term_id, seats__person=person).select_related("congress").first()
        if term is not None:
            return archive.Period.for_term(term)
    return archive.Period.for_year(YearForm(request.GET).selected_year())


def _person(request, pk):
    return get_object_or_404(visible_persons(request.user).select_related("township"), pk=pk)


@staff_view
def person_archive(request, pk):
    person = _person(request, pk)
    period = _period(request, person)
    data = archive.build(person, period, show_interviews=permissions.is_reader(request.user))
    terms = Term.objects.filter(seats__person=person).select_related("congress").distinct()
    return render(
        request,
        "duties/archive.html",
        {
            "a": data,
            "year_form": YearForm(initial={"year": period.year or timezone.localdate().year}),
            "terms": terms,
            "query": request.GET.urlencode(),
        },
    )


@staff_view
def person_archive_pdf(request, pk):
    person = _person(request, pk)
    period = _period(request, person)
    data = archive.build(person, period, include_pending=False, show_interviews=permissions.is_reader(request.user))
    content = archive.render_archives_pdf([data], title=f"{person.name}代表{period.label}履职档案")
    return pdf_response(content, f"履职档案-{person.name}-{period.start:%Y}.pdf")


class BundleForm(YearForm):
    group = forms.ModelChoiceField(label="代表小组", queryset=None, required=False, empty_label="（不选）")
    township = forms.ModelChoiceField(label="镇街", queryset=None, required=False, empty_label="（不选）")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = visible_groups(user).order_by("pk")
        self.fields["township"].queryset = visible_townships(user)


@staff_view
def bundle(request):
    """The archives of a group's or a township's deputies as one PDF (each deputy from a new page)."""
    user = request.user
    form = BundleForm(request.GET or None, user=user)
    if not request.GET or not form.is_valid() or not (form.cleaned_data["group"] or form.cleaned_data["township"]):
        return render(request, "duties/bundle.html", {"form": form})
    year = form.selected_year()
    persons = visible_persons(user)
    if form.cleaned_data["group"]:
        scope = form.cleaned_data["group"]
        persons = persons.filter(memberships__group=scope)
    else:
        scope = form.cleaned_data["township"]
        persons = persons.filter(township=scope)
    persons = list(persons.distinct().order_by("name_initials", "pk")[: MAX_BUNDLE + 1])
    if len(persons) > MAX_BUNDLE:
        raise PermissionDenied(f"一次最多汇编 {MAX_BUNDLE} 名代表的档案，请按小组分批导出")
    period = archive.Period.for_year(year)
    archives = [
        archive.build(p, period, include_pending=False, show_interviews=permissions.is_reader(user)) for p in persons
    ]
    content = archive.render_archives_pdf(archives, title=f"{scope}{year}年度代表履职档案汇编")
    return pdf_response(content, f"履职档案汇编-{scope}-{year}.pdf")
