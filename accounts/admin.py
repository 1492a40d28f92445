"""Django admin for logins and their roles (system administrators). Every save is kept in the audit history; a
change of roles or of the superuser/staff flags is also a security event (accounts.services.record_privilege_change),
and deleting django-axes records (which unlocks a login, or removes login history) is audited too."""

import axes.admin as axes_admin  # registers the axes models first, so they can be replaced below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from core import audit, masking
from core.models import AuditEntry
from core.security_logging import scrub

from . import services
from .models import User, UserRole

MASKED = {"phone": masking.mask_phone}
NOT_AUDITED = {"password", "password1", "password2", "usable_password", "last_login"}


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1
    verbose_name = verbose_name_plural = "角色"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [UserRoleInline]
    list_display = ("username", "display_name", "congress", "unit", "role_text", "is_active", "must_change_password")
    list_filter = ("is_active", "roles__role", "congress")
    search_fields = ("username", "display_name", "phone", "email")
    list_select_related = ("congress", "unit")
    raw_id_fields = ("person",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "phone", "email")}),
        ("所属", {"fields": ("congress", "unit", "committee", "person")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password", "last_login")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "display_name", "congress", "password1", "password2")}),
    )
    readonly_fields = ("last_login",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="角色")
    def role_text(self, obj: User) -> str:
        return "、".join(obj.role_labels())

    def save_model(self, request, obj, form, change):
        # Read before the save: the roles and flags as they are in the database (none for a new login).
        request._privileges_before = services.privileges(User(pk=None) if not change else obj)
        super().save_model(request, obj, form, change)
        changes = {}
        for name in form.changed_data:
            if name in NOT_AUDITED:
                continue
            old, new = form.initial.get(name), form.cleaned_data.get(name)
            if name in MASKED:
                old, new = MASKED[name](old or ""), MASKED[name](new or "")
            changes[name] = [audit._plain(old), audit._plain(new)]
        # The admin's change view runs in one transaction, so the entry commits or rolls back with the change.
        action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
        audit.record(actor=request.user, action=action, obj=obj, changes=changes, note="后台修改账号")

    def save_formset(self, request, form, formset, change):
        before = sorted(form.instance.role_set) if change else []
        super().save_formset(request, form, formset, change)
        if formset.model is UserRole:
            form.instance._role_cache = None
            after = sorted(form.instance.roles.values_list("role", flat=True))
            if before != after:
                audit.record(actor=request.user, action=AuditEntry.Action.UPDATE, obj=form.instance,
                             changes={"roles": [before, after]}, note="后台修改角色")  # fmt: skip

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_privileges_before", None)
        if before is not None:
            services.record_privilege_change(
                actor=request.user,
                user=form.instance,
                before=before,
                after=services.privileges(form.instance),
                address=request.META.get("REMOTE_ADDR"),
                via="后台",
            )


def _axes_row(row) -> str:
    return f"{scrub(str(row.username or ''))[:60]} @ {row.ip_address or '-'}"


def _audit_axes_deletion(request, rows, what: str) -> None:
    for row in rows:
        if isinstance(row, AccessAttempt):
            locked = row.failures_since_start >= settings.AXES_FAILURE_LIMIT
            label = "后台删除登录尝试（解除登录锁定）" if locked else "后台删除登录尝试记录"
        else:
            label = f"后台删除{what}"
        audit.record(
            actor=request.user,
            action=AuditEntry.Action.SECURITY,
            note=f"{label}：{_axes_row(row)}",
            address=request.META.get("REMOTE_ADDR"),
        )


class AuditedAxesDeletion:
    """Deleting an axes row in the admin — one from its page, or many with the "delete selected" action — writes one
    security event per row in the same transaction (the product's own unlock page, accounts.views.lockouts, is
    audited the same way)."""

    axes_what = "登录记录"

    def delete_model(self, request, obj):
        with transaction.atomic():
            _audit_axes_deletion(request, [obj], self.axes_what)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            _audit_axes_deletion(request, list(queryset), self.axes_what)
            super().delete_queryset(request, queryset)


class AccessAttemptAdmin(AuditedAxesDeletion, axes_admin.AccessAttemptAdmin):
    axes_what = "登录尝试"

    @admin.action(description="清理过期的登录尝试")
    def cleanup_expired_attempts(self, request, queryset):
        with transaction.atomic():
            count = self.handler.clean_expired_user_attempts(request=request)
            if count:
                audit.record(
                    actor=request.user,
                    action=AuditEntry.Action.SECURITY,
                    note=f"后台清理过期登录尝试：{count} 条",
                    address=request.META.get("REMOTE_ADDR"),
                )
        self.message_user(request, f"已清理 {count} 条过期登录尝试。")


class AccessLogAdmin(AuditedAxesDeletion, axes_admin.AccessLogAdmin):
    axes_what = "登录日志"


class AccessFailureLogAdmin(AuditedAxesDeletion, axes_admin.AccessFailureLogAdmin):
    axes_what = "登录失败日志"


for _model, _admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
