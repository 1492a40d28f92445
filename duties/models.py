"""The duty archive (履职档案): duty records (DutyRecord — 履职记录) of every type, meeting attendance
(MeetingAttendance — 出席/请假/缺席), reports to voters (VoterReport — 述职), and the annual assessment
(AssessmentRuleSet — 考核办法, Score — 考核结果, Interview — 约谈).

Every other app writes duty records through duties.services.record_duty, keyed by a `source` ("training:12",
"suggestion:34", …), so the same duty is recorded once whoever records it first.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class DutyType(models.Model):
    """A kind of duty (出席人代会, 接待选民 …). Seeded by a data migration; the office may rename or add types."""

    # Codes the system itself relies on (norm checks, attendance, 述职).
    CONGRESS_SESSION = "congress_session"
    STANDING_MEETING = "standing_meeting"
    TRAINING = "training"
    PROPOSAL = "proposal"
    RECEPTION = "reception"
    VOTER_CONTACT = "voter_contact"
    VOTER_REPORT = "voter_report"
    # 联系选民 + 接待选民 count as voter contacts (norm: ≥ 10 a year).
    VOTER_CONTACT_CODES = (RECEPTION, VOTER_CONTACT)

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # Types a deputy may log on the phone; meeting attendance comes from staff records instead.
    self_reported = models.BooleanField("代表可自行记录", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "履职类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class DutyRecord(models.Model):
    """One duty done by one deputy. A deputy logs it (draft → submitted), the group liaison or the township/office
    staff verify it or return it with a reason; records from other apps arrive verified."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        VERIFIED = "verified", "已审核"
        RETURNED = "returned", "已退回"

    EDITABLE_STATES = (Status.DRAFT, Status.RETURNED)
    MANUAL = "manual"

    person = models.ForeignKey(
        "deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="duty_records"
    )
    type = models.ForeignKey(DutyType, verbose_name="履职类型", on_delete=models.PROTECT, related_name="records")
    date = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=120, blank=True)
    title = models.CharField("事项", max_length=200)
    content = models.TextField("履职情况", blank=True)
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True)
    co_participants = models.ManyToManyField(
        "deputies.Person", verbose_name="共同参加的代表", blank=True, related_name="shared_duty_records"
    )
    # A group activity (代表小组活动): counted for the group's norm (≥ 2 a year).
    group = models.ForeignKey(
        "deputies.ActivityGroup",
        verbose_name="代表小组活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_records",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField("审核时间", null=True, blank=True)
    source = models.CharField("来源", max_length=60, default=MANUAL, help_text="manual 或 training:12 等")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "履职记录"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source"], condition=~Q(source="manual"), name="%(app_label)s_%(class)s_unique_source"
            ),
        ]
        indexes = [models.Index(fields=["person", "status", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    @property
    def source_label(self) -> str:
        kind = self.source.split(":", 1)[0]
        return SOURCE_LABELS.get(kind, kind)


SOURCE_LABELS = {
    "manual": "代表自报/人工录入",
    "training": "培训签到",
    "suggestion": "代表建议",
    "station_duty": "站点值班",
    "attendance": "会议考勤",
    "voter_report": "述职记录",
    "invitation": "邀请参加活动",
    "demo": "演示数据",
}


def photo_path(instance, filename: str) -> str:
    return f"duties/photos/{instance.record.date:%Y}/{instance.record_id}-{filename}"


class DutyPhoto(models.Model):
    """A photo of a duty, re-encoded on upload (JPEG, ≤ 1600 px, no EXIF: no location or camera data kept)."""

    record = models.ForeignKey(DutyRecord, verbose_name="履职记录", on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "履职照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class StandingMeeting(models.Model):
    """A meeting of the standing committee (常委会会议) that deputies attend as non-voting guests (列席)."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="standing_meetings"
    )
    date = models.DateField("日期")
    title = models.CharField("会议名称", max_length=120, help_text="如：县十八届人大常委会第二十次会议")

    class Meta:
        verbose_name = verbose_name_plural = "常委会会议"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendance(models.Model):
    """A deputy's attendance at a congress session or a standing-committee meeting, recorded by staff."""

    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "缺席"

    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        "organization.Meeting",
        verbose_name="代表大会会议",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    standing_meeting = models.ForeignKey(
        StandingMeeting,
        verbose_name="常委会会议",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField("出席情况", max_length=10, choices=Status.choices)
    leave_half_days = models.PositiveSmallIntegerField("请假（半天）", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议考勤"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, standing_meeting__isnull=True)
                | Q(meeting__isnull=True, standing_meeting__isnull=False),
                name="%(app_label)s_%(class)s_one_meeting",
            ),
            models.UniqueConstraint(
                fields=["person", "meeting"],
                condition=Q(meeting__isnull=False),
                name="%(app_label)s_%(class)s_unique_meeting",
            ),
            models.UniqueConstraint(
                fields=["person", "standing_meeting"],
                condition=Q(standing_meeting__isnull=False),
                name="%(app_label)s_%(class)s_unique_standing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_status_display()}"

    @property
    def meeting_label(self) -> str:
        return str(self.meeting) if self.meeting_id else str(self.standing_meeting)

    @property
    def date(self):
        return self.meeting.start if self.meeting_id else self.standing_meeting.date


def report_path(instance, filename: str) -> str:
    return f"duties/reports/{instance.date:%Y}/{instance.person_id}-{filename}"


class VoterReport(models.Model):
    """A report to voters (向选民述职): the meeting, voters present, the on-the-spot rating, the written report."""

    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    date = models.DateField("述职日期")
    place = models.CharField("地点", max_length=120)
    voters_present = models.PositiveIntegerField("到会选民（人）")
    satisfied = models.PositiveIntegerField("满意（票）", default=0)
    basically_satisfied = models.PositiveIntegerField("基本满意（票）", default=0)
    unsatisfied = models.PositiveIntegerField("不满意（票）", default=0)
    report_file = models.FileField("书面述职报告", upload_to=report_path, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "向选民述职"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 述职"

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(满意 + 基本满意) ÷ votes cast, in per cent."""
        if not self.rated:
            return None
        return (Decimal(self.satisfied + self.basically_satisfied) * 100 / self.rated).quantize(Decimal("0.1"))


class Band(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    POOR = "poor", "差"


class AssessmentRuleSet(models.Model):
    """The office's assessment rules (履职考核办法) for one year: a base, items, and the band thresholds."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="assessment_rules"
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=60, default="代表履职考核办法")
    base_points = models.DecimalField("基础分", max_digits=6, decimal_places=1, default=Decimal("50"))
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=1, default=Decimal("100"))
    good_threshold = models.DecimalField("“好”不低于", max_digits=6, decimal_places=1, default=Decimal("80"))
    fair_threshold = models.DecimalField("“较好”不低于", max_digits=6, decimal_places=1, default=Decimal("60"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核办法"
        ordering = ["-year", "congress_id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year"], name="%(app_label)s_%(class)s_unique_year"),
            models.CheckConstraint(
                condition=Q(good_threshold__gte=models.F("fair_threshold")),
                name="%(app_label)s_%(class)s_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    def band_for(self, points: Decimal) -> str:
        if points >= self.good_threshold:
            return Band.GOOD
        if points >= self.fair_threshold:
            return Band.FAIR
        return Band.POOR


class AssessmentItem(models.Model):
    """One scoring item: a duty type, or a special source (请假半天, 缺席, 领衔建议); points per occurrence (negative
    for a deduction) and a cap per year on the item's total (in absolute value)."""

    class Special(models.TextChoices):
        LEAVE_HALF_DAY = "leave_half_day", "代表大会请假（每半天）"
        ABSENT = "absent", "无故缺席会议（每次）"
        SUGGESTION = "suggestion", "领衔提出建议（每件，取自建议办理）"
        COSIGNED = "cosigned", "附议建议（每件，取自建议办理）"

    rule_set = models.ForeignKey(AssessmentRuleSet, on_delete=models.CASCADE, related_name="items")
    duty_type = models.ForeignKey(
        DutyType, verbose_name="履职类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    special = models.CharField("特殊项目", max_length=20, choices=Special.choices, blank=True)
    points = models.DecimalField("每次分值", max_digits=5, decimal_places=1, help_text="扣分项填负数")
    cap = models.DecimalField(
        "年度上限",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="本项累计加（扣）分最多多少，空为不限",
    )

    class Meta:
        verbose_name = verbose_name_plural = "考核项目"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(duty_type__isnull=False) & Q(special="")) | (Q(duty_type__isnull=True) & ~Q(special="")),
                name="%(app_label)s_%(class)s_type_or_special",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return f"type:{self.duty_type_id}" if self.duty_type_id else self.special

    @property
    def label(self) -> str:
        return self.duty_type.name if self.duty_type_id else self.get_special_display()


class Score(models.Model):
    """A deputy's assessment result for one year under one congress's rules. Recomputed by
    duties.assessment.recompute_* whenever the records behind it change; `breakdown` explains every point."""

    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    rule_set = models.ForeignKey(
        AssessmentRuleSet, verbose_name="考核办法", on_delete=models.CASCADE, related_name="scores"
    )
    year = models.PositiveSmallIntegerField("年度")
    points = models.DecimalField("得分", max_digits=6, decimal_places=1)
    band = models.CharField("等次", max_length=6, choices=Band.choices)
    breakdown = models.JSONField("明细", default=list)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["person__name_initials", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "rule_set"], name="%(app_label)s_%(class)s_unique"),
        ]
        indexes = [models.Index(fields=["year", "band"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_band_display()}"


class Interview(models.Model):
    """An interview (约谈) with a deputy whose assessment fell below the line."""

    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    date = models.DateField("约谈日期")
    interviewers = models.CharField("约谈人", max_length=120)
    outcome = models.TextField("约谈情况及结果")
    advised_resignation = models.BooleanField("劝辞", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "约谈记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 约谈"
