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
