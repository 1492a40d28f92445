"""The record of background work: one row per Celery task run, written by signal handlers (ops.signals)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaskRun(models.Model):
    """One run of a Celery task (a retry by Celery keeps the same task id and row; a retry from the page is a new
    row pointing at the run it repeats)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "已排队"
        STARTED = "started", "运行中"
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        RETRY = "retry", "等待重试"

    task_id = models.CharField("任务编号", max_length=64, unique=True)
    task_name = models.CharField("任务", max_length=200, db_index=True)
    args = models.JSONField("位置参数", default=list, blank=True)
    kwargs = models.JSONField("关键字参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.STARTED)
    error_type = models.CharField("错误类型", max_length=200, blank=True)
    error = models.TextField("错误信息", blank=True)
    started_at = models.DateTimeField("开始时间", db_index=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    retry_of = models.ForeignKey(
        "self", verbose_name="重试自", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    retried_at = models.DateTimeField("已重试时间", null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="重试人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "后台任务运行记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["task_name", "-started_at"], name="ops_taskrun_name_started")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.get_status_display()}"

    @property
    def plain_error(self) -> str:
        from .errors import explain

        return explain(self.error_type, self.error)
