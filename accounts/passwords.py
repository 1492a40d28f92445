"""Password rules (等保 2.0 身份鉴别): length and character classes by role, expiry, forced change.

Staff, unit and administrator accounts need at least 12 characters from 3 of the 4 classes (upper, lower, digit,
symbol); a deputy's phone login needs at least 8. A user whose roles are not yet known counts as staff (strict).
Passwords of every account except deputies' and liaisons' expire after PASSWORD_MAX_AGE_DAYS.
"""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Role

LENIENT_ROLES = {Role.DEPUTY, Role.LIAISON}


def is_lenient(user) -> bool:
    """Deputies (and station liaisons, who are deputies) log in on their phones with the shorter rule."""
    if user is None:
        return False
    roles = getattr(user, "_role_cache", None)
    if roles is None:
        roles = user.role_set if getattr(user, "pk", None) else frozenset()
    return bool(roles) and set(roles) <= LENIENT_ROLES


def classes(password: str) -> int:
    kinds = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() or c in string.punctuation for c in password),
    ]
    return sum(kinds)


class RolePasswordValidator:
    """≥ 12 characters and 3 of 4 classes for staff, units and administrators; ≥ 8 for deputies."""

    def __init__(self, staff_min_length: int = 12, deputy_min_length: int = 8, min_classes: int = 3):
        self.staff_min_length = staff_min_length
        self.deputy_min_length = deputy_min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if is_lenient(user):
            if len(password) < self.deputy_min_length:
                raise ValidationError(f"密码至少{self.deputy_min_length}位。", code="password_too_short")
            return
        errors = []
        if len(password) < self.staff_min_length:
            errors.append(ValidationError(f"密码至少{self.staff_min_length}位。", code="password_too_short"))
        if classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。", code="password_classes"
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return (
            f"工作人员、承办单位和管理员账号密码至少{self.staff_min_length}位，含大写字母、小写字母、数字、符号中的"
            f"至少{self.min_classes}类；代表账号至少{self.deputy_min_length}位。"
        )


class NotUsernameValidator:
    """The password must not contain the username or the phone number (case-insensitive)."""

    def validate(self, password, user=None):
        if user is None:
            return
        low = password.lower()
        for value in (getattr(user, "username", ""), getattr(user, "phone", "") or ""):
            if value and len(value) >= 3 and value.lower() in low:
                raise ValidationError("密码不能包含用户名或手机号。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名或手机号。"


def password_expires(user) -> bool:
    """Whether this account's passwords expire at all."""
    return settings.PASSWORD_MAX_AGE_DAYS > 0 and not is_lenient(user)


def password_expired(user, now=None) -> bool:
    if not password_expires(user) or user.password_changed_at is None:
        return False
    now = now or timezone.now()
    return now - user.password_changed_at > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def must_change(user) -> str:
    """'' when the user may go on; otherwise the reason a new password is needed first."""
    if not user.has_usable_password():
        return ""
    if user.must_change_password:
        return "请先修改管理员设置的初始密码。"
    if password_expired(user):
        return f"密码已超过{settings.PASSWORD_MAX_AGE_DAYS}天未修改，请修改后继续。"
    return ""
