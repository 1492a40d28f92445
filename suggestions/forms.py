"""Forms of the suggestion screens. They collect and shape input; the rules live in suggestions.services and
suggestions.workflow. Error messages are Chinese and shown next to their field (templates/core/_field.html)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Exists, F, OuterRef, Q, Value
from django.utils import timezone

from accounts.scopes import ALL, congress_in, readable_congress_ids
from organization.models import CommitteeMember, HandlingUnit, Meeting, SpecialCommittee

from .models import Answer, Assignment, Category, Contact, Rating, Suggestion, Supervision
from .rules import rules

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png"}
PDF_MAGIC = b"%PDF-"


# --- uploads --------------------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def check_upload(f, *, pdf_only: bool = False) -> None:
    """Refuse empty, oversized, unexpected or (for sealed letters) non-PDF files, in Chinese."""
    if f is None:
        return
    name = f.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if f.size == 0:
        raise forms.ValidationError(f"文件“{name}”是空文件")
    if f.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(f"文件“{name}”超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    if pdf_only:
        head = f.read(5)
        f.seek(0)
        if ext != "pdf" or head != PDF_MAGIC:
            raise forms.ValidationError("请上传签字盖章后扫描的 PDF 文件")
    elif ext not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError(f"不支持的文件类型“.{ext}”，请上传 PDF、JPG、PNG、Word（docx）或 Excel（xlsx）文件")


class FilesMixin:
    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > 10:
            raise forms.ValidationError("一次最多上传 10 个文件")
        for f in files:
            check_upload(f)
        return files


# --- the list's filters ---------------------------------------------------------------------------------------------


def _year_choices():
    this = timezone.localdate().year
    return [("", "全部年度")] + [(str(y), f"{y}年") for y in range(this + 1, this - 6, -1)]


OPTIONS_LIMIT = 300  # past this many choices in one select (a province: 8,890 units), offer the user's own congress's


def filter_options(user, *, selected=None) -> dict[str, list[tuple[str, str]]]:
    """The choices of the list's selects (meetings, categories, committees, units of the user's congresses), read in
    ONE query (a UNION), so the list page's query count stays small and constant.

    With `selected` (the list page's GET data), a select of more than OPTIONS_LIMIT choices is narrowed to those of
    the user's own congress plus the chosen one, and its kind is listed under "narrowed": a province office would
    otherwise get 12,000 <option>s (600 KB) on every page of the list. The query then reads at most OPTIONS_LIMIT + 1
    rows of each kind (enough to tell whether it must be narrowed) and the narrowed choices beside them, as
    deputies.filters does for groups — not the province's 12,000 rows on every page view."""
    scope = readable_congress_ids(user)
    own_congress = user.congress_id

    def scoped(qs, field="congress_id"):
        return qs if scope is ALL else qs.filter(congress_in(scope, field))

    def shape(qs, kind, label, field="congress_id", a=None, b=None):
        return (
            qs.order_by()
            .annotate(k=Value(kind), lbl=label, a=a or Value(0), b=b or Value(0), c=F(field))
            .values_list("k", "pk", "lbl", "a", "b", "c")
        )

    kinds = [
        ("meeting", scoped(Meeting.objects.all(), "term__congress_id"), "term__congress_id",
         {"label": Value(""), "a": F("term__number"), "b": F("number")}),
        ("category", scoped(Category.objects.all()), "congress_id", {"label": F("name")}),
        ("committee", scoped(SpecialCommittee.objects.all()), "congress_id", {"label": F("name")}),
        ("unit", scoped(HandlingUnit.objects.filter(is_active=True)), "congress_id", {"label": F("name")}),
    ]  # fmt: skip
    parts = []
    for kind, qs, field, cols in kinds:
        if selected is None:
            parts.append(shape(qs, kind, field=field, **cols))
            continue
        first = qs.filter(pk__in=qs.order_by("pk").values("pk")[: OPTIONS_LIMIT + 1])
        keep = str(selected.get(kind) or "")
        own = Q(**{field: own_congress}) | (Q(pk=int(keep)) if keep.isdigit() else Q(pk__in=[]))
        parts.append(shape(first, kind, field=field, **cols))
        parts.append(shape(qs.filter(own), f"{kind}*", field=field, **cols))
    from organization.models import chinese_number

    found: dict[str, list] = {}
    rows = sorted(parts[0].union(*parts[1:], all=True), key=lambda r: (r[0], -r[3], -r[4], r[1]))
    for kind, pk, label, term_no, meeting_no, _congress in rows:
        if kind.startswith("meeting"):
            label = f"第{chinese_number(term_no)}届第{chinese_number(meeting_no)}次会议"
        found.setdefault(kind, []).append((str(pk), label))
    out: dict[str, list] = {"narrowed": []}
    for kind, *_ in kinds:
        choices = found.get(kind, [])
        if len(choices) > OPTIONS_LIMIT:
            choices = found.get(f"{kind}*", [])
            out["narrowed"].append(kind)
        out[kind] = choices
    return out


KEY_CHOICES = [("", "全部"), ("1", "重点督办"), ("0", "非重点")]
NUMBER_RE = re.compile(r"^\s*(?:闭会)?第?\s*(\d{1,6})\s*号?\s*$")


class SuggestionFilterForm(forms.Form):
    """Filters and search of the suggestion list; the Excel export applies the same form, so both agree."""

    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "标题或编号"}))
    year = forms.ChoiceField(label="年度", required=False)
    meeting = forms.ChoiceField(label="会议", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + Suggestion.State.choices)
    category = forms.ChoiceField(label="分类", required=False)
    committee = forms.ChoiceField(label="专门委员会", required=False)
    unit = forms.ChoiceField(label="承办单位", required=False)
    key = forms.ChoiceField(label="重点督办", required=False, choices=KEY_CHOICES)
    overdue = forms.BooleanField(label="仅逾期", required=False)

    def __init__(self, data=None, *, options: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["meeting"].choices = [("", "全部会议"), ("recess", "闭会期间")] + options["meeting"]
        self.fields["category"].choices = [("", "全部分类")] + options["category"]
        self.fields["committee"].choices = [("", "全部")] + options["committee"]
        self.fields["unit"].choices = [("", "全部单位")] + options["unit"]

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        d = self.cleaned_data
        today = timezone.localdate()
        if d.get("q"):
            m = NUMBER_RE.match(d["q"])
            cond = Q(title__icontains=d["q"].strip())
            if m:
                cond |= Q(number=int(m.group(1)))
            qs = qs.filter(cond)
        if d.get("year") and str(d["year"]).isdigit():
            qs = qs.filter(year=int(d["year"]))
        meeting = d.get("meeting")
        if meeting == "recess":
            qs = qs.filter(meeting__isnull=True)
        elif meeting and str(meeting).isdigit():
            qs = qs.filter(meeting_id=int(meeting))
        if d.get("state"):
            qs = qs.filter(state=d["state"])
        for name in ("category", "committee"):
            if d.get(name) and str(d[name]).isdigit():
                qs = qs.filter(**{f"{name}_id": int(d[name])})
        if d.get("unit") and str(d["unit"]).isdigit():
            qs = qs.filter(assignments__unit_id=int(d["unit"])).distinct()
        if d.get("key") == "1":
            qs = qs.filter(is_key=True)
        elif d.get("key") == "0":
            qs = qs.filter(is_key=False)
        if d.get("overdue"):
            open_past_due = Assignment.objects.filter(
                suggestion=OuterRef("pk"), state__in=Assignment.OPEN_STATES, due_date__lt=today
            )
            qs = qs.filter(Exists(open_past_due))
        return qs

    def description(self) -> str:
        """The active filters in words, for the export's audit note."""
        if not self.is_valid():
            return "全部"
        parts = []
        for name, value in self.cleaned_data.items():
            if value in (None, "", False):
                continue
            field = self.fields[name]
            label = field.label or name
            choices = dict(getattr(field, "choices", []) or [])
            parts.append(f"{label}={choices.get(str(value), value)}")
        return "，".join(parts) or "全部"


# --- office actions -------------------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写理由"},
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    """An action without input (签收, 公开, 提交…): the button is the form."""


class RequiredNoteForm(forms.Form):
    note = forms.CharField(
        label="意见",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写意见"},
    )


def _units(congress_id):
    return HandlingUnit.objects.filter(congress_id=congress_id, is_active=True).order_by("kind", "name")


SPLIT_ROWS = 4


class AssignForm(forms.Form):
    """交办: one lead unit (主办) and optional co-handlers (协办), or several units each answering its part (分办)."""

    MODE_CHOICES = [("lead", "主办＋协办"), ("split", "分办（各单位分别答复各自部分）")]

    mode = forms.ChoiceField(label="交办方式", choices=MODE_CHOICES, initial="lead", widget=forms.RadioSelect)
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=HandlingUnit.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=HandlingUnit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="交办意见", max_length=300, required=False)

    def __init__(self, *args, congress_id, exclude_unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units(congress_id)
        if exclude_unit_id:
            units = units.exclude(pk=exclude_unit_id)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        for i in range(1, SPLIT_ROWS + 1):
            self.fields[f"split_unit_{i}"] = forms.ModelChoiceField(
                label=f"分办单位{i}", queryset=units, required=False
            )
            self.fields[f"split_part_{i}"] = forms.CharField(label=f"负责答复的内容{i}", max_length=200, required=False)

    def split_rows(self):
        return [(self[f"split_unit_{i}"], self[f"split_part_{i}"]) for i in range(1, SPLIT_ROWS + 1)]

    def clean(self):
        d = super().clean()
        if d.get("mode") == "split":
            splits = []
            for i in range(1, SPLIT_ROWS + 1):
                unit, part = d.get(f"split_unit_{i}"), (d.get(f"split_part_{i}") or "").strip()
                if unit and not part:
                    self.add_error(f"split_part_{i}", "请填写该单位负责答复的内容")
                elif part and not unit:
                    self.add_error(f"split_unit_{i}", "请选择分办单位")
                elif unit:
                    splits.append((unit, part))
            if len({u.pk for u, _p in splits}) != len(splits):
                self.add_error("split_unit_1", "同一单位不能重复分办")
            elif len(splits) < 2 and not self.errors:
                self.add_error("split_unit_1", "分办须至少两个单位，一个单位请选择主办")
            d["service_kwargs"] = {"splits": splits}
        else:
            lead = d.get("lead_unit")
            co = list(d.get("co_units") or [])
            if not lead:
                self.add_error("lead_unit", "请选择主办单位")
            elif lead in co:
                self.add_error("co_units", "主办单位不能同时作为协办单位")
            d["service_kwargs"] = {"lead": lead, "co": co}
        return d


class AcceptForm(forms.Form):
    category = forms.ModelChoiceField(label="分类", queryset=Category.objects.none(), required=False)
    committee = forms.ModelChoiceField(
        label="对口专门委员会", queryset=SpecialCommittee.objects.none(), required=False, help_text="不选则按分类确定"
    )
    note = forms.CharField(label="审查意见", max_length=300, required=False)

    def __init__(self, *args, congress_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(congress_id=congress_id)
        self.fields["committee"].queryset = SpecialCommittee.objects.filter(congress_id=congress_id)


class DiscloseForm(forms.Form):
    disclose = forms.TypedChoiceField(
        label="是否公开",
        choices=[("1", "可公开"), ("0", "不予公开")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="理由", max_length=300, required=False)

    def clean(self):
        d = super().clean()
        if d.get("disclose") is False and not (d.get("note") or "").strip():
            self.add_error("note", "不予公开时请说明理由（如涉及国家秘密、个人隐私）")
        return d


class MergeForm(forms.Form):
    main = forms.ModelChoiceField(
        label="主办建议（并入后统一办理）",
        queryset=Suggestion.objects.none(),
        error_messages={"required": "请选择主办建议"},
    )
    items = forms.ModelMultipleChoiceField(
        label="并入的建议", queryset=Suggestion.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main"].queryset = queryset
        self.fields["items"].queryset = queryset
        self.fields["items"].error_messages["required"] = "请至少选择一件要并入的建议"

    def clean(self):
        d = super().clean()
        main, items = d.get("main"), list(d.get("items") or [])
        if main and items:
            others = [s for s in items if s.pk != main.pk]
            if not others:
                self.add_error("items", "请选择主办建议以外的建议")
            congress_ids = {main.congress_id, *(s.congress_id for s in others)}
            if len(congress_ids) > 1:
                self.add_error("items", "不同人大的建议不能并案")
            d["items"] = others
        return d


class ResolveForm(forms.Form):
    DECISIONS = [("approve", "同意"), ("refuse", "不同意")]
    decision = forms.ChoiceField(label="审批", choices=DECISIONS, widget=forms.RadioSelect)
    resolution = forms.CharField(label="审批意见", max_length=300, required=False)


class ResolveReturnForm(ResolveForm):
    new_unit = forms.ModelChoiceField(
        label="改交单位",
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text="同意退回时可直接改交，新期限重新起算",
    )

    def __init__(self, *args, congress_id, exclude_unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = _units(congress_id).exclude(pk=exclude_unit_id)

    def clean(self):
        d = super().clean()
        if d.get("decision") == "refuse" and not d.get("resolution"):
            self.add_error("resolution", "不同意退回时请说明理由")
        return d


class ResolveExtensionForm(ResolveForm):
    granted_due = forms.DateField(
        label="批准延至", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="不填则按申请日期"
    )

    def clean(self):
        d = super().clean()
        if d.get("decision") == "refuse" and not d.get("resolution"):
            self.add_error("resolution", "不同意延期时请说明理由")
        return d


class MarkKeyForm(forms.Form):
    leader = forms.ModelChoiceField(
        label="领衔督办领导", queryset=CommitteeMember.objects.none(), error_messages={"required": "请选择领衔督办领导"}
    )
    committee = forms.ModelChoiceField(
        label="牵头专门委员会",
        queryset=SpecialCommittee.objects.none(),
        error_messages={"required": "请选择专门委员会"},
    )

    def __init__(self, *args, congress_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = CommitteeMember.objects.filter(congress_id=congress_id, is_leader=True)
        self.fields["committee"].queryset = SpecialCommittee.objects.filter(congress_id=congress_id)


class SupervisionForm(FilesMixin, forms.Form):
    kind = forms.ChoiceField(label="督办方式", choices=Supervision.Kind.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label="督办情况", widget=forms.Textarea(attrs={"rows": 4}))
    committee = forms.ModelChoiceField(label="专门委员会", queryset=SpecialCommittee.objects.none(), required=False)
    files = MultipleFileField(label="材料", required=False)

    def __init__(self, *args, congress_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = SpecialCommittee.objects.filter(congress_id=congress_id)
        self.members = list(CommitteeMember.objects.filter(congress_id=congress_id).order_by("-is_leader", "id"))
        for m in self.members:
            self.fields[f"score_{m.pk}"] = forms.IntegerField(
                label=f"{m.name} 评分",
                required=False,
                min_value=0,
                max_value=100,
                error_messages={"min_value": "分数在0到100之间", "max_value": "分数在0到100之间"},
            )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return date

    def score_fields(self):
        return [self[f"score_{m.pk}"] for m in self.members]

    def scores(self) -> dict:
        """{CommitteeMember: score} of the members who scored."""
        out = {}
        for m in self.members:
            value = self.cleaned_data.get(f"score_{m.pk}")
            if value is not None:
                out[m] = value
        return out

    def clean(self):
        d = super().clean()
        if d.get("kind") == Supervision.Kind.REPORT and not any(
            d.get(f"score_{m.pk}") is not None for m in self.members
        ):
            self.add_error(None, "“听取汇报并测评”请至少录入一位委员的评分")
        return d


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label="测评结果",
        choices=Rating.Value.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择测评结果"},
    )
    comment = forms.CharField(
        label="意见和建议", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        d = super().clean()
        if d.get("value") == Rating.Value.UNSATISFIED and not (d.get("comment") or "").strip():
            self.add_error("comment", "选择“不满意”时请写明理由，以便重新办理")
        return d


# --- unit actions ---------------------------------------------------------------------------------------------------


class RequestReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 4}))
    suggested_unit = forms.CharField(label="建议承办单位", max_length=100, required=False)


class RequestExtensionForm(forms.Form):
    reason = forms.CharField(label="延期理由", max_length=500, widget=forms.Textarea(attrs={"rows": 4}))
    requested_due = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment

    def clean_requested_due(self):
        due = self.cleaned_data["requested_due"]
        if due <= self.assignment.due_date:
            raise forms.ValidationError(f"申请日期应晚于现期限（{self.assignment.due_date:%Y年%m月%d日}）")
        return due


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="协办意见", widget=forms.Textarea(attrs={"rows": 6}))


class ContactForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    form = forms.ChoiceField(label="方式", choices=Contact.Form.choices)
    participants = forms.CharField(label="参加人员", max_length=300)
    content = forms.CharField(label="沟通情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label="佐证材料", required=False, help_text="照片、签到表或会议纪要")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return date

    def clean_evidence(self):
        f = self.cleaned_data.get("evidence")
        check_upload(f)
        return f


def result_class_choices():
    allowed = rules().result_classes
    return [(v, label) for v, label in Answer.ResultClass.choices if v in allowed]


class AnswerForm(forms.Form):
    result_class = forms.ChoiceField(
        label="办理结果", widget=forms.RadioSelect, error_messages={"required": "请选择办理结果"}
    )
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 10}))
    letter = forms.FileField(
        label="答复函（签字盖章 PDF）",
        help_text="负责人签字、加盖公章后扫描的 PDF",
        error_messages={"required": "请上传签字盖章的答复函 PDF"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_class"].choices = result_class_choices()

    def clean_letter(self):
        f = self.cleaned_data.get("letter")
        check_upload(f, pdf_only=True)
        return f


class FollowUpForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.CharField(label="落实进展", widget=forms.Textarea(attrs={"rows": 5}))
    final = forms.BooleanField(label="已落实，提交最终答复", required=False)
    result_class = forms.ChoiceField(label="最终办理结果", widget=forms.RadioSelect, required=False)
    text = forms.CharField(label="最终答复内容", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    letter = forms.FileField(label="最终答复函（签字盖章 PDF）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_class"].choices = result_class_choices()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return date

    def clean_letter(self):
        f = self.cleaned_data.get("letter")
        check_upload(f, pdf_only=True)
        return f

    def clean(self):
        d = super().clean()
        if d.get("final"):
            if not d.get("result_class"):
                self.add_error("result_class", "请选择最终办理结果")
            if not (d.get("text") or "").strip():
                self.add_error("text", "请填写最终答复内容")
            if not d.get("letter") and "letter" not in self.errors:
                self.add_error("letter", "请上传签字盖章的最终答复函 PDF")
        return d


# --- deputy ---------------------------------------------------------------------------------------------------------


class DraftForm(FilesMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写标题"})
    content = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="写明存在的问题、原因分析和具体建议",
        error_messages={"required": "请填写建议内容"},
    )
    category = forms.ModelChoiceField(label="分类", queryset=Category.objects.none(), required=False)
    meeting = forms.ChoiceField(label="提出时间", required=True)
    files = MultipleFileField(label="附件", required=False, help_text="调研材料、照片等，可多选")

    def __init__(self, *args, congress_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(congress_id=congress_id)
        today = timezone.localdate()
        meetings = Meeting.objects.filter(
            term__congress_id=congress_id, start__lte=today + dt.timedelta(days=60), end__gte=today - dt.timedelta(365)
        ).select_related("term")
        self.fields["meeting"].choices = [("recess", "闭会期间")] + [(str(m.pk), str(m)) for m in meetings]
        self.meetings = {str(m.pk): m for m in meetings}

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if len(content) < 20:
            raise forms.ValidationError("建议内容过短，请至少写 20 个字")
        return content

    def clean_meeting(self):
        value = self.cleaned_data["meeting"]
        if value == "recess":
            return None
        if value not in self.meetings:
            raise forms.ValidationError("请选择会议或闭会期间")
        return self.meetings[value]


class EnterForm(DraftForm):
    """代为录入: the office types in a deputy's paper suggestion. Deputies are named, not picked from a list (a
    province has 180,000 of them): the service finds the serving deputy and says what to add when a name is shared."""

    lead_deputy = forms.CharField(
        label="领衔代表",
        max_length=60,
        help_text="填写姓名；同名时在括号内注明工作单位，如：张伟（县人民医院）",
        error_messages={"required": "请填写领衔代表"},
    )
    cosigners = forms.CharField(
        label="联名代表", max_length=1000, required=False, help_text="已在纸质原件上签名的代表，多位用顿号或逗号分隔"
    )
    received_on = forms.DateField(
        label="收到日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写收到纸质建议的日期", "invalid": "日期格式不正确"},
    )
    disclose = forms.BooleanField(label="同意公开", required=False, initial=True, help_text="按原件上代表的意见勾选")
    note = forms.CharField(label="备注", max_length=300, required=False)

    field_order = ["lead_deputy", "cosigners", "received_on", "meeting", "category", "title", "content", "disclose"]

    def __init__(self, *args, congress_id, **kwargs):
        super().__init__(*args, congress_id=congress_id, **kwargs)
        self.congress_id = congress_id
        self.fields["files"].label = "原件扫描件及附件"
        self.fields["files"].help_text = "纸质原件的扫描件或照片，可多选"
        self.fields["received_on"].initial = timezone.localdate()

    def _deputy(self, text):
        from . import services

        try:
            return services.find_deputy(self.congress_id, text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_lead_deputy(self):
        return self._deputy(self.cleaned_data["lead_deputy"])

    def clean_cosigners(self):
        names = [n for n in re.split(r"[、，,；;\s]+", self.cleaned_data.get("cosigners") or "") if n]
        if len(names) > 50:
            raise forms.ValidationError("联名代表最多 50 位")
        found, problems = [], []
        for name in names:
            try:
                found.append(self._deputy(name))
            except forms.ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            raise forms.ValidationError(problems)
        return found


class CosignerSearchForm(forms.Form):
    q = forms.CharField(label="姓名或拼音首字母", max_length=20, required=False)
