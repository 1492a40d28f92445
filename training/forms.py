"""Forms of the training pages. They only read input; the rules are in training.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from deputies.models import Person
from deputies.permissions import visible_groups, visible_persons, visible_townships
from organization.models import Congress

from . import permissions
from .models import Kind, Material, TrainingDay, TrainingSession

LEVEL_CHOICES = [(v, label) for v, label in Congress.Level.choices]


class SessionForm(forms.ModelForm):
    target_levels = forms.MultipleChoiceField(
        label="参训代表层级", choices=LEVEL_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TrainingSession
        fields = [
            "congress",
            "kind",
            "title",
            "lecturers",
            "planned_hours",
            "description",
            "target_levels",
            "target_townships",
            "target_groups",
            "target_persons",
            "materials",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_townships": forms.CheckboxSelectMultiple,
            "target_groups": forms.SelectMultiple(attrs={"size": 6}),
            "target_persons": forms.SelectMultiple(attrs={"size": 8}),
            "materials": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "target_groups": "层级、镇街、小组同时选择时取交集；指定代表另行加入。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = permissions.organiser_congresses(user)
        self.fields["congress"].empty_label = None
        self.fields["target_townships"].queryset = visible_townships(user)
        self.fields["target_groups"].queryset = visible_groups(user).select_related("congress")
        self.fields["target_persons"].queryset = visible_persons(user).only("pk", "name")
        self.fields["materials"].queryset = permissions.visible_materials(user)
        self.fields["planned_hours"].error_messages["invalid"] = "请输入学时数，如 4 或 3.5。"
        self.fields["title"].error_messages["required"] = "请填写培训名称。"


class DayForm(forms.ModelForm):
    class Meta:
        model = TrainingDay
        fields = ["date", "start_time", "end_time", "place", "hours"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"hours": "不填则按计划学时平均分配到各天"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].required = False
        if not self.instance.pk:
            # An empty extra row must stay "unchanged": no model default shown as initial hours.
            self.initial.pop("hours", None)
            self.fields["hours"].initial = None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "结束时间应晚于开始时间。")
        return data


DayFormSet = forms.inlineformset_factory(
    TrainingSession, TrainingDay, form=DayForm, extra=2, can_delete=True, min_num=1, validate_min=True
)


class SessionFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "名称或授课人"}))
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + list(Kind.choices))
    congress = forms.ModelChoiceField(
        label="主办", required=False, queryset=Congress.objects.none(), empty_label="全部"
    )
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    when = forms.ChoiceField(
        label="时间", required=False, choices=[("", "全部"), ("upcoming", "未开始/进行中"), ("past", "已结束")]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = permissions.organiser_congresses(user) | Congress.objects.filter(
            pk__in=permissions.visible_sessions(user).values("congress_id")
        )


class LeaveForm(forms.Form):
    reason = forms.CharField(label="请假事由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "请填写请假事由。"


class LeaveDecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class ManualCheckInForm(forms.Form):
    day = forms.ModelChoiceField(label="培训日", queryset=TrainingDay.objects.none(), empty_label=None)
    person = forms.ModelChoiceField(label="代表", queryset=Person.objects.none(), empty_label="请选择")
    reason = forms.CharField(label="补签原因", max_length=200)

    def __init__(self, *args, session: TrainingSession, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = session.days.filter(date__lte=timezone.localdate())
        self.fields["day"].label_from_instance = lambda d: f"{d.date:%Y-%m-%d}"
        self.fields["person"].queryset = visible_persons(user).only("pk", "name")
        self.fields["reason"].error_messages["required"] = "请填写补签原因。"
        self.fields["person"].error_messages["required"] = "请选择代表。"


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["congress", "title", "description", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = permissions.organiser_congresses(user)
        self.fields["congress"].empty_label = None


class HandoutForm(forms.Form):
    material = forms.ModelChoiceField(label="资料", queryset=Material.objects.none(), empty_label="请选择")
    to = forms.ChoiceField(
        label="发放对象", choices=[("attended", "已签到的代表"), ("enrolled", "参训名单中的全部代表")]
    )

    def __init__(self, *args, session: TrainingSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = session.materials.all()
