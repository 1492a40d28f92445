"""Annual reports: a ReportJob (报告生成任务) is one requested file, built by Celery; a YearSnapshot (年度数据冻结)
keeps the figures of an issued year so that later edits do not silently change a published report."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    SUGGESTIONS = "suggestions", "代表建议办理情况报告"
    DEPUTIES = "deputies", "代表工作情况报告"
    UNIT = "unit", "承办单位年度办理情况"
    DEPUTY = "deputy", "代表履职档案（一人一册）"


class Format(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class ReportJob(models.Model):
    """One report file asked for by a user (or by the January schedule), built by reports.tasks.build_report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    TERMINAL = (Status.DONE, Status.FAILED)

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="report_jobs"
    )
    kind = models.CharField("报告种类", max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        "organization.HandlingUnit",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "deputies.Person", verbose_name="代表", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField("参数", default=dict, blank=True)
    format = models.CharField("格式", max_length=4, choices=Format.choices, default=Format.PDF)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    title = models.CharField("标题", max_length=200, blank=True)
    error = models.TextField("失败原因", blank=True)
    file = models.FileField("文件", upload_to="reports/", max_length=200, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField("排队时间", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告生成任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.year}年{self.get_kind_display()}"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL

    @property
    def filename(self) -> str:
        subject = f"-{self.unit_id or self.person_id}" if (self.unit_id or self.person_id) else ""
        return f"report-{self.year}-{self.kind}{subject}-{self.pk}.{self.format}"


class YearSnapshot(models.Model):
    """The figures of one congress's year as issued (签发). For an issued year the dashboard, the stats API and the
    reports show these; `?live=1` shows the live ones with a flag saying whether they differ."""

    congress = models.ForeignKey(
        "organization.Congress", verbose_name="人大", on_delete=models.PROTECT, related_name="year_snapshots"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("报告种类", max_length=12, choices=Kind.choices[:2])
    figures = models.JSONField("冻结数据")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度数据冻结"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "kind"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}（已签发）"
