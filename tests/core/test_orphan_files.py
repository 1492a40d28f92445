"""剩余信息保护: an upload whose transaction rolled back, or whose record was deleted, leaves a file on disk; the daily
sweep removes such files once they are older than the grace period, and never a file a record still names."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from core import files
from core.models import AuditEntry
from core.schedules import PERIODIC_TASKS
from core.tasks import sweep_orphan_files
from suggestions.models import Attachment
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _attachment(suggestion, name="材料.pdf") -> Attachment:
    att = Attachment(suggestion=suggestion, kind=Attachment.Kind.MATERIAL, name=name, size=len(PDF))
    att.file.save("upload.pdf", ContentFile(PDF), save=False)
    att.save()
    return att


def _age(path, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


@pytest.fixture
def suggestion(world):
    person = f.PersonFactory()
    f.SeatFactory(person=person, term=world.term, congress=world.county)
    from suggestions.models import Suggestion

    return Suggestion.objects.create(
        congress=world.county, lead_deputy=person, title="标题", content="内容", state=Suggestion.State.SUBMITTED
    )


def test_files_of_rolled_back_and_deleted_records_are_removed_and_live_files_kept(media, suggestion):
    kept = _attachment(suggestion)
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = _attachment(suggestion)
        raise RuntimeError("a later step failed")
    deleted = _attachment(suggestion)
    deleted_path = deleted.file.path
    deleted.delete()
    orphan_paths = [media / rolled_back.file.name, deleted_path]
    for path in [kept.file.path, *orphan_paths]:
        assert os.path.exists(path)
        _age(path, 30)

    result = files.sweep_orphans()

    assert sorted(result.removed) == sorted([rolled_back.file.name, deleted.file.name])
    assert os.path.exists(kept.file.path) and result.referenced == 1
    assert not any(os.path.exists(p) for p in orphan_paths)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, note__contains="清理无记录引用的上传文件 2 个")
    # A second run finds nothing more to do.
    assert files.sweep_orphans().removed == []


def test_young_files_wait_for_the_grace_period(media, suggestion):
    with pytest.raises(RuntimeError), transaction.atomic():
        att = _attachment(suggestion)
        raise RuntimeError("rolled back")
    path = media / att.file.name
    result = files.sweep_orphans()
    assert result.removed == [] and result.kept_young == 1 and path.exists()
    assert files.sweep_orphans(now=files.timezone.now() + dt.timedelta(hours=25)).removed == [att.file.name]
    assert not path.exists()


def test_dry_run_lists_without_removing(media, suggestion, capsys):
    with pytest.raises(RuntimeError), transaction.atomic():
        att = _attachment(suggestion)
        raise RuntimeError("rolled back")
    path = media / att.file.name
    _age(path, 48)
    call_command("sweep_files", "--dry-run")
    out = capsys.readouterr().out
    assert f"将删除：{att.file.name}" in out and "无引用文件 1 个（未删除）" in out
    assert path.exists() and not AuditEntry.objects.filter(note__contains="清理无记录引用").exists()
    call_command("sweep_files")
    assert not path.exists()


def test_every_file_field_of_the_project_is_known_to_the_sweep():
    """Each upload field of the models; a new one is found without registering it anywhere."""
    assert {f"{m._meta.label}.{name}" for m, name in files.file_fields()} == {
        "duties.DutyPhoto.image",
        "duties.VoterReport.report_file",
        "engagement.Notice.attachment",
        "engagement.ReportRequest.file",
        "engagement.TopicClaim.result_file",
        "reports.ReportJob.file",
        "stations.ActivityPhoto.image",
        "stations.Evidence.file",
        "stations.StationDocument.file",
        "stations.StationPhoto.image",
        "suggestions.Attachment.file",
        "training.Material.file",
    }


def test_the_sweep_runs_daily_as_a_task(media, suggestion):
    assert PERIODIC_TASKS["清理无记录引用的上传文件"] == ("core.tasks.sweep_orphan_files", 24 * 60)
    with pytest.raises(RuntimeError), transaction.atomic():
        att = _attachment(suggestion)
        raise RuntimeError("rolled back")
    _age(media / att.file.name, 25)
    assert sweep_orphan_files.apply().get() == 1
