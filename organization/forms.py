"""Forms of the organisation pages. Model rules (dates inside the term, no overlapping meetings) live on the models
and run here through ModelForm validation and again in the services."""

from __future__ import annotations

from django import forms

from deputies.models import ActivityGroup

from .models import Area, CommitteeMember, HandlingUnit, Meeting, SpecialCommittee, Term


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["number", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}
        help_texts = {"number": "如第十八届填 18", "end": "下一届第一次会议召开前一日；可暂不填"}
        error_messages = {"number": {"unique": "该届次已存在。"}}

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.congress = congress

    def validate_unique(self):
        # The congress is not a form field, so check the (congress, number) rule here with a Chinese message.
        super().validate_unique()
        number = self.cleaned_data.get("number")
        others = Term.objects.filter(congress=self.instance.congress, number=number).exclude(pk=self.instance.pk)
        if number and others.exists():
            self.add_error("number", "本人大已有该届次。")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["number", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}
        help_texts = {"number": "如第三次会议填 3"}

    def __init__(self, *args, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.term = term

    def validate_unique(self):
        pass  # Meeting.clean says it in Chinese; the database constraint still holds.


class UnitForm(forms.ModelForm):
    class Meta:
        model = HandlingUnit
        fields = ["name", "kind", "head", "contact_person", "contact_phone", "is_active"]
        help_texts = {"head": "姓名及职务", "contact_phone": "座机或手机"}

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.congress = congress

    def validate_unique(self):
        name = self.cleaned_data.get("name")
        others = HandlingUnit.objects.filter(congress=self.instance.congress, name=name).exclude(pk=self.instance.pk)
        if name and others.exists():
            self.add_error("name", "已有同名的承办单位。")


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = SpecialCommittee
        fields = ["name", "fields"]
        help_texts = {"fields": "所联系的建议领域，用顿号分隔，如：教育、卫生健康"}

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.congress = congress

    def validate_unique(self):
        name = self.cleaned_data.get("name")
        others = SpecialCommittee.objects.filter(congress=self.instance.congress, name=name).exclude(
            pk=self.instance.pk
        )
        if name and others.exists():
            self.add_error("name", "已有同名的专门委员会。")


class MemberForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        label="联系的代表小组",
        queryset=ActivityGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="常委会组成人员联系代表小组，每年至少参加两次小组活动",
    )

    class Meta:
        model = CommitteeMember
        fields = ["name", "title", "is_leader"]

    def __init__(self, *args, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.congress = congress
        self.fields["groups"].queryset = ActivityGroup.objects.filter(congress=congress).order_by("id")
        if self.instance.pk:
            self.initial["groups"] = list(self.instance.groups.all())


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "code", "level", "parent", "is_street"]
        help_texts = {"code": "统计用区划代码，可不填", "is_street": "街道设人大工委，不设人民代表大会"}

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = True
        self.fields["level"].choices = [
            (value, label) for value, label in Area.Level.choices if value in (Area.Level.TOWNSHIP, Area.Level.VILLAGE)
        ]

    def clean(self):
        data = super().clean()
        parent, level = data.get("parent"), data.get("level")
        expected = {Area.Level.TOWNSHIP: Area.Level.COUNTY, Area.Level.VILLAGE: Area.Level.TOWNSHIP}
        if parent and level and parent.level != expected.get(level):
            self.add_error("parent", "上级区划的层级不对：乡镇（街道）属于县，村（社区）属于乡镇（街道）。")
        return data

    def validate_unique(self):
        name, parent = self.cleaned_data.get("name"), self.cleaned_data.get("parent")
        if name and parent and Area.objects.filter(parent=parent, name=name).exclude(pk=self.instance.pk).exists():
            self.add_error("name", "同一上级下已有同名区划。")
