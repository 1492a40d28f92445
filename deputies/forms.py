"""Staff forms for the roster. They only collect and shape input; the rules live in deputies.services."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts.models import Role, User
from accounts.scopes import ALL, congress_in, managed_congresses, office_congress_ids
from core import idcard
from organization.models import CommitteeMember, Term

from . import permissions
from .filters import PARTIES
from .importing import MAX_BYTES
from .models import ActivityGroup, Person, Seat

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y年%m月", "%Y.%m", "%Y/%m"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    birth_month = forms.DateField(
        label="出生年月", required=False, input_formats=MONTH_FORMATS, widget=MonthInput, help_text="如 1975-03"
    )
    party = forms.ChoiceField(label="党派", required=False, choices=[("", "—")] + [(p, p) for p in PARTIES])

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_month",
            "party",
            "religion",
            "education",
            "workplace",
            "composition",
            "township",
            "phone",
            "id_number",
            "address",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = permissions.visible_townships(user).order_by("code", "pk")
        # The office's scope follows a deputy's township until a seat is recorded, so it is needed from the start.
        self.fields["township"].required = True
        self.fields["township"].help_text = "代表所在或所属的镇（街道）"
        if self.instance.pk:
            self.initial["id_number"] = self.instance.id_number
            party = self.instance.party
            if party and party not in PARTIES:
                self.fields["party"].choices = [*self.fields["party"].choices, (party, party)]

    def clean_id_number(self):
        value = idcard.normalise(self.cleaned_data.get("id_number", ""))
        if value:
            message = idcard.validate(value)
            if message:
                raise forms.ValidationError(message)
        return value

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not all(c.isdigit() or c in "-+ " for c in phone):
            raise forms.ValidationError("联系电话只能包含数字和“-”")
        return phone

    def clean(self):
        data = super().clean()
        number, birth, gender = data.get("id_number"), data.get("birth_month"), data.get("gender")
        if number and not self.errors.get("id_number"):
            if birth and birth.replace(day=1) != idcard.birth_date(number).replace(day=1):
                self.add_error("birth_month", "出生年月与身份证号不一致")
            if gender and gender != idcard.gender(number):
                self.add_error("gender", "性别与身份证号不一致")
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["congress", "term", "district", "delegation", "start", "end", "status", "status_reason"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        congresses = permissions.seat_congresses(user)
        self.fields["congress"].queryset = congresses
        self.fields["term"].queryset = Term.objects.filter(congress__in=congresses).select_related("congress")
        self.fields["term"].label_from_instance = lambda t: f"{t.congress} {t}"
        self.fields["delegation"].queryset = permissions.visible_townships(user)

    def clean(self):
        data = super().clean()
        congress, term = data.get("congress"), data.get("term")
        if congress and term and term.congress_id != congress.pk:
            self.add_error("term", "所选届次不属于该人大")
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GroupForm(forms.ModelForm):
    linked_members = forms.ModelMultipleChoiceField(
        label="联系的常委会组成人员",
        queryset=CommitteeMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ActivityGroup
        fields = ["congress", "name", "kind", "area", "sector", "convener", "liaison", "liaison_user"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        congresses = managed_congresses(user)
        self.fields["congress"].queryset = congresses
        if self.instance.pk is None and user.congress_id:
            self.initial.setdefault("congress", user.congress_id)
        self.fields["area"].queryset = permissions.visible_townships(user)
        persons = permissions.visible_persons(user).select_related("township")
        self.fields["convener"].queryset = persons
        self.fields["liaison"].queryset = persons
        liaisons = User.objects.filter(roles__role=Role.LIAISON, is_active=True)
        scope = office_congress_ids(user)
        if scope is not ALL:
            liaisons = liaisons.filter(congress_in(scope))
        self.fields["liaison_user"].queryset = liaisons.distinct()
        self.fields["linked_members"].queryset = CommitteeMember.objects.filter(congress__in=congresses)
        if self.instance.pk:
            self.initial["linked_members"] = list(self.instance.linked_members.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        congress, name = data.get("congress"), data.get("name")
        if congress and name:
            clash = ActivityGroup.objects.filter(congress=congress, name=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", "本级人大已有同名的代表小组")
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(label="代表", queryset=Person.objects.none())
    joined = forms.DateField(label="加入日期", initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            permissions.visible_persons(user).exclude(memberships__group=group).select_related("township")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.township or '—'}）"


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
    congress = forms.ModelChoiceField(label="导入到", queryset=None, help_text="“县”级代表计入此人大")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = managed_congresses(user)
        if user.congress_id:
            self.initial["congress"] = user.congress_id

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(f"文件过大（{f.size / 1024 / 1024:.1f} MB），不能超过 5 MB，请分批导入。")
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）。")
        return f
