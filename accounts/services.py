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

from .models import ApiToken, User, UserRole

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
    return user


@transaction.atomic
def update_user(user: User, *, actor, data: dict, roles=None) -> User:
    """Change the given fields (and the roles when given). A call that changes nothing writes nothing."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_snapshot(user)
    _apply(user, data)
    user.save()
    if roles is not None:
        _set_roles(user, roles)
    changes = audit.diff(before, _user_snapshot(user), USER_MASKERS)
    if changes:
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=user, changes=changes)
        if "is_active" in changes and not user.is_active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user
