"""Training (培训): sessions (TrainingSession) over one or several days (TrainingDay), the invited deputies
(Enrolment — 参训名单, with leave 请假), check-ins per day (CheckIn — 签到), and the study-material library
(Material — 学习资料, MaterialHandout — 发放记录).

Late and absent are derived, never stored: late = checked in after the day's start plus TRAINING_LATE_GRACE_MINUTES;
absent = no check-in on a past day without approved leave. Approved leave never counts as absence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


def late_grace() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "TRAINING_LATE_GRACE_MINUTES", 15))


class Kind(models.TextChoices):
    INDUCTION = "induction", "初任培训"
    DUTY = "duty", "履职培训"
    TOPIC = "topic", "专题培训"


class TrainingSession(models.Model):
    """A training session (培训班) organised by a county or township congress.

    The target (参训对象) combines the levels, townships and groups with AND (an empty criterion does not restrict);
    hand-picked deputies are added to it. Only persons with an active seat are ever invited."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="主办人大", on_delete=models.PROTECT, related_name="training_sessions"
    )
    kind = models.CharField("培训类型", max_length=12, choices=Kind.choices)
    title = models.CharField("培训名称", max_length=120)
    lecturers = models.CharField("授课人", max_length=200, blank=True, help_text="多人用顿号分隔")
    planned_hours = models.DecimalField(
        "计划学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    description = models.TextField("培训内容", blank=True)
    target_levels = models.JSONField("参训代表层级", default=list, blank=True)
    target_townships = models.ManyToManyField(
        "organization.Area", verbose_name="参训镇街", blank=True, related_name="+"
    )
    target_groups = models.ManyToManyField(
        "deputies.ActivityGroup", verbose_name="参训代表小组", blank=True, related_name="training_sessions"
    )
    target_persons = models.ManyToManyField("deputies.Person", verbose_name="指定代表", blank=True, related_name="+")
    materials = models.ManyToManyField("Material", verbose_name="学习资料", blank=True, related_name="sessions")
    invited_at = models.DateTimeField("最近发送通知", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训班"
        ordering = ["-id"]
        indexes = [models.Index(fields=["congress", "kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:detail", args=[self.pk])

    def has_target(self) -> bool:
        return bool(self.target_levels) or any(
            m.exists() for m in (self.target_townships, self.target_groups, self.target_persons)
        )


class TrainingDay(models.Model):
    """One day of a session: date, time and place. Each day has its own check-in (and its own QR code)."""

    session = models.ForeignKey(TrainingSession, verbose_name="培训班", on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=120)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1, default=Decimal("0"))

    class Meta:
        verbose_name = verbose_name_plural = "培训日程"
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "date"], name="%(app_label)s_%(class)s_unique_date"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="%(app_label)s_%(class)s_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M} {self.place}"

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))

    def is_past(self, now: dt.datetime | None = None) -> bool:
        """The day is over: who has not checked in by now (and has no approved leave) is absent."""
        return (now or timezone.now()) >= self.ends_at


class Enrolment(models.Model):
    """A deputy on a session's list (参训名单): invited, then confirmed or asking for leave (请假) that staff decide.

    `outside_target` marks a deputy who was not in the target and checked in anyway (flagged for staff)."""

    class Status(models.TextChoices):
        INVITED = "invited", "已通知"
        CONFIRMED = "confirmed", "已确认参加"
        LEAVE_REQUESTED = "leave_requested", "请假待审批"
        LEAVE_APPROVED = "leave_approved", "已准假"
        LEAVE_REFUSED = "leave_refused", "未准假"

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训班", on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "deputies.Person", verbose_name="代表", on_delete=models.PROTECT, related_name="training_enrolments"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.INVITED)
    outside_target = models.BooleanField("非参训对象", default=False)
    invited_at = models.DateTimeField("通知时间", default=timezone.now)
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    leave_reason = models.CharField("请假事由", max_length=300, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leave_decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    leave_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参训名单"
        ordering = ["session_id", "person__name_initials", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="%(app_label)s_%(class)s_unique"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"

    @property
    def on_leave(self) -> bool:
        return self.status == self.Status.LEAVE_APPROVED


class CheckIn(models.Model):
    """A deputy's check-in (签到) on one day: by scanning the day's QR code or entered by staff with a reason."""

    class Method(models.TextChoices):
        QR = "qr", "扫码签到"
        MANUAL = "manual", "人工补签"

    enrolment = models.ForeignKey(Enrolment, verbose_name="参训记录", on_delete=models.CASCADE, related_name="checkins")
    day = models.ForeignKey(TrainingDay, verbose_name="培训日", on_delete=models.CASCADE, related_name="checkins")
    checked_at = models.DateTimeField("签到时间")
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    manual_reason = models.CharField("补签原因", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    flagged = models.BooleanField("需核实", default=False, help_text="非参训对象扫码签到")

    class Meta:
        verbose_name = verbose_name_plural = "签到记录"
        ordering = ["day_id", "checked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="%(app_label)s_%(class)s_unique"),
            models.CheckConstraint(
                condition=Q(method="qr") | ~Q(manual_reason=""), name="%(app_label)s_%(class)s_manual_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def is_late(self) -> bool:
        return self.checked_at > self.day.starts_at + late_grace()


class Material(models.Model):
    """An item of the study-material library (学习资料库) of a congress: a file, reusable across sessions."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="所属人大", on_delete=models.PROTECT, related_name="training_materials"
    )
    title = models.CharField("资料名称", max_length=120)
    description = models.CharField("说明", max_length=300, blank=True)
    file = models.FileField("文件", upload_to="training/materials/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "学习资料"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MaterialHandout(models.Model):
    """A record that a material was handed out to a deputy (发放登记), at a session or on its own."""

    material = models.ForeignKey(Material, verbose_name="资料", on_delete=models.PROTECT, related_name="handouts")
    person = models.ForeignKey("deputies.Person", verbose_name="代表", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TrainingSession,
        verbose_name="培训班",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handouts",
    )
    handed_at = models.DateTimeField("发放时间", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发放人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "资料发放记录"
        ordering = ["-handed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "person", "session"],
                name="%(app_label)s_%(class)s_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material} → {self.person}"
