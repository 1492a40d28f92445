"""Forms of the engagement pages. Choices of persons, groups, units and townships come from the user's scope."""

from __future__ import annotations

from django import forms

from deputies.permissions import visible_groups, visible_persons, visible_townships
from organization.models import CommitteeMember, HandlingUnit

from . import sources
from .models import Invitation, Notice, ReportRequest, Topic, Visit

DATE = forms.DateInput(attrs={"type": "date"})


def _units(user, congress):
    return HandlingUnit.objects.filter(congress=congress, is_active=True)


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, status_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if status_choices:
            self.fields["status"] = forms.ChoiceField(
                label="类别/状态", required=False, choices=[("", "全部"), *status_choices]
            )


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Notice.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea, required=False)
    attachment = forms.FileField(label="附件", required=False)
    important = forms.BooleanField(label="重要（统计未读）", required=False)
    reach = forms.ChoiceField(label="范围", choices=Notice.Reach.choices)
    townships = forms.ModelMultipleChoiceField(label="限定镇街", queryset=None, required=False)
    groups = forms.ModelMultipleChoiceField(
        label="限定代表小组", queryset=None, required=False, help_text="不选镇街和小组即发给范围内全体代表"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = visible_townships(user)
        self.fields["groups"].queryset = visible_groups(user)


class RoundForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200)
    period = forms.CharField(label="报告期", max_length=40)
    due_date = forms.DateField(label="报送截止日期", widget=DATE)
    instructions = forms.CharField(label="报告要求", widget=forms.Textarea, required=False)
    units = forms.ModelMultipleChoiceField(label="报送单位", queryset=None)

    def __init__(self, *args, user, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = _units(user, congress)


class SubmitReportForm(forms.Form):
    content = forms.CharField(label="报告摘要", widget=forms.Textarea, required=False)
    file = forms.FileField(label="报告文件", required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核", choices=[("accept", "采用"), ("return", "退回修改")])
    note = forms.CharField(label="意见", max_length=300, required=False)
    request_id = forms.ModelChoiceField(label="单位报告", queryset=ReportRequest.objects.none())


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=200)


class TopicForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Topic.Kind.choices)
    title = forms.CharField(label="课题", max_length=200)
    description = forms.CharField(label="说明", widget=forms.Textarea, required=False)
    due_date = forms.DateField(label="成果报送期限", widget=DATE, required=False)


class ClaimForm(forms.Form):
    group = forms.ModelChoiceField(label="代表小组", queryset=None, required=False)
    township = forms.ModelChoiceField(label="镇街", queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = visible_groups(user)
        self.fields["township"].queryset = visible_townships(user)


class CompleteClaimForm(forms.Form):
    result = forms.CharField(label="课题成果", widget=forms.Textarea)
    finished_on = forms.DateField(label="完成日期", widget=DATE)


class InvitationForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Invitation.Kind.choices)
    title = forms.CharField(label="活动名称", max_length=200)
    date = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=120, required=False)
    hours = forms.DecimalField(label="时长（小时）", max_digits=4, decimal_places=1, required=False)
    reply_by = forms.DateField(label="报名截止", widget=DATE, required=False)
    content = forms.CharField(label="活动安排", widget=forms.Textarea, required=False)
    groups = forms.ModelMultipleChoiceField(label="邀请代表小组", queryset=None, required=False)
    persons = forms.ModelMultipleChoiceField(label="邀请代表", queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = visible_groups(user)
        self.fields["persons"].queryset = visible_persons(user).order_by("name_initials")

    def clean(self):
        data = super().clean()
        if not data.get("groups") and not data.get("persons"):
            raise forms.ValidationError("请选择邀请的代表小组或代表。")
        return data


class SupervisorForm(forms.Form):
    person = forms.ModelChoiceField(label="代表", queryset=None)
    unit = forms.ModelChoiceField(label="聘任单位", queryset=None)
    start = forms.DateField(label="聘期开始", widget=DATE)
    end = forms.DateField(label="聘期结束", widget=DATE, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = visible_persons(user).order_by("name_initials")
        self.fields["unit"].queryset = _units(user, congress)


class VisitForm(forms.Form):
    member = forms.ModelChoiceField(label="常委会组成人员", queryset=None)
    date = forms.DateField(label="日期", widget=DATE)
    way = forms.ChoiceField(label="方式", choices=Visit.Way.choices)
    group = forms.ModelChoiceField(label="代表小组", queryset=None, required=False)
    persons = forms.ModelMultipleChoiceField(label="走访代表", queryset=None)
    content = forms.CharField(label="情况", widget=forms.Textarea, required=False)

    def __init__(self, *args, user, congress, **kwargs):
        super().__init__(*args, **kwargs)
        members = CommitteeMember.objects.filter(congress=congress)
        if not user.has_role("staff", "town_staff", "admin") and not user.is_superuser:
            members = members.filter(user=user)
        self.fields["member"].queryset = members
        self.fields["group"].queryset = visible_groups(user)
        self.fields["persons"].queryset = visible_persons(user).order_by("name_initials")


class ConsultationForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200)
    content = forms.CharField(label="意见内容", widget=forms.Textarea, required=False)
    source_kind = forms.ChoiceField(label="来源类别", choices=sources.CHOICES)
    source_id = forms.IntegerField(label="来源编号", required=False, help_text="接待登记、留言或建议的编号")
    source_label = forms.CharField(label="来源摘要", max_length=200, required=False)
    deputy = forms.ModelChoiceField(label="提出代表", queryset=None, required=False)
    units = forms.ModelMultipleChoiceField(label="会商单位", queryset=None)

    def __init__(self, *args, user, congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = visible_persons(user).order_by("name_initials")
        self.fields["units"].queryset = _units(user, congress)


class ConsultForm(forms.Form):
    meeting_date = forms.DateField(label="会商日期", widget=DATE)
    attendees = forms.CharField(label="参加人员", widget=forms.Textarea)
    agreed = forms.CharField(label="会商结果", widget=forms.Textarea)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="落实情况", widget=forms.Textarea)


class SpecialReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="正文", widget=forms.Textarea)


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label="来源类别", choices=sources.CHOICES)
    object_id = forms.IntegerField(label="来源编号", required=False)
    label = forms.CharField(label="摘要", max_length=200, required=False)


class SendForm(forms.Form):
    sent_to = forms.CharField(label="报送对象", max_length=200)


class InstructionForm(forms.Form):
    instructed_by = forms.CharField(label="批示领导", max_length=60)
    instruction = forms.CharField(label="批示内容", widget=forms.Textarea)


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label="落实情况", widget=forms.Textarea)


class DeclineForm(forms.Form):
    reason = forms.CharField(label="不能参加的原因", max_length=200)
