"""The annual assessment (履职考核): the rules the office edits, the results (bands, sorted by name — not a league
table), the list below the line with those below it two years running (劝辞) and interviews (约谈), the norm checks
and the figures per group, township and level."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import audit
from deputies.permissions import visible_groups, visible_persons

from .. import norms, permissions, services
from ..assessment import poor_two_years
from ..exporting import xlsx_response
from ..forms import InterviewForm, ItemFormSet, NewRuleSetForm, RuleSetForm, YearForm
from ..models import AssessmentItem, AssessmentRuleSet, Band, Interview
from .common import add_service_errors, reader_view


@reader_view
def rule_list(request):
    user = request.user
    keepable = permissions.keepable_congresses(user)
    form = NewRuleSetForm(request.POST or None)
    if request.method == "POST":
        congress = keepable.first()
        if congress is None:
            raise PermissionDenied("只有本级人大工作人员可以制定考核办法")
        if form.is_valid():
            rule_set = services.ensure_rule_set(actor=user, congress=congress, year=form.cleaned_data["year"])
            messages.success(request, f"已建立{rule_set}，可按本地规定修改。")
            return redirect("duties:rule_edit", pk=rule_set.pk)
    rule_sets = permissions.visible_rule_sets(user).select_related("congress").order_by("-year", "congress_id")
    return render(
        request, "duties/rule_list.html", {"rule_sets": rule_sets, "form": form, "can_create": keepable.exists()}
    )


def _rule_set(request, pk) -> AssessmentRuleSet:
    return get_object_or_404(permissions.visible_rule_sets(request.user).select_related("congress"), pk=pk)


@reader_view
def rule_edit(request, pk):
    rule_set = _rule_set(request, pk)
    user = request.user
    can_keep = permissions.can_keep_congress(user, rule_set.congress_id)
    items = AssessmentItem.objects.filter(rule_set=rule_set).select_related("duty_type")
    form = RuleSetForm(request.POST or None, instance=rule_set, prefix="rs")
    formset = ItemFormSet(request.POST or None, queryset=items, prefix="items")
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied("只能修改本级人大的考核办法")
        if form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                data = {k: form.cleaned_data[k] for k in RuleSetForm.Meta.fields}
                services.update_rule_set(rule_set, actor=user, data=data, items=rows)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存考核办法，并重新计算了本年度考核结果。")
                return redirect("duties:rule_edit", pk=rule_set.pk)
    return render(
        request,
        "duties/rule_form.html",
        {
            "rule_set": rule_set,
            "form": form,
            "formset": formset,
            "can_keep": can_keep,
            "history": audit.history(rule_set)[:20],
        },
    )


@reader_view
@require_POST
def rule_recompute(request, pk):
    rule_set = _rule_set(request, pk)
    if not permissions.can_keep_congress(request.user, rule_set.congress_id):
        raise PermissionDenied("只能重算本级人大的考核结果")
    n = services.recompute_scores(rule_set, actor=request.user)
    messages.success(request, f"已重新计算 {n} 名代表的考核结果。")
    return redirect("duties:scores", pk=rule_set.pk)


class ScoreFilterForm(forms.Form):
    q = forms.CharField(label="代表姓名", required=False, max_length=30)
    band = forms.ChoiceField(label="等次", required=False, choices=[("", "全部")] + Band.choices)
    group = forms.ModelChoiceField(label="代表小组", required=False, queryset=None, empty_label="全部")

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(person__name__icontains=data["q"].strip())
        if data.get("band"):
            qs = qs.filter(band=data["band"])
        if data.get("group"):
            qs = qs.filter(person__memberships__group=data["group"])
        return qs


def _scores(request, rule_set):
    form = ScoreFilterForm(request.GET, groups=visible_groups(request.user).filter(congress=rule_set.congress))
    qs = form.filter(permissions.visible_scores(request.user).filter(rule_set=rule_set))
    # Sorted by name (拼音), never by points: bands, not a league table.
    return form, qs.select_related("person", "person__township").order_by("person__name_initials", "person_id")


@reader_view
def scores(request, pk):
    rule_set = _rule_set(request, pk)
    form, qs = _scores(request, rule_set)
    if request.GET.get("format") == "xlsx":
        rows = (
            [s.person.name, s.person.township.name if s.person.township_id else "", s.get_band_display(), s.points]
            for s in qs
        )
        return xlsx_response(
            request.user,
            title=f"{rule_set.year}年履职考核",
            headers=["代表", "镇街", "等次", "得分"],
            rows=rows,
            note=f"导出{rule_set}考核结果",
        )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    bands = {b: qs.filter(band=b).count() for b in Band.values} if not request.GET.get("page") else None
    return render(
        request,
        "duties/scores.html",
        {
            "rule_set": rule_set,
            "form": form,
            "page": page,
            "bands": bands,
            "band_labels": dict(Band.choices),
            "query": request.GET.urlencode(),
            "can_keep": permissions.can_keep_congress(request.user, rule_set.congress_id),
        },
    )


@reader_view
def score_detail(request, pk):
    score = get_object_or_404(
        permissions.visible_scores(request.user).select_related("person", "rule_set__congress"), pk=pk
    )
    return render(request, "duties/score_detail.html", {"score": score})


@reader_view
def below_line(request, pk):
    """差 this year, those 差 two years running (advise resignation), and the interviews held with them."""
    rule_set = _rule_set(request, pk)
    poor = list(
        permissions.visible_scores(request.user)
        .filter(rule_set=rule_set, band=Band.POOR)
        .select_related("person", "person__township")
        .order_by("person__name_initials", "person_id")
    )
    twice = poor_two_years(rule_set)
    interviews: dict[int, list] = {}
    for i in Interview.objects.filter(
        congress=rule_set.congress, year=rule_set.year, person_id__in=[s.person_id for s in poor]
    ).order_by("date"):
        interviews.setdefault(i.person_id, []).append(i)
    rows = [{"score": s, "twice": s.person_id in twice, "interviews": interviews.get(s.person_id, [])} for s in poor]
    if request.GET.get("format") == "xlsx":
        data = (
            [r["score"].person.name, r["score"].get_band_display(), "是" if r["twice"] else "",
             "；".join(f"{i.date:%Y-%m-%d} {i.interviewers}：{i.outcome}" for i in r["interviews"])]
            for r in rows
        )  # fmt: skip
        return xlsx_response(
            request.user,
            title=f"{rule_set.year}年考核较差代表",
            headers=["代表", "等次", "连续两年为差（建议劝辞）", "约谈记录"],
            rows=data,
            note=f"导出{rule_set}考核为差的代表",
        )
    return render(
        request,
        "duties/below_line.html",
        {
            "rule_set": rule_set,
            "rows": rows,
            "twice_count": sum(1 for r in rows if r["twice"]),
            "can_keep": permissions.can_keep_congress(request.user, rule_set.congress_id),
        },
    )


@reader_view
def interview_new(request, pk, person_pk):
    rule_set = _rule_set(request, pk)
    person = get_object_or_404(visible_persons(request.user), pk=person_pk)
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_interview(
                actor=request.user,
                person=person,
                congress=rule_set.congress,
                data={**form.service_data(), "year": rule_set.year},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记对{person.name}代表的约谈。")
            return redirect("duties:below_line", pk=rule_set.pk)
    return render(request, "duties/interview_form.html", {"form": form, "person": person, "rule_set": rule_set})


# --- norms and figures ----------------------------------------------------------------------------------------


class CongressYearForm(YearForm):
    congress = forms.ModelChoiceField(label="人大", queryset=None, required=False, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = permissions.readable_congresses(user)
        self.user = user

    def selected_congress(self):
        if self.is_valid() and self.cleaned_data.get("congress"):
            return self.cleaned_data["congress"]
        qs = self.fields["congress"].queryset
        return qs.filter(pk=self.user.congress_id).first() or qs.first()


@reader_view
def norm_checks(request):
    user = request.user
    form = CongressYearForm(request.GET, user=user)
    year, congress = form.selected_year(), form.selected_congress()
    if congress is None:
        raise PermissionDenied("没有可查看的人大")
    persons = norms.seated_persons(congress, year).filter(pk__in=visible_persons(user).values("pk"))
    few = list(norms.few_voter_contacts(persons, year).select_related("township"))
    never = list(norms.never_at_station(persons, year).select_related("township"))
    groups = list(
        norms.groups_with_few_activities(visible_groups(user).filter(congress=congress), year).select_related("area")
    )
    unreported, term = norms.not_reported_this_term(congress, persons)
    unreported = list(unreported.select_related("township"))
    kind = request.GET.get("format") == "xlsx" and request.GET.get("list")
    if kind:
        sheets = {
            "contacts": (
                "联系选民不足",
                ["代表", "镇街", "联系选民次数"],
                [[p.name, _town(p), p.voter_contacts] for p in few],
            ),
            "station": ("全年未到站接待", ["代表", "镇街"], [[p.name, _town(p)] for p in never]),
            "groups": ("小组活动不足", ["代表小组", "活动次数"], [[g.name, g.activities] for g in groups]),
            "report": ("本届未述职", ["代表", "镇街"], [[p.name, _town(p)] for p in unreported]),
        }
        if kind in sheets:
            title, headers, rows = sheets[kind]
            return xlsx_response(
                user, title=f"{year}年{title}", headers=headers, rows=rows, note=f"导出{year}年{title}"
            )
    return render(
        request,
        "duties/norms.html",
        {
            "form": form,
            "year": year,
            "congress": congress,
            "few": few,
            "never": never,
            "groups": groups,
            "unreported": unreported,
            "term": term,
            "query": request.GET.urlencode(),
        },
    )


def _town(p) -> str:
    return p.township.name if p.township_id else ""


@reader_view
def figures(request):
    user = request.user
    form = CongressYearForm(request.GET, user=user)
    year, congress = form.selected_year(), form.selected_congress()
    if congress is None:
        raise PermissionDenied("没有可查看的人大")
    persons = norms.seated_persons(congress, year).filter(pk__in=visible_persons(user).values("pk"))
    data = norms.figures(congress, persons, year)
    dimension = request.GET.get("by", "group")
    if request.GET.get("format") == "xlsx" and dimension in data:
        headers = ["名称", "代表人数", "已审核履职记录", "联系选民次数", "好", "较好", "差"]
        rows = (
            [b["label"], b["deputies"], b["records"], b["contacts"], b["good"], b["fair"], b["poor"]]
            for b in data[dimension]
        )
        return xlsx_response(user, title=f"{year}年履职统计", headers=headers, rows=rows, note=f"导出{year}年履职统计")
    return render(
        request,
        "duties/figures.html",
        {"form": form, "year": year, "congress": congress, "data": data, "query": request.GET.urlencode()},
    )
