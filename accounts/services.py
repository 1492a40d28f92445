"""Changes to logins: API tokens, users and their roles. Each function is atomic and writes its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, masking
from core.models import AuditEntry
from core.security_logging import scrub

from .models import ApiToken, Role, User, UserRole

USER_FIELDS = (
    "username",
    "display_name",
    "phone",
    "email",
    "congress",
    "unit",
    "committee",
    "person",
    "is_active",
)
USER_MASKERS = {"phone": masking.mask_phone}


PRIVILEGE_FLAGS = {"is_superuser": "超级用户", "is_staff": "后台登录"}


def privileges(user: User) -> dict:
    """What a login is allowed to be: its roles and the superuser/staff flags, as read from the database."""
    if user.pk is None:
        return {"roles": [], "is_superuser": False, "is_staff": False}
    row = User.objects.filter(pk=user.pk).values("is_superuser", "is_staff").get()
    return {"roles": sorted(UserRole.objects.filter(user_id=user.pk).values_list("role", flat=True)), **row}


def _role_names(roles) -> str:
    return "、".join(Role(r).label if r in Role.values else r for r in roles)


def record_privilege_change(*, actor, user: User, before: dict, after: dict, address: str | None = None, via: str = ""):
    """A security event for a change of roles or of the superuser/staff flags: who (actor), when (the entry's
    time), what (granted and removed roles, flags before and after) and whose login (the object, its username in
    the note so the auditor finds it by searching). Nothing changed: nothing written. Call inside the change's
    transaction."""
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if not changes:
        return None
    parts = []
    granted = sorted(set(after.get("roles", [])) - set(before.get("roles", [])))
    removed = sorted(set(before.get("roles", [])) - set(after.get("roles", [])))
    if granted:
        parts.append(f"授予{_role_names(granted)}")
    if removed:
        parts.append(f"撤销{_role_names(removed)}")
    for flag, label in PRIVILEGE_FLAGS.items():
        if flag in changes:
            parts.append(f"{label}{'是' if before.get(flag) else '否'}→{'是' if after[flag] else '否'}")
    name = scrub(user.username)  # a login by phone number: masked like everywhere in the audit log
    note = f"权限变更（{via}）：{name}：" if via else f"权限变更：{name}："
    return audit.record(
        actor=actor,
        action=AuditEntry.Action.SECURITY,
        obj=user,
        changes=changes,
        note=note + "；".join(parts),
        address=address,
    )


def token_digest(key: str) -> str:
    """The SHA-256 digest under which a token is stored (the key itself is shown once and never kept)."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(user: User, *, actor=None, address: str | None = None) -> tuple[str, ApiToken]:
    """A new token for `user`, valid for API_TOKEN_TTL_HOURS. Returns the key (shown once) and the stored row."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(key),
        expires_at=timezone.now() + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    audit.record(actor=actor or user, action=AuditEntry.Action.LOGIN, obj=user, note="API 令牌登录", address=address)
    return key, token


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> None:
    """Revoke a token; revoking it twice changes nothing."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if changed:
        audit.record(actor=actor, action=AuditEntry.Action.SECURITY, obj=token.user, note="撤销 API 令牌")


def _user_snapshot(user: User) -> dict:
    data = audit.snapshot(user, USER_FIELDS)
    data["roles"] = sorted(user.roles.values_list("role", flat=True)) if user.pk else []
    return data


def _apply(user: User, data: dict) -> None:
    for name, value in data.items():
        if name not in USER_FIELDS:
            raise ValueError(f"unknown user field {name}")
        setattr(user, name, value)
    if user.phone == "":
        user.phone = None
    clash = User.objects.exclude(pk=user.pk)
    if clash.filter(username=user.username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    if user.phone and clash.filter(phone=user.phone).exists():
        raise ValidationError({"phone": "该手机号已被其他账号使用"})


def _set_roles(user: User, roles) -> None:
    roles = set(roles)
    user.roles.exclude(role__in=roles).delete()
    existing = set(user.roles.values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles - existing)])
    user._role_cache = None


@transaction.atomic
def create_user(*, actor, data: dict, roles=(), password: str = "") -> User:
    """A new login. Without a password it cannot log in until one is set; with one, it must be changed first."""
    user = User()
    before = privileges(user)
    _apply(user, data)
    user._role_cache = frozenset(roles)  # the password rule depends on the role (accounts.passwords)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.must_change_password = True
    else:
        user.set_unusable_password()
    user.save()
    user._role_cache = None
    _set_roles(user, roles)
    changes = audit.diff({}, _user_snapshot(user), USER_MASKERS)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=user, changes=changes)
    record_privilege_change(actor=actor, user=user, before=before, after=privileges(user), via="新建账号")
    return user


@transaction.atomic
def update_user(user: User, *, actor, data: dict, roles=None) -> User:
    """Change the given fields (and the roles when given). A call that changes nothing writes nothing."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_snapshot(user)
    granted_before = privileges(user)
    _apply(user, data)
    user.save()
    if roles is not None:
        _set_roles(user, roles)
        record_privilege_change(actor=actor, user=user, before=granted_before, after=privileges(user), via="账号管理")
    changes = audit.diff(before, _user_snapshot(user), USER_MASKERS)
    if changes:
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=user, changes=changes)
        if "is_active" in changes and not user.is_active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user
