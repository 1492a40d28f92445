"""Helpers shared by the services modules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from core.models import AuditEntry

A = AuditEntry.Action


def _require(condition: bool, message: str = "您没有执行此操作的权限。") -> None:
    if not condition:
        raise PermissionDenied(message)


def _township_of(area):
    """The township/street an area belongs to (itself for a township, its parent for a village)."""
    if area is None:
        return None
    if area.level == "township":
        return area
    if area.level == "village":
        return area.parent
    return None
