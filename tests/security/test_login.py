"""Login failures: django-axes locks a (username, address) pair after 5 failures for 30 minutes; one message for an
unknown user and a wrong password; unlocking is audited; logins, failures and lockouts are in the audit log."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from core.models import AuditEntry

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_lockout_policy_is_five_failures_for_thirty_minutes_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.5  # hours
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(make_user):
    make_user(Role.STAFF, username="zhangwei")
    wrong = _login(Client(), "zhangwei", "Not-the-password-1")
    unknown = _login(Client(), "nobody-here", "Not-the-password-1")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "用户名（手机号）或密码错误。" in wrong.context["form"].non_field_errors()


def test_five_failures_lock_that_user_at_that_address_but_not_the_office_behind_the_same_address(make_user):
    make_user(Role.STAFF, username="zhangwei")
    make_user(Role.STAFF, username="lina")
    office = "10.0.0.1"
    for _ in range(5):
        _login(Client(), "zhangwei", "Not-the-password-1", office)
    locked = _login(Client(), "zhangwei", PASSWORD, office)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # A colleague behind the same NAT address still logs in.
    assert _login(Client(), "lina", PASSWORD, office).status_code == 302
    # The locked user from another address (e.g. at home) also still logs in.
    assert _login(Client(), "zhangwei", PASSWORD, "10.9.9.9").status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, note="登录失败：zhangwei").count() >= 5
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SECURITY, note="登录锁定：zhangwei").exists()


def test_a_security_administrator_unlocks_and_the_unlock_is_audited(make_user):
    make_user(Role.STAFF, username="zhangwei")
    secadmin = make_user(Role.SECADMIN)
    for _ in range(5):
        _login(Client(), "zhangwei", "Not-the-password-1")
    assert _login(Client(), "zhangwei", PASSWORD).status_code == 429
    admin_client = Client()
    admin_client.force_login(secadmin)
    page = admin_client.get(reverse("accounts:lockouts"))
    assert "zhangwei" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="zhangwei")
    admin_client.post(reverse("accounts:lockouts"), {"attempt": attempt.pk})
    assert _login(Client(), "zhangwei", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(note__startswith="解除登录锁定")
    assert entry.actor == secadmin


def test_only_security_and_system_administrators_see_the_lockouts(make_user, client):
    client.force_login(make_user(Role.STAFF))
    assert client.get(reverse("accounts:lockouts")).status_code == 403


def test_a_successful_login_is_audited(make_user):
    user = make_user(Role.STAFF, username="zhangwei")
    _login(Client(), "zhangwei", PASSWORD)
    assert AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.LOGIN, address="10.0.0.1").exists()


def test_a_failed_login_with_a_phone_number_keeps_the_number_out_of_the_audit_note(make_user):
    _login(Client(), "13912345678", "Not-the-password-1")
    note = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED).note
    assert "13912345678" not in note
    assert note.startswith("登录失败：139")


def _lock(username, address="10.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), username, "Not-the-password-1", address)
    assert _login(Client(), username, PASSWORD, address).status_code == 429


def test_an_unlock_by_deleting_the_lockout_in_the_django_admin_is_audited(make_user):
    make_user(Role.STAFF, username="zhangwei")
    admin_user = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    _lock("zhangwei")
    attempt = AccessAttempt.objects.get(username="zhangwei")
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(url, {"post": "yes"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    assert _login(Client(), "zhangwei", PASSWORD).status_code == 302  # unlocked
    entry = AuditEntry.objects.get(note__startswith="后台删除登录尝试（解除登录锁定）")
    assert entry.actor == admin_user and entry.action == AuditEntry.Action.SECURITY
    assert entry.note.endswith("zhangwei @ 10.0.0.1") and entry.address == "10.1.1.1"


def test_deleting_lockouts_and_login_logs_with_the_admins_bulk_action_is_audited_row_by_row(make_user):
    from axes.models import AccessLog

    make_user(Role.STAFF, username="zhangwei")
    make_user(Role.STAFF, username="13900001234")  # a phone number as login: masked in the note
    admin_user = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    _lock("zhangwei")
    _lock("13900001234")
    client = Client()
    client.force_login(admin_user)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    unlocks = AuditEntry.objects.filter(note__startswith="后台删除登录尝试（解除登录锁定）", actor=admin_user)
    assert sorted(e.note.split("：", 1)[1] for e in unlocks) == ["139****1234 @ 10.0.0.1", "zhangwei @ 10.0.0.1"]
    assert _login(Client(), "zhangwei", PASSWORD).status_code == 302  # now logs in: an access log row
    logs = list(AccessLog.objects.values_list("pk", flat=True))
    assert logs
    client.post(
        reverse("admin:axes_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": logs, "post": "yes"},
    )
    assert not AccessLog.objects.exists()
    assert AuditEntry.objects.filter(note__startswith="后台删除登录日志", actor=admin_user).count() == len(logs)
    assert not AuditEntry.objects.filter(note__contains="13900001234").exists()


def test_a_failed_deletion_in_the_admin_leaves_no_unlock_entry(make_user):
    """A user without delete permission (a staff flag alone) cannot delete, and nothing is recorded."""
    make_user(Role.STAFF, username="zhangwei")
    _lock("zhangwei")
    attempt = AccessAttempt.objects.get(username="zhangwei")
    client = Client()
    client.force_login(make_user(Role.STAFF, is_staff=True))
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not AuditEntry.objects.filter(note__startswith="后台删除").exists()
