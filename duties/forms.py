"""Forms of the duty pages. They check shapes and choices; the rules are in duties.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from core.pagination import fast_selects
from deputies import picker
from deputies.filters import area_options, offer_area_options, option_rows
from deputies.models import ActivityGroup, GroupMembership, Person

from . import permissions
from .models import AssessmentItem, AssessmentRuleSet, DutyRecord, DutyType, Interview, MeetingAttendance, VoterReport
from .photos import MAX_PHOTOS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"一次最多上传 {MAX_PHOTOS} 张照片。")
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


def year_choices(span: int = 6) -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this, this - span, -1)]


class DutyRecordForm(forms.ModelForm):
    """记录履职: type, date, place, what was done, photos, co-participants (and the group when it was a group
    activity). `person` is the deputy the record is for (fixed for a deputy, chosen by staff)."""

    photos = MultipleImageField(label="照片", required=False, help_text=f"可选，最多 {MAX_PHOTOS} 张，上传时自动压缩")
    co_participants = forms.ModelMultipleChoiceField(
        label="共同参加的代表", queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = DutyRecord
        fields = ["type", "date", "place", "title", "content", "hours", "group"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"group": "代表小组活动"}
        help_texts = {"group": "以代表小组名义开展的活动请选择小组"}

    def __init__(self, *args, person: Person | None = None, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        types = DutyType.objects.filter(is_active=True)
        if not staff:
            types = types.filter(self_reported=True)
        self.fields["type"].queryset = types
        self.fields["type"].empty_label = "请选择"
        self.fields["date"].initial = timezone.localdate()
        self.fields["hours"].required = False
        if person is not None:
            groups = ActivityGroup.objects.filter(memberships__person=person)
            self.fields["group"].queryset = groups
            mates = Person.objects.filter(memberships__group__in=groups).exclude(pk=person.pk).distinct()
            self.fields["co_participants"].queryset = mates.order_by("name_initials", "pk")
        else:
            self.fields["group"].queryset = ActivityGroup.objects.none()
        if self.instance.pk:
            self.fields["co_participants"].initial = list(self.instance.co_participants.values_list("pk", flat=True))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("履职日期不能晚于今天。")
        if date < dt.date(2000, 1, 1):
            raise forms.ValidationError("日期有误。")
        return date

    def service_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.Meta.fields}


def picker_choices(user, q: str = "") -> tuple[list[Person], bool]:
    """The deputy picker's choices on the staff forms that record for a deputy (a duty, 述职): with a search, deputies
    by name or pinyin initials; without one, a liaison's group members (an office finds by name). Candidates first,
    then the scope of the form (permissions.recordable_persons) on at most PICKER_SCAN ids (deputies.picker.pick)."""
    if q:
        candidates = picker.matching(Person.objects.all(), q)
    elif permissions.is_liaison(user):
        candidates = Person.objects.filter(
            pk__in=GroupMembership.objects.filter(group__liaison_user=user).values("person_id")
        )
    else:
        return [], False
    return picker.pick(candidates, permissions.recordable_persons(user))


OUT_OF_SCOPE = "所选代表不在您可以代为记录的范围内。"


class StaffRecordForm(DutyRecordForm):
    """记录履职 on a deputy's behalf. The deputy is chosen with the picker (deputies/picker.py): the field checks the
    posted id against `persons`, the whole scope, which is never rendered as options."""

    person = picker.PersonPickField(invalid=OUT_OF_SCOPE)

    field_order = ["person"]

    def __init__(self, *args, persons=None, **kwargs):
        super().__init__(*args, staff=True, **kwargs)
        self.fields["person"].queryset = persons if persons is not None else Person.objects.none()
        # Group and co-participants depend on the person: staff pick any group the person belongs to.
        self.fields["group"].queryset = ActivityGroup.objects.filter(
            memberships__person__in=self.fields["person"].queryset
        ).distinct()
        fast_selects(self, "group")  # every group of the scope: thousands in a province, rendered by string join
        self.fields["co_participants"].queryset = self.fields["person"].queryset.order_by("name_initials", "pk")
        self.fields["co_participants"].widget = forms.SelectMultiple(attrs={"size": 6})


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RecordFilterForm(forms.Form):
    """The duty list's filters, shared by the page and its Excel export. The deputy's township (所属镇街) narrows the
    group select for a province office, as on the deputy list (deputies.filters.area_options)."""

    q = forms.CharField(label="搜索", required=False, max_length=30, help_text="代表姓名或事项")
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    type = forms.TypedChoiceField(label="类型", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + DutyRecord.Status.choices)
    township = forms.TypedChoiceField(label="所属镇街", required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label="代表小组", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["year"].choices = [("", "全部")] + year_choices()
        # Every option list in one query (a list page has a budget of 8 queries, the request shell included).
        options = area_options(user, data or {}, option_rows(DutyType.objects.all(), "type", order="order"))
        self.fields["type"].choices = [("", "全部")] + options.more.get("type", [])
        offer_area_options(self, options)

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(person__name__icontains=q) | qs.filter(title__icontains=q)
        if data.get("year"):
            qs = qs.filter(date__year=data["year"])
        if data.get("type"):
            qs = qs.filter(type_id=data["type"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("township"):
            qs = qs.filter(person__township_id=data["township"])
        if data.get("group"):
            qs = qs.filter(person__memberships__group_id=data["group"])
        return qs

    def active_filters(self) -> str:
        if not self.is_valid():
            return ""

        def label(name, value):
            choices = dict(getattr(self.fields[name], "choices", ()) or ())
            return choices.get(value, value)

        return "；".join(f"{self.fields[k].label}={label(k, v)}" for k, v in self.cleaned_data.items() if v)


class StandingMeetingForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="会议名称", max_length=120)


class VoterReportForm(forms.ModelForm):
    person = picker.PersonPickField(invalid=OUT_OF_SCOPE)  # chosen with the picker, as on StaffRecordForm

    class Meta:
        model = VoterReport
        fields = ["date", "place", "voters_present", "satisfied", "basically_satisfied", "unsatisfied", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    field_order = ["person"]

    report_file = forms.FileField(label="书面述职报告", required=False, help_text="PDF 或 Word，不超过 10 MB")

    def __init__(self, *args, persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons if persons is not None else Person.objects.none()

    def clean_voters_present(self):
        n = self.cleaned_data["voters_present"]
        if n < 1:
            raise forms.ValidationError("请填写到会选民人数。")
        return n

    def clean_report_file(self):
        upload = self.cleaned_data.get("report_file")
        if upload:
            if upload.size > 10 * 1024 * 1024:
                raise forms.ValidationError("文件不能超过 10 MB。")
            if not upload.name.lower().endswith((".pdf", ".doc", ".docx", ".wps", ".ofd")):
                raise forms.ValidationError("请上传 PDF、Word、WPS 或 OFD 文件。")
        return upload

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class AttendanceRowForm(forms.Form):
    status = forms.ChoiceField(label="出席情况", choices=MeetingAttendance.Status.choices, required=False)
    leave_half_days = forms.IntegerField(label="请假（半天）", min_value=0, max_value=40, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = AssessmentRuleSet
        fields = ["name", "base_points", "max_points", "good_threshold", "fair_threshold"]

    def clean(self):
        data = super().clean()
        good, fair = data.get("good_threshold"), data.get("fair_threshold")
        if good is not None and fair is not None and good < fair:
            self.add_error("good_threshold", "“好”的分数线不能低于“较好”的分数线。")
        return data


class ItemForm(forms.ModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["duty_type", "special", "points", "cap"]

    def clean(self):
        data = super().clean()
        if bool(data.get("duty_type")) == bool(data.get("special")):
            raise forms.ValidationError("请在“履职类型”和“特殊项目”中选且只选一项。")
        cap = data.get("cap")
        if cap is not None and cap < 0:
            self.add_error("cap", "上限填正数（扣分项也按绝对值）。")
        return data


ItemFormSet = forms.modelformset_factory(AssessmentItem, form=ItemForm, extra=3, can_delete=True)


class NewRuleSetForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this + 1, this - 5, -1)]
        self.fields["year"].initial = this


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["date", "interviewers", "outcome", "advised_resignation"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "outcome": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"interviewers": "如：常委会副主任某某、代表工委主任某某"}

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()

    def selected_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year
