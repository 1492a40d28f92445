"""Create, change and delete plain reference records (areas, congresses, terms, meetings, committees, units) in one
transaction with their audit entry. Records with a workflow or business rules have their own app service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from core import audit
from core.models import AuditEntry


def _fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.editable and not f.primary_key]


@transaction.atomic
def create_record(model: type[models.Model], *, actor, data: dict) -> models.Model:
    obj = model(**data)
    obj.full_clean()
    obj.save()
    changes = audit.diff({}, audit.snapshot(obj, _fields(obj)))
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=obj, changes=changes)
    return obj


@transaction.atomic
def update_record(obj: models.Model, *, actor, data: dict) -> models.Model:
    """Change the given fields; a call that changes nothing writes nothing."""
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    names = _fields(obj)
    before = audit.snapshot(obj, names)
    for name, value in data.items():
        setattr(obj, name, value)
    changes = audit.diff(before, audit.snapshot(obj, names))
    if not changes:
        return obj
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=obj, changes=changes)
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, actor, label: str = "该记录") -> None:
    audit.record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        obj=obj,
        changes=audit.diff(audit.snapshot(obj, _fields(obj)), {}),
    )
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise ValidationError(f"{label}已被其他记录引用，不能删除。") from exc
