"""Password rules: length and classes by role, not the username, not common, expiry and forced change."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, Role, User
from core.models import AuditEntry

from .. import factories as f
from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _errors(password, user):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short-1a", False),  # 8 characters
        ("alllowercaseletters", False),  # one class
        ("lowercase-and-digits-1", True),  # three classes
        ("Abcdefghijk1", True),  # upper, lower, digit
        ("ABCDEFGHIJK-", False),  # two classes
    ],
)
def test_staff_passwords_need_twelve_characters_and_three_classes(make_user, password, ok):
    staff = make_user(Role.STAFF, username="wangfang")
    errors = _errors(password, staff)
    assert (errors == []) is ok, errors


def test_a_deputy_may_use_eight_characters(make_user):
    deputy = make_user(Role.DEPUTY, username="deputy7")
    assert _errors("qwsa9182", deputy) == []
    assert _errors("qwsa918", deputy) != []


def test_a_unit_account_gets_the_strict_rule(make_user, world):
    unit = make_user(Role.UNIT_STAFF, unit=world.unit)
    assert any("12" in m for m in _errors("qwsa9182", unit))


def test_a_password_must_not_contain_the_username_or_be_common(make_user):
    staff = make_user(Role.STAFF, username="liming2024")
    assert "密码不能包含用户名或手机号。" in _errors("Liming2024-Office", staff)
    deputy = make_user(Role.DEPUTY)
    assert _errors("password", deputy) != []  # common


def test_an_administrator_creating_a_staff_user_cannot_give_a_short_password(make_user, world):
    admin = make_user(Role.ADMIN)
    with pytest.raises(ValidationError):
        services.create_user(actor=admin, data={"username": "newstaff"}, roles=[Role.STAFF], password="qwsa9182")
    deputy = services.create_user(actor=admin, data={"username": "newdeputy"}, roles=[Role.DEPUTY], password="qwsa9182")
    assert deputy.must_change_password


def test_an_expired_staff_password_forces_a_change_before_any_page(make_user, client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    staff = make_user(Role.STAFF)
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get("/api/v1/users/").status_code == 403


def test_a_password_younger_than_the_limit_lets_the_user_in(make_user, client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    staff = make_user(Role.STAFF)
    User.objects.filter(pk=staff.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    client.force_login(staff)
    assert client.get(reverse("core:home")).status_code == 200


def test_a_deputys_password_does_not_expire(make_user, client, settings, world):
    person = f.PersonFactory()
    deputy = make_user(Role.DEPUTY, person=person, congress=None)
    User.objects.filter(pk=deputy.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(deputy)
    response = client.get(reverse("core:home"))
    assert not response.get("Location", "").startswith(reverse("accounts:password_change"))


def test_an_initial_password_must_be_changed_then_the_user_goes_on(make_user, client):
    staff = make_user(Role.STAFF)
    User.objects.filter(pk=staff.pk).update(must_change_password=True)
    client.force_login(staff)
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:password_change"))
    new = "Nine-Rivers-2031"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(actor=staff, note="修改密码").exists()


def test_changing_the_password_logs_out_everywhere(make_user, client):
    from django.test import Client

    staff = make_user(Role.STAFF)
    key, _token = services.issue_api_token(staff)
    other = Client()
    other.force_login(staff)
    assert other.get(reverse("core:home")).status_code == 200
    client.force_login(staff)
    new = "Nine-Rivers-2031"
    client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert client.get(reverse("core:home")).status_code == 200  # this session stays
    assert other.get(reverse("core:home")).status_code == 302  # the other device is logged out
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()
    assert client.get("/api/v1/users/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
