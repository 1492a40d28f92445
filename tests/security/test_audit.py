"""The audit log: append-only in the database, purged only past the retention period, never holding personal data
in the logs."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Role
from core import audit
from core.models import AuditEntry
from core.security_logging import PersonalDataFilter

from .. import factories as f

pytestmark = pytest.mark.django_db


def _entry(note="x", days_old=0):
    """An audit entry written `days_old` days ago (the clock is moved, the row is never altered)."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_old), tick=False), transaction.atomic():
        return audit.record(actor=None, action=AuditEntry.Action.SECURITY, note=note)


def test_the_database_refuses_to_change_an_audit_entry():
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="forged")
    assert AuditEntry.objects.get(pk=entry.pk).note == "x"


def test_the_database_refuses_to_delete_an_audit_entry():
    entry = _entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_removing_a_user_keeps_their_audit_entries_under_their_name(world):
    user = f.UserFactory(roles=[Role.STAFF], display_name="王芳")
    with transaction.atomic():
        entry = audit.record(actor=user, action=AuditEntry.Action.SECURITY, note="kept")
    user.delete()
    entry.refresh_from_db()
    assert entry.actor_id is None and entry.actor_name == "王芳"


def test_purge_audit_removes_only_entries_past_the_retention_period(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old = _entry("old", days_old=400)
    recent = _entry("recent", days_old=300)
    call_command("purge_audit", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(note__startswith="按保存期限删除审计记录 1 条").exists()
    # After the command's transaction, deleting is refused again.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=recent.pk).delete()


def test_the_retention_period_never_drops_below_six_months(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    kept = _entry("five months", days_old=150)
    call_command("purge_audit", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_the_default_retention_is_three_years():
    from renda import settings as project_settings

    assert project_settings.AUDIT_RETENTION_DAYS == 3 * 365


def _log(message, *args, exc=None):
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, message, args, exc)
    PersonalDataFilter().filter(record)
    return logging.Formatter().format(record)


def test_logs_never_contain_id_numbers_phone_numbers_or_passwords():
    id_number = f.make_id_number(7)
    text = _log("person %s phone %s", id_number, "13912345678")
    assert id_number not in text and "13912345678" not in text
    assert _log("login password=Secret-Pass-1 ok").count("Secret-Pass-1") == 0


def test_error_reports_mask_personal_data_in_tracebacks():
    id_number = f.make_id_number(3)
    try:
        raise ValueError(f"bad id {id_number} for 13800001111")
    except ValueError:
        import sys

        text = _log("boom", exc=sys.exc_info())
    assert "ValueError" in text
    assert id_number not in text and "13800001111" not in text


def test_the_console_handler_uses_the_filter(settings):
    assert "personal_data" in settings.LOGGING["handlers"]["console"]["filters"]
