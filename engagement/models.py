"""The office's own work with deputies (知情知政, 参与常委会工作): notices with read receipts, department reports
(一府一委两院 periodic reports), work plans and claimed topics (认领课题), invitations with sign-up and attendance,
special supervisors (特邀监督员), visits by standing-committee members (走访), the 会商 list for recess opinions and
民意直通车 special reports. Attendance and claimed topics reach the archive through duties.services.record_duty."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notice(models.Model):
    """A notice or publication to deputies (通知、《人大工作》简报、学习资料). Published once to a target; each deputy
    reached gets a receipt row, so who has read it (and who has not) is counted from receipts."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "通知"
        BULLETIN = "bulletin", "工作简报"
        STUDY = "study", "学习资料"
        REPORTS = "reports", "部门工作报告汇编"

    class Reach(models.TextChoices):
        CONGRESS = "congress", "本级代表"
        SUBTREE = "subtree", "本级及下级代表"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    attachment = models.FileField("附件", upload_to="engagement/notices/%Y/", blank=True)
    important = models.BooleanField("重要（须阅读）", default=False)
    reach = models.CharField("范围", max_length=10, choices=Reach.choices, default=Reach.CONGRESS)
    target_townships = models.ManyToManyField(
        "organization.Area", verbose_name="限定镇街", blank=True, related_name="+"
    )
    target_groups = models.ManyToManyField(
        "deputies.ActivityGroup", verbose_name="限定代表小组", blank=True, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知与刊物"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One deputy reached by a notice, and when they read it (阅读回执)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey("deputies.Person", on_delete=models.CASCADE, related_name="notice_receipts")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "阅读回执"
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.person_id}"


class ReportRound(models.Model):
    """A round of periodic reports asked of departments (一府一委两院), e.g. 2026年上半年工作情况报告."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("名称", max_length=200)
    period = models.CharField("报告期", max_length=40, help_text="如 2026年上半年")
    instructions = models.TextField("报告要求", blank=True, help_text="工作情况、执法情况、办理代表建议情况等")
    due_date = models.DateField("报送截止日期")
    bundle = models.ForeignKey(
        Notice, verbose_name="汇编发送", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门工作报告"
        ordering = ["-due_date", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportRequest(models.Model):
    """One department's report in a round: asked, submitted by the department's login, accepted or returned."""

    class Status(models.TextChoices):
        PENDING = "pending", "待报送"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "退回修改"
        ACCEPTED = "accepted", "已采用"

    round = models.ForeignKey(ReportRound, verbose_name="报告轮次", on_delete=models.CASCADE, related_name="requests")
    unit = models.ForeignKey(
        "organization.HandlingUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="report_requests"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    content = models.TextField("报告摘要", blank=True)
    file = models.FileField("报告文件", upload_to="engagement/reports/%Y/", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门报告报送"
        ordering = ["round_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.round}：{self.unit}"


class WorkPlan(models.Model):
    """The standing committee's yearly work plan (监督、执法检查、调研工作计划)."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "工作计划"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    """A topic of a plan (课题) that townships or groups of deputies may claim (认领)."""

    class Kind(models.TextChoices):
        OVERSIGHT = "oversight", "监督"
        LAW_CHECK = "law_check", "执法检查"
        RESEARCH = "research", "调研"

    # The duty type a claimed topic puts in the members' archive.
    DUTY_TYPES = {"oversight": "inspection", "law_check": "inspection", "research": "research"}

    plan = models.ForeignKey(WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.RESEARCH)
    title = models.CharField("课题", max_length=200)
    description = models.TextField("说明", blank=True)
    committee = models.ForeignKey(
        "organization.SpecialCommittee", verbose_name="牵头委员会", null=True, blank=True, on_delete=models.SET_NULL
    )
    due_date = models.DateField("成果报送期限", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "课题"
        ordering = ["plan_id", "id"]

    def __str__(self) -> str:
        return self.title


class TopicClaim(models.Model):
    """A topic claimed by a group of deputies (or a township), with its written result."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", "已认领"
        DONE = "done", "已提交成果"

    topic = models.ForeignKey(Topic, verbose_name="课题", on_delete=models.CASCADE, related_name="claims")
    group = models.ForeignKey(
        "deputies.ActivityGroup", verbose_name="代表小组", null=True, blank=True, on_delete=models.PROTECT
    )
    township = models.ForeignKey(
        "organization.Area", verbose_name="镇街", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.CLAIMED)
    participants = models.ManyToManyField("deputies.Person", verbose_name="参加代表", blank=True, related_name="+")
    result = models.TextField("成果", blank=True)
    result_file = models.FileField("成果文件", upload_to="engagement/topics/%Y/", blank=True)
    finished_on = models.DateField("完成日期", null=True, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "课题认领"
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | Q(township__isnull=False), name="%(app_label)s_%(class)s_claimant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}（{self.group or self.township}）"


class Invitation(models.Model):
    """An invitation to deputies (视察、执法检查、调研、听证、列席常委会会议): sign-up, then checked attendance."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "视察"
        LAW_CHECK = "law_check", "执法检查"
        RESEARCH = "research", "调研"
        HEARING = "hearing", "听证"
        STANDING = "standing", "列席常委会会议"

    DUTY_TYPES = {
        "inspection": "inspection",
        "law_check": "inspection",
        "research": "research",
        "hearing": "other_meeting",
        "standing": "standing_meeting",
    }

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("活动名称", max_length=200)
    date = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=120, blank=True)
    hours = models.DecimalField("时长（小时）", max_digits=4, decimal_places=1, null=True, blank=True)
    reply_by = models.DateField("报名截止", null=True, blank=True)
    content = models.TextField("活动安排", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动邀请"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def source(self) -> str:
        return f"invitation:{self.pk}"


class InvitationReply(models.Model):
    """One invited deputy: their answer (报名/不参加) and whether they attended (checked by staff or the deputy)."""

    class Answer(models.TextChoices):
        PENDING = "pending", "未答复"
        ACCEPTED = "accepted", "报名参加"
        DECLINED = "declined", "不参加"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey("deputies.Person", on_delete=models.CASCADE, related_name="invitation_replies")
    answer = models.CharField("答复", max_length=10, choices=Answer.choices, default=Answer.PENDING)
    reason = models.CharField("不参加原因", max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField("出席", null=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "邀请答复"
        ordering = ["invitation_id", "id"]
        constraints = [models.UniqueConstraint(fields=["invitation", "person"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.person_id}"


class SpecialSupervisor(models.Model):
    """A deputy appointed special supervisor (特邀监督员) of a department, for a term."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organization.HandlingUnit", verbose_name="聘任单位", on_delete=models.PROTECT)
    start = models.DateField("聘期开始")
    end = models.DateField("聘期结束", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "特邀监督员"
        ordering = ["unit_id", "start"]

    def __str__(self) -> str:
        return f"{self.person}（{self.unit}特邀监督员）"


class Visit(models.Model):
    """A standing-committee member's visit to deputies or a group (走访/联系代表)."""

    class Way(models.TextChoices):
        HOME = "home", "走访"
        MEETING = "meeting", "座谈"
        PHONE = "phone", "电话联系"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "organization.CommitteeMember", verbose_name="常委会组成人员", on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField("日期", db_index=True)
    way = models.CharField("方式", max_length=10, choices=Way.choices, default=Way.HOME)
    group = models.ForeignKey(
        "deputies.ActivityGroup", verbose_name="代表小组", null=True, blank=True, on_delete=models.SET_NULL
    )
    persons = models.ManyToManyField("deputies.Person", verbose_name="走访代表", related_name="visits")
    content = models.TextField("情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "走访代表"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name} {self.date:%Y-%m-%d}"


class SourceLinkMixin(models.Model):
    """A link to an item another app keeps (a reception, a message, a suggestion), by kind and id, so this app
    does not depend on the others being installed. engagement.sources resolves it to a page."""

    source_kind = models.CharField("来源类别", max_length=20, blank=True)
    source_id = models.PositiveIntegerField("来源编号", null=True, blank=True)
    source_label = models.CharField("来源摘要", max_length=200, blank=True)

    class Meta:
        abstract = True


class ConsultationItem(SourceLinkMixin):
    """An item on the consultation list (会商清单) for recess opinions: the departments concerned meet with the
    office and deputies, agree a result, and the item is followed to completion (it may become a suggestion)."""

    class Status(models.TextChoices):
        LISTED = "listed", "列入清单"
        CONSULTED = "consulted", "已会商"
        DONE = "done", "已落实"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("事项", max_length=200)
    content = models.TextField("意见内容", blank=True)
    deputy = models.ForeignKey(
        "deputies.Person", verbose_name="提出代表", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    units = models.ManyToManyField("organization.HandlingUnit", verbose_name="会商单位", related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.LISTED)
    meeting_date = models.DateField("会商日期", null=True, blank=True)
    attendees = models.TextField("参加人员", blank=True)
    agreed = models.TextField("会商结果", blank=True)
    outcome = models.TextField("落实情况", blank=True)
    suggestion = models.ForeignKey(
        "suggestions.Suggestion", verbose_name="转为建议", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会商事项"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SpecialReport(models.Model):
    """A 民意直通车 special report: recurring concerns compiled for the county's leaders, numbered per year, with
    the items it draws on linked, the leaders' instructions (批示) and what followed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编写中"
        SENT = "sent", "已报送"
        INSTRUCTED = "instructed", "已批示"
        CLOSED = "closed", "已落实"

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("期号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("正文")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    sent_to = models.CharField("报送对象", max_length=200, blank=True)
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)
    instruction = models.TextField("领导批示", blank=True)
    instructed_by = models.CharField("批示领导", max_length=60, blank=True)
    follow_up = models.TextField("落实情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "民意直通车专报"
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "number"],
                condition=Q(number__isnull=False),
                name="%(app_label)s_%(class)s_unique_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"

    @property
    def label(self) -> str:
        return f"民意直通车{self.year}年第{self.number}期 " if self.number else "（未编号）"


class SpecialReportSource(SourceLinkMixin):
    """One item a special report draws on."""

    report = models.ForeignKey(SpecialReport, on_delete=models.CASCADE, related_name="sources")

    class Meta:
        verbose_name = verbose_name_plural = "专报来源"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "source_kind", "source_id"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self) -> str:
        return self.source_label
