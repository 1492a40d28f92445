"""The audit history. Services call these inside their transaction, so a rolled-back change leaves no entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry

Maskers = dict[str, Callable[[str], str]]


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The values of `fields` on `obj`, as plain JSON values (foreign keys as their text)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict, maskers: Maskers | None = None) -> dict:
    """{field: [old, new]} for the fields that changed, personal data masked."""
    maskers = maskers or {}
    out = {}
    for key in after.keys() | before.keys():
        old, new = before.get(key), after.get(key)
        if old != new:
            mask = maskers.get(key)
            if mask:
                old, new = mask(old or ""), mask(new or "")
            out[key] = [old, new]
    return out


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    note: str = "",
    address: str | None = None,
) -> AuditEntry:
    """Write one audit entry. Must run inside the caller's transaction (atomic), so it commits or rolls back with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "系统",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        note=note[:500],
        address=address,
    )


def history(obj: models.Model):
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def record_unmasked_view(*, actor, obj: models.Model, fields: Iterable[str], address: str | None = None) -> None:
    """A user was shown personal data in full (an unmasked ID number): a security event of its own."""
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditEntry.Action.VIEW_PERSONAL,
            obj=obj,
            note="查看未脱敏个人信息：" + "、".join(fields),
            address=address,
        )


# The actions an auditor reviews as security events (三权分立: the system administrator does not read them).
SECURITY_ACTIONS = ("login", "login_failed", "security", "export", "view_personal")
