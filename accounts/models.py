"""Users, their organisation and their roles. What a role may see is decided in accounts.scopes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计员"
    STAFF = "staff", "代表工委工作人员"
    LEADER = "leader", "主任会议成员"
    COMMITTEE = "committee", "专门委员会"
    UNIT_STAFF = "unit_staff", "承办单位经办人"
    UNIT_HEAD = "unit_head", "承办单位负责人"
    TOWN_STAFF = "town_staff", "乡镇（街道）人大工作人员"
    LIAISON = "liaison", "站点联络员"
    DEPUTY = "deputy", "人大代表"


# Roles that work for a congress's office and see its records.
OFFICE_ROLES = {Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF}
UNIT_ROLES = {Role.UNIT_STAFF, Role.UNIT_HEAD}


class User(AbstractUser):
    """A login. Belongs to one congress (its office), and where the role needs it to a unit, committee or person."""

    phone = models.CharField("手机号", max_length=20, null=True, blank=True, unique=True)
    display_name = models.CharField("姓名", max_length=30, blank=True)
    congress = models.ForeignKey(
        "organization.Congress",
        verbose_name="所属人大",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        "organization.HandlingUnit",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    committee = models.ForeignKey(
        "organization.SpecialCommittee",
        verbose_name="专门委员会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    person = models.OneToOneField(
        "deputies.Person", verbose_name="代表", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    mfa_reenrol = models.BooleanField(
        "须重新设置双因素认证", default=False, help_text="安全管理员重置第二因素后，下次登录须重新绑定"
    )

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # A new password (set_password before save) stamps its date and ends every API token of the account:
        # "logout everywhere" (sessions end through the session auth hash, which changes with the password).
        changed = self._password is not None
        if changed:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        existed = self.pk is not None and changed
        super().save(*args, **kwargs)
        if existed:
            self.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    @property
    def name(self) -> str:
        return str(self)

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, read once per request."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            elif hasattr(self, "_prefetched_objects_cache") and "roles" in self._prefetched_objects_cache:
                cached = frozenset(r.role for r in self.roles.all())
            else:
                cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_set)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class ApiToken(models.Model):
    """An API token. Only its SHA-256 digest is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class TOTPDevice(models.Model):
    """A second factor: an authenticator app's TOTP secret (RFC 6238), encrypted at rest like ID numbers."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField(default=0, help_text="最后一次使用的时间步，防止同一验证码重复使用")

    class Meta:
        verbose_name = verbose_name_plural = "双因素认证"

    def __str__(self) -> str:
        return f"{self.user} TOTP"


class RecoveryCode(models.Model):
    """A one-time recovery code for a lost phone; only its SHA-256 digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"

    def __str__(self) -> str:
        return f"{self.user} 恢复码"
