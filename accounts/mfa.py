"""The second factor: TOTP (authenticator app) with one-time recovery codes.

Available to every account; required for the roles in MFA_REQUIRED_ROLES (production default: admin, secadmin,
staff — 等保 level 3 asks two factors of administrators). A required user without a device is sent to the setup page
after the password (accounts.middleware.AccountGateMiddleware) and can do nothing else until it is set up.
"""

from __future__ import annotations

import hashlib
import secrets

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import audit, crypto
from core.models import AuditEntry
from core.security_logging import scrub

from .models import RecoveryCode, TOTPDevice, User

ISSUER = "人大代表工作平台"
RECOVERY_CODES = 10
VALID_WINDOW = 1  # accept the previous and the next 30-second step (clock drift)


def required(user) -> bool:
    if getattr(user, "mfa_reenrol", False):
        return True  # reset by a security administrator: enrol again whatever the role
    roles = set(settings.MFA_REQUIRED_ROLES)
    return bool(roles) and (bool(user.role_set & roles) or (user.is_superuser and "admin" in roles))


def device(user) -> TOTPDevice | None:
    try:
        dev = user.totp
    except TOTPDevice.DoesNotExist:
        return None
    return dev


def enabled(user) -> bool:
    dev = device(user)
    return dev is not None and dev.confirmed_at is not None


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


@transaction.atomic
def start_setup(user: User) -> str:
    """A new (unconfirmed) secret for `user`; returns it. An enabled device is kept until the new one is confirmed."""
    dev = device(user)
    if dev is not None and dev.confirmed_at is not None:
        raise ValueError("已启用双因素认证")
    secret = pyotp.random_base32()
    TOTPDevice.objects.update_or_create(user=user, defaults={"secret_encrypted": crypto.encrypt(secret)})
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def pending_secret(user: User) -> str:
    dev = device(user)
    return crypto.decrypt(dev.secret_encrypted) if dev is not None else ""


def _check_totp(dev: TOTPDevice, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(crypto.decrypt(dev.secret_encrypted))
    now = timezone.now().timestamp()
    step = int(now // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = step + offset
        if candidate <= dev.last_step:
            continue  # a code used once cannot be replayed
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            TOTPDevice.objects.filter(pk=dev.pk).update(last_step=candidate)
            dev.last_step = candidate
            return True
    return False


@transaction.atomic
def confirm_setup(user: User, code: str, *, address: str | None = None) -> list[str] | None:
    """Enable the pending device if `code` matches; returns the new recovery codes (shown once), or None."""
    dev = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if dev is None or not _check_totp(dev, code):
        return None
    dev.confirmed_at = timezone.now()
    dev.save(update_fields=["confirmed_at"])
    if user.mfa_reenrol:
        User.objects.filter(pk=user.pk).update(mfa_reenrol=False)
        user.mfa_reenrol = False
    codes = new_recovery_codes(user)
    audit.record(actor=user, action=AuditEntry.Action.SECURITY, obj=user, note="启用双因素认证", address=address)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


@transaction.atomic
def verify(user: User, code: str, *, address: str | None = None) -> bool:
    """A TOTP code or an unused recovery code (which is then spent). Failures are audited."""
    dev = TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    ok = False
    note = "双因素认证"
    if dev is not None and code:
        ok = _check_totp(dev, code)
        if not ok:
            spent = RecoveryCode.objects.filter(user=user, digest=_digest(code), used_at__isnull=True).update(
                used_at=timezone.now()
            )
            ok = bool(spent)
            note = "使用恢复码登录"
    if ok:
        if note != "双因素认证":
            audit.record(actor=user, action=AuditEntry.Action.SECURITY, obj=user, note=note, address=address)
    else:
        audit.record(
            actor=user, action=AuditEntry.Action.LOGIN_FAILED, obj=user, note="动态验证码错误", address=address
        )
    return ok


@transaction.atomic
def disable(user: User, *, actor, address: str | None = None) -> None:
    """Remove the second factor (the user themself, or a security administrator for a lost phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor=actor, action=AuditEntry.Action.SECURITY, obj=user, note="停用双因素认证", address=address)


def end_sessions(user: User) -> int:
    """End every web session of `user` (sessions live in the database); returns how many."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    ended = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if s.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def reset(user: User, *, actor, reason: str, address: str | None = None) -> None:
    """A lost or replaced phone: a security administrator removes the user's second factor. The recovery codes go
    with it, the user's sessions and API tokens end (the lost phone may still be logged in), and the user must
    enrol a new authenticator at the next login (mfa_reenrol), whatever their role. A security event."""
    from .models import ApiToken

    user = User.objects.select_for_update().get(pk=user.pk)
    had_device = TOTPDevice.objects.filter(user=user).delete()[0] > 0
    codes = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    RecoveryCode.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(mfa_reenrol=True)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    sessions = end_sessions(user)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.SECURITY,
        obj=user,
        changes={"mfa": ["已启用" if had_device else "未启用", "已重置"], "recovery_codes_unused": [codes, 0]},
        note=f"重置双因素认证：{scrub(user.username)}；原因：{reason}；结束会话 {sessions} 个、令牌 {tokens} 个",
        address=address,
    )
