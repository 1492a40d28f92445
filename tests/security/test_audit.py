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


def _admin_form(target, world, roles, **flags):
    """The Django admin's change form for `target` with the given role rows (the existing ones kept in order)."""
    existing = list(target.roles.order_by("pk"))
    data = {
        "username": target.username, "display_name": target.display_name, "phone": "", "email": "",
        "congress": world.county.pk, "unit": "", "committee": "", "person": "", "is_active": "on",
        "roles-TOTAL_FORMS": str(len(existing) + 1), "roles-INITIAL_FORMS": str(len(existing)),
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, row in enumerate(existing):
        data.update({f"roles-{i}-id": row.pk, f"roles-{i}-user": target.pk, f"roles-{i}-role": row.role})
        if row.role not in roles:
            data[f"roles-{i}-DELETE"] = "on"
    new = [r for r in roles if r not in {row.role for row in existing}]
    i = len(existing)
    data.update({f"roles-{i}-id": "", f"roles-{i}-user": target.pk, f"roles-{i}-role": new[0] if new else ""})
    data.update({k: "on" for k, v in flags.items() if v})
    return data


def test_granting_and_removing_roles_and_flags_in_the_admin_are_security_events_the_auditor_finds(
    world, make_user, client
):
    from django.urls import reverse

    sysadmin = make_user(Role.ADMIN, is_superuser=True, is_staff=True, username="sysadmin")
    target = make_user(Role.STAFF, username="wangfang")
    client.force_login(sysadmin)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    # Grant: the leader role, the staff flag and the superuser flag at once.
    data = _admin_form(target, world, [Role.STAFF, Role.LEADER], is_staff=True, is_superuser=True)
    response = client.post(url, data, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 302, response.content.decode()[:1500]
    granted = AuditEntry.objects.get(action=AuditEntry.Action.SECURITY, object_id=str(target.pk))
    assert granted.actor == sysadmin and granted.address == "10.2.2.2"
    assert granted.changes == {
        "roles": [["staff"], ["leader", "staff"]],
        "is_staff": [False, True],
        "is_superuser": [False, True],
    }
    assert "wangfang" in granted.note and "授予主任会议成员" in granted.note and "超级用户否→是" in granted.note
    # Remove: the staff role and the superuser flag.
    target.refresh_from_db()
    data = _admin_form(target, world, [Role.LEADER], is_staff=True)
    assert client.post(url, data).status_code == 302
    removed = AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, object_id=str(target.pk)).latest("id")
    assert removed.changes == {"roles": [["leader", "staff"], ["leader"]], "is_superuser": [True, False]}
    assert "撤销代表工委工作人员" in removed.note
    # Saving without a change of privileges writes no security event.
    target.refresh_from_db()
    client.post(url, _admin_form(target, world, [Role.LEADER], is_staff=True))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, object_id=str(target.pk)).count() == 2
    # The auditor finds both by the login's name among the security events; the system administrator cannot read them.
    client.force_login(make_user(Role.AUDITOR))
    page = client.get(reverse("accounts:audit_log"), {"q": "wangfang", "action": "security"})
    found = [e.pk for e in page.context["page"]]
    assert sorted(found) == sorted([granted.pk, removed.pk])
    client.force_login(sysadmin)
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_role_changes_through_the_api_are_security_events(world, make_user, client):
    sysadmin = make_user(Role.ADMIN)
    client.force_login(sysadmin)
    created = client.post(
        "/api/v1/users/",
        {"username": "liqiang", "display_name": "李强", "congress": world.county.pk, "roles": ["unit_staff"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/users/{pk}/", {"roles": ["unit_head"]}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    events = list(AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, object_id=str(pk)).order_by("id"))
    assert [e.changes["roles"] for e in events] == [[[], ["unit_staff"]], [["unit_staff"], ["unit_head"]]]
    assert all(e.actor == sysadmin and "liqiang" in e.note for e in events)
    # Changing the display name only is no security event.
    client.patch(f"/api/v1/users/{pk}/", {"display_name": "李强强"}, content_type="application/json")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, object_id=str(pk)).count() == 2


def test_a_role_change_rolled_back_leaves_no_security_event(world, make_user):
    from accounts import services

    target = make_user(Role.STAFF)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_user(target, actor=None, data={}, roles=[Role.ADMIN])
        raise RuntimeError("the caller's transaction fails after the change")
    assert target.roles.get().role == Role.STAFF
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, object_id=str(target.pk)).exists()
