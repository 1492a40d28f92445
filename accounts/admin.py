"""Django admin for logins and their roles (system administrators). Every save is kept in the audit history."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from core import audit, masking
from core.models import AuditEntry

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
