"""Uploaded files that no record refers to any more, and their removal (剩余信息保护).

A file is written to MEDIA_ROOT before its row is committed; when the transaction rolls back (a bad row later in
the form, a refused transition) or the row is deleted later, the file stays on disk with whatever personal data it
holds. `sweep_orphans` finds every file under MEDIA_ROOT that no FileField of any model names and removes those older
than a grace period (a file younger than that may belong to a transaction still open). It reads the referenced names
field by field with server-side cursors, so memory grows with the number of files, not with the tables' rows.
Run daily by beat (core.schedules) and by `manage.py sweep_files`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

GRACE = dt.timedelta(hours=24)


def file_fields():
    """(model, field name) of every concrete FileField/ImageField of the project."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f.name


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model, name in file_fields():
        rows = model._base_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        names.update(rows.values_list(name, flat=True).iterator(chunk_size=5000))
    return names


@dataclass
class SweepResult:
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0
    referenced: int = 0


def sweep_orphans(*, grace: dt.timedelta = GRACE, dry_run: bool = False, now: dt.datetime | None = None) -> SweepResult:
    root = Path(settings.MEDIA_ROOT)
    result = SweepResult()
    if not root.is_dir():
        return result
    cutoff = (now or timezone.now()).timestamp() - grace.total_seconds()
    referenced = referenced_names()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            rel = path.relative_to(root).as_posix()
            if rel in referenced:
                result.referenced += 1
                continue
            if path.stat().st_mtime > cutoff:
                result.kept_young += 1
                continue
            if not dry_run:
                path.unlink(missing_ok=True)
            result.removed.append(rel)
    if not dry_run:
        _remove_empty_dirs(root)
        if result.removed:
            from . import audit
            from .models import AuditEntry

            audit.record(
                actor=None,
                action=AuditEntry.Action.SECURITY,
                note=f"清理无记录引用的上传文件 {len(result.removed)} 个",
            )
    return result


def _remove_empty_dirs(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        path = Path(dirpath)
        if path != root and not filenames and not any((path / d).exists() for d in dirnames):
            with contextlib.suppress(OSError):
                path.rmdir()
