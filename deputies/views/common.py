"""What every roster page shares: the role checks and the audit history as shown on an object's page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from core import audit
from core.gates import role_gate

from .. import permissions
from ..models import ActivityGroup, Person, Seat
from ..services import FIELD_LABELS

# Stored choice codes shown as their labels: {"status": {"active": "在任", …}, …}.
CHOICE_LABELS = {
    f.name: dict(f.choices)
    for model in (Person, Seat, ActivityGroup)
    for f in model._meta.fields
    if f.choices and f.name != "gender"
}


# Logged in, and a role that may open the roster at all (else 403).
roster_view = role_gate(permissions.can_view_roster, "您的角色无权查看代表名册")


def require_edit(user) -> None:
    if not permissions.can_edit_roster(user):
        raise PermissionDenied("您的角色无权修改代表名册")


def history_rows(obj) -> list[dict]:
    """The object's audit entries, newest first, each change as (label, old, new). Personal data was masked when
    the entry was written."""
    rows = []
    for entry in audit.history(obj)[:200]:
        changes = [
            (FIELD_LABELS.get(name, name), _show(old, name), _show(new, name))
            for name, (old, new) in sorted(entry.changes.items())
        ]
        rows.append({"entry": entry, "changes": changes})
    return rows


def _show(value, name: str = "") -> str:
    if isinstance(value, str) and value in CHOICE_LABELS.get(name, {}):
        return str(CHOICE_LABELS[name][value])
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on the form when it names none)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
