"""Platform services shared by every app: the audit history, notifications and the office's holiday table."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change to a record or one security event, written in the same transaction as the change.
    Personal data is masked in `changes` before it is stored. Append-only: on PostgreSQL a trigger refuses
    UPDATE and DELETE (migration core 0002); only `manage.py purge_audit` removes rows past AUDIT_RETENTION_DAYS."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "流转"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        SECURITY = "security", "安全事件"
        VIEW_PERSONAL = "view_personal", "查看个人信息"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=60, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    address = models.GenericIPAddressField("地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"


class Notification(models.Model):
    """An in-app notification. `key` (event, recipient, round/threshold) makes it unique: it is created once,
    however often the task that raises it runs."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField("事件", max_length=60)
    key = models.CharField("去重键", max_length=200, unique=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """The outbox: one row per notification and outside channel (email, SMS). Sent by a task that can run twice:
    a row is claimed under a lock and marked sent in the same transaction as the send is recorded."""

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无联系方式"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知投递"
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="%(app_label)s_%(class)s_unique"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_status_display()}"


class Holiday(models.Model):
    """The office's own holiday table (法定节假日与调休), for years the chinese-calendar library does not know
    or to correct it. A row marks one date as a holiday (is_workday False) or a make-up working day (True)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("调休上班", default=False)
    name = models.CharField("名称", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name} {'上班' if self.is_workday else '放假'}"
