"""Deputies' suggestions (代表建议、批评和意见) and their handling.

The lifecycle 提出 → 审查 → 交办 → 督办 → 答复 → 满意度测评 → 办结 is one state machine in suggestions.workflow; these
models hold the state, and every transition leaves a Transition row. Glossary:
Suggestion 建议 · CoSigner 附议/联名代表 · Assignment 交办 (to one unit: 主办, 协办 or 分办) · Answer 答复 ·
Contact 见面沟通 · Rating 满意度测评 · Supervision 督办 · HandlingRequest 退回/延期申请 · FollowUp 跟踪落实.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Category(models.Model):
    """A suggestion category (e.g. 教育, 城乡建设), supervised by one special committee."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="suggestion_categories"
    )
    name = models.CharField("名称", max_length=30)
    committee = models.ForeignKey(
        "organization.SpecialCommittee",
        verbose_name="对口专门委员会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "建议分类"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Suggestion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审查"
        RETURNED = "returned", "退回修改"
        WITHDRAWN = "withdrawn", "已撤回"
        DECLINED = "declined", "不予立案"
        ACCEPTED = "accepted", "已立案"
        MERGED = "merged", "已并案"
        HANDLING = "handling", "办理中"
        ANSWERED = "answered", "已答复"
        RATED = "rated", "已测评"
        CLOSED = "closed", "已办结"

    TERMINAL_STATES = (State.WITHDRAWN, State.DECLINED, State.MERGED, State.CLOSED)

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="suggestions"
    )
    meeting = models.ForeignKey(
        "organization.Meeting",
        verbose_name="会议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text="空表示闭会期间提出",
    )
    # The year the number belongs to: the meeting's year, or for recess items the year of acceptance.
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, db_index=True)
    number = models.PositiveIntegerField("编号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    committee = models.ForeignKey(
        "organization.SpecialCommittee",
        verbose_name="对口专门委员会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    lead_deputy = models.ForeignKey(
        "deputies.Person", verbose_name="领衔代表", on_delete=models.PROTECT, related_name="led_suggestions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_items"
    )
    # 重点督办
    is_key = models.BooleanField("重点督办", default=False)
    key_leader = models.ForeignKey(
        "organization.CommitteeMember",
        verbose_name="领衔督办领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_suggestions",
    )
    key_committee = models.ForeignKey(
        "organization.SpecialCommittee",
        verbose_name="牵头专门委员会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_suggestions",
    )
    # 双公开
    disclose = models.BooleanField("可公开", default=True, help_text="涉及国家秘密、个人隐私等不宜公开的请取消")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    # B/C answers stay under follow-up until carried out (a closed item may keep this flag).
    follow_up_open = models.BooleanField("跟踪落实中", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("立案时间", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "代表建议"
        ordering = ["-year", "number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "meeting", "number"],
                condition=Q(meeting__isnull=False),
                name="%(app_label)s_%(class)s_unique_meeting_number",
            ),
            models.UniqueConstraint(
                fields=["congress", "year", "number"],
                condition=Q(meeting__isnull=True),
                name="%(app_label)s_%(class)s_unique_recess_number",
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "year", "state"]),
            # The lists' order (Meta.ordering): page 1 of a province's 300,000 items reads 20 index entries instead
            # of sorting a year's 30,000 rows (issue 9, B1).
            models.Index(fields=["-year", "number", "-id"], name="suggestion_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number_display} {self.title}" if self.number else self.title

    @property
    def name(self) -> str:
        return self.title

    @property
    def number_display(self) -> str:
        if not self.number:
            return ""
        return f"第{self.number}号" if self.meeting_id else f"闭会第{self.number}号"

    @property
    def is_recess(self) -> bool:
        return self.meeting_id is None


class CoSigner(models.Model):
    """A co-signing deputy (附议/联名代表), invited by the lead deputy; must confirm before submission."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    person = models.ForeignKey(
        "deputies.Person", verbose_name="代表", on_delete=models.PROTECT, related_name="cosigned_suggestions"
    )
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联名代表"
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "person"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return str(self.person_id)


class Assignment(models.Model):
    """One unit's part of handling a suggestion (交办): the lead unit (主办), a co-handler (协办), or one of
    several units each answering its part (分办). The government office (政府办) may relay its assignment to
    departments: the children point to it through `parent`."""

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "协办"
        SPLIT = "split", "分办"

    class State(models.TextChoices):
        PENDING_SIGN = "pending_sign", "待签收"
        HANDLING = "handling", "办理中"
        RETURN_REQUESTED = "return_requested", "申请退回"
        RETURNED = "returned", "已退回"
        RELAYED = "relayed", "已转办"
        ANSWERED = "answered", "已答复"
        CANCELLED = "cancelled", "已撤销"

    OPEN_STATES = (State.PENDING_SIGN, State.HANDLING, State.RETURN_REQUESTED)

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organization.HandlingUnit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("办理方式", max_length=8, choices=Role.choices)
    part = models.CharField("分办内容", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="转办自", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING_SIGN, db_index=True)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField("答复期限", db_index=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_deadline = models.DateField("申请退回截止", null=True, blank=True)
    opinion_due = models.DateField("协办意见期限", null=True, blank=True)
    opinion = models.TextField("协办意见", blank=True)
    opinion_at = models.DateTimeField("协办意见时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "交办"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["unit", "state", "due_date"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Answer(models.Model):
    """The answer letter (答复函) of one assignment in one round: drafted by unit staff, signed off by the unit
    head (审核签发), then sent. A follow-up answer (`is_final_follow_up`) closes a B/C item's follow-up."""

    class ResultClass(models.TextChoices):
        A = "A", "A 已解决或基本解决"
        B = "B", "B 正在解决或列入计划解决"
        C = "C", "C 因条件限制以后解决"
        D = "D", "D 留作参考"

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "待审核签发"
        REJECTED = "rejected", "退回修改"
        SENT = "sent", "已签发"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers")
    round = models.PositiveSmallIntegerField("轮次", default=1)
    is_final_follow_up = models.BooleanField("落实后最终答复", default=False)
    text = models.TextField("答复内容")
    letter = models.ForeignKey(
        "Attachment",
        verbose_name="答复函（盖章PDF）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result_class = models.CharField("办理结果", max_length=1, choices=ResultClass.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING_APPROVAL)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField("起草时间", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("签发时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["assignment_id", "round", "id"]
        constraints = [
            # One live answer per assignment, round and kind: a second concurrent answer fails here.
            models.UniqueConstraint(
                fields=["assignment", "round", "is_final_follow_up"],
                condition=~Q(status="rejected"),
                name="%(app_label)s_%(class)s_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} 第{self.round}轮 {self.result_class}"


class Contact(models.Model):
    """A meeting or contact with the lead deputy before answering (见面/沟通): the basis of 见面率."""

    class Form(models.TextChoices):
        MEETING = "meeting", "当面座谈"
        VISIT = "visit", "现场察看"
        PHONE = "phone", "电话沟通"
        VIDEO = "video", "视频会议"
        OTHER = "other", "其他"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField("日期")
    form = models.CharField("方式", max_length=10, choices=Form.choices)
    participants = models.CharField("参加人员", max_length=300)
    content = models.TextField("沟通情况", blank=True)
    evidence = models.ForeignKey(
        "Attachment", verbose_name="佐证材料", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "见面沟通"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_form_display()}"


class Rating(models.Model):
    """满意度测评 of one round, by the lead deputy or entered by staff from a third-party phone survey. A survey
    rating counts over the deputy's own where both exist (suggestions.stats)."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    class Source(models.TextChoices):
        DEPUTY = "deputy", "代表本人"
        SURVEY = "survey", "第三方电话测评"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField("轮次")
    value = models.CharField("测评结果", max_length=12, choices=Value.choices)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.DEPUTY)
    comment = models.TextField("意见", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField("测评时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评"
        ordering = ["suggestion_id", "round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round", "source"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return self.get_value_display()


class Supervision(models.Model):
    """A supervision record (督办): a meeting, a site visit, a reminder; for key items with committee members'
    scores of the unit's report (测评打分)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "督办会议"
        SITE_VISIT = "site_visit", "实地督办"
        REMINDER = "reminder", "催办"
        REPORT = "report", "听取汇报并测评"
        OTHER = "other", "其他"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    date = models.DateField("日期")
    notes = models.TextField("情况")
    committee = models.ForeignKey(
        "organization.SpecialCommittee",
        verbose_name="专门委员会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办记录"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class SupervisionScore(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(
        "organization.CommitteeMember", verbose_name="评分人", on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField("得分")

    class Meta:
        verbose_name = verbose_name_plural = "测评打分"
        constraints = [
            models.UniqueConstraint(fields=["supervision", "member"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(condition=Q(score__lte=100), name="%(app_label)s_%(class)s_max_100"),
        ]

    def __str__(self) -> str:
        return str(self.score)


class HandlingRequest(models.Model):
    """A unit's request to return a wrongly assigned item (申请退回) or for a longer deadline (申请延期),
    decided by office staff."""

    class Kind(models.TextChoices):
        RETURN = "return", "申请退回"
        EXTENSION = "extension", "申请延期"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    reason = models.TextField("理由")
    suggested_unit = models.CharField("建议承办单位", max_length=100, blank=True)
    requested_due = models.DateField("申请延至", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField("审批意见", max_length=300, blank=True)
    granted_due = models.DateField("批准期限", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "退回与延期申请"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"], condition=Q(status="pending"), name="%(app_label)s_%(class)s_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()}"


class FollowUp(models.Model):
    """Progress on a B/C answer until carried out (跟踪落实)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("日期")
    progress = models.TextField("落实进展")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "跟踪落实"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}"


class Transition(models.Model):
    """The timeline: every transition of a suggestion or of one of its assignments (who, when, from, to, note)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="transitions")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=60, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"suggestions/{instance.suggestion_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file of a suggestion (materials, answer letters, evidence). Served only through a permission check."""

    class Kind(models.TextChoices):
        MATERIAL = "material", "建议材料"
        ANSWER_LETTER = "answer_letter", "答复函"
        CONTACT_EVIDENCE = "contact_evidence", "沟通佐证"
        SUPERVISION = "supervision", "督办材料"
        OTHER = "other", "其他"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.MATERIAL)
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """The last number given per congress and meeting (or recess year). Taken under a row lock: no gaps, no
    duplicates when two staff accept at once."""

    congress = models.ForeignKey("organization.Congress", on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        "organization.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "meeting"],
                condition=Q(meeting__isnull=False),
                name="%(app_label)s_%(class)s_unique_meeting",
            ),
            models.UniqueConstraint(
                fields=["congress", "year"],
                condition=Q(meeting__isnull=True),
                name="%(app_label)s_%(class)s_unique_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.congress_id}/{self.meeting_id or self.year}: {self.last}"
