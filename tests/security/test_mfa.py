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
