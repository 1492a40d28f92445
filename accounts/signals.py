"""Security events into the audit log: logins, failed logins, lockouts."""

from django.db import transaction

from core import audit
from core.models import AuditEntry
from core.security_logging import scrub


def _address(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def logged_in(sender, request, user, **kwargs):
    with transaction.atomic():
        audit.record(actor=user, action=AuditEntry.Action.LOGIN, obj=user, note="网页登录", address=_address(request))


def login_failed(sender, credentials, request=None, **kwargs):
    username = scrub(str(credentials.get("username", "")))[:60]
    with transaction.atomic():
        audit.record(
            actor=None, action=AuditEntry.Action.LOGIN_FAILED, note=f"登录失败：{username}", address=_address(request)
        )


def locked_out(sender, request, username, ip_address, **kwargs):
    with transaction.atomic():
        audit.record(
            actor=None,
            action=AuditEntry.Action.SECURITY,
            note=f"登录锁定：{scrub(str(username or ''))[:60]}",
            address=ip_address or _address(request),
        )
