"""The second factor: TOTP with hashed one-time recovery codes, asked after the password; required per role."""

import time

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from accounts import mfa
from accounts.models import RecoveryCode, Role

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _enrol(user) -> tuple[str, list[str]]:
    secret = mfa.start_setup(user)
    codes = mfa.confirm_setup(user, pyotp.TOTP(secret).now())
    assert codes
    return secret, codes


def _login(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_a_user_with_a_second_factor_is_asked_the_code_after_the_password(make_user):
    user = make_user(Role.STAFF, username="zhangwei")
    secret, _codes = _enrol(user)
    client = Client()
    response = _login(client, "zhangwei")
    assert response["Location"] == reverse("accounts:login_otp")
    assert client.get(reverse("core:home")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("accounts:login_otp"), {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # The current step's code was spent on enrolment; the next step's code is accepted (clock drift window).
    ok = client.post(reverse("accounts:login_otp"), {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert ok.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_recovery_code_works_once_and_is_stored_hashed(make_user):
    user = make_user(Role.STAFF, username="zhangwei")
    _secret, codes = _enrol(user)
    assert not RecoveryCode.objects.filter(digest=codes[0]).exists()
    assert mfa.verify(user, codes[0])
    assert not mfa.verify(user, codes[0])


def test_a_totp_code_cannot_be_replayed(make_user):
    user = make_user(Role.STAFF)
    secret = mfa.start_setup(user)
    code = pyotp.TOTP(secret).now()
    assert mfa.confirm_setup(user, code)
    assert not mfa.verify(user, code)


def test_a_required_role_must_set_up_the_second_factor_before_anything_else(make_user, client, settings):
    settings.MFA_REQUIRED_ROLES = ["admin", "secadmin", "staff"]
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    response = client.get(reverse("core:home"))
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    page = client.get(reverse("accounts:mfa_setup"))
    secret = page.context["secret"]
    done = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(secret).now()})
    assert len(done.context["codes"]) == mfa.RECOVERY_CODES
    assert client.get(reverse("core:home")).status_code == 200


def test_a_role_outside_the_setting_is_not_forced(make_user, client, settings):
    settings.MFA_REQUIRED_ROLES = ["admin"]
    client.force_login(make_user(Role.STAFF))
    assert client.get(reverse("core:home")).status_code == 200


def test_the_token_endpoint_takes_otp(make_user, client):
    user = make_user(Role.STAFF, username="zhangwei")
    secret, codes = _enrol(user)
    url = reverse("api-token")
    without = client.post(url, {"username": "zhangwei", "password": PASSWORD}, content_type="application/json")
    assert without.status_code == 400
    assert "otp" in without.json()["detail"]
    with_code = client.post(
        url, {"username": "zhangwei", "password": PASSWORD, "otp": codes[1]}, content_type="application/json"
    )
    assert with_code.status_code == 200
    assert with_code.json()["token"]


def test_the_token_endpoint_refuses_a_required_role_without_a_second_factor(make_user, client, settings):
    settings.MFA_REQUIRED_ROLES = ["staff"]
    make_user(Role.STAFF, username="zhangwei")
    response = client.post(
        reverse("api-token"), {"username": "zhangwei", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403


def test_production_requires_the_second_factor_of_administrators_and_staff():
    import subprocess
    import sys

    code = (
        "from django.conf import settings; import django; django.setup(); print(','.join(settings.MFA_REQUIRED_ROLES))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "renda.settings",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEYS": "8q5S0B8N9xqf0W3pQf3qE2v3kq8m5b5Y1o6e2o1q7Zs=",
        "ID_HASH_KEY": "k" * 32,
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "admin,secadmin,staff"


def test_a_security_administrator_resets_a_lost_phone_and_the_user_must_enrol_again(make_user, settings):
    from accounts import services
    from accounts.models import ApiToken, TOTPDevice
    from core.models import AuditEntry

    settings.MFA_REQUIRED_ROLES = ["admin"]  # the deputy's role does not require it: the reset does
    deputy = make_user(Role.DEPUTY, username="13912340001")
    secret, codes = _enrol(deputy)
    assert mfa.verify(deputy, codes[0])  # one recovery code spent before the phone was lost
    _key, token = services.issue_api_token(deputy)
    lost_phone = Client()
    lost_phone.force_login(deputy)
    assert lost_phone.get(reverse("core:home")).status_code == 200
    secadmin = make_user(Role.SECADMIN)
    desk = Client()
    desk.force_login(secadmin)
    page = desk.get(reverse("accounts:mfa_reset"), {"q": "13912340001"})
    assert page.status_code == 200 and [u.pk for u in page.context["users"]] == [deputy.pk]
    assert page.context["users"][0].mfa_on
    # A reason is required.
    desk.post(reverse("accounts:mfa_reset"), {"user": deputy.pk, "reason": ""})
    assert TOTPDevice.objects.filter(user=deputy).exists()
    done = desk.post(reverse("accounts:mfa_reset"), {"user": deputy.pk, "reason": "手机丢失"}, REMOTE_ADDR="10.3.3.3")
    assert done.status_code == 302
    # The factor and every recovery code are gone; the lost phone's session and API token have ended.
    assert not TOTPDevice.objects.filter(user=deputy).exists()
    assert not RecoveryCode.objects.filter(user=deputy).exists()
    assert not mfa.verify(deputy, codes[2])
    assert lost_phone.get(reverse("core:home")).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SECURITY, note__startswith="重置双因素认证")
    assert entry.actor == secadmin and entry.object_id == str(deputy.pk) and entry.address == "10.3.3.3"
    assert "手机丢失" in entry.note and "139****0001" in entry.note and "13912340001" not in entry.note
    assert entry.changes["recovery_codes_unused"] == [mfa.RECOVERY_CODES - 1, 0]
    # Next login: the password alone lets the user in only as far as enrolling a new authenticator.
    client = Client()
    assert _login(client, "13912340001")["Location"] != reverse("accounts:login_otp")
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:mfa_setup"))
    token_answer = client.post(
        reverse("api-token"), {"username": "13912340001", "password": PASSWORD}, content_type="application/json"
    )
    assert token_answer.status_code == 403
    new_secret = client.get(reverse("accounts:mfa_setup")).context["secret"]
    assert new_secret != secret
    enrolled = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(new_secret).now()})
    assert len(enrolled.context["codes"]) == mfa.RECOVERY_CODES
    assert client.get(reverse("core:home")).status_code == 200
    deputy.refresh_from_db()
    assert not deputy.mfa_reenrol and mfa.enabled(deputy)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.STAFF, Role.DEPUTY])
def test_only_the_security_administrator_resets_a_second_factor(make_user, client, role):
    target = make_user(Role.STAFF)
    _enrol(target)
    client.force_login(make_user(role, is_superuser=role == Role.ADMIN))
    assert client.get(reverse("accounts:mfa_reset")).status_code == 403
    assert client.post(reverse("accounts:mfa_reset"), {"user": target.pk, "reason": "x"}).status_code == 403
    target.refresh_from_db()
    assert mfa.enabled(target)


def test_anonymous_visitors_and_the_security_administrator_themself_cannot_reset(make_user, client):
    secadmin = make_user(Role.SECADMIN)
    _enrol(secadmin)
    response = client.post(reverse("accounts:mfa_reset"), {"user": secadmin.pk, "reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(secadmin)
    client.post(reverse("accounts:mfa_reset"), {"user": secadmin.pk, "reason": "手机丢失"})
    secadmin.refresh_from_db()
    assert mfa.enabled(secadmin)
