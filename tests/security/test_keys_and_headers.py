"""Key rotation for encrypted personal data, security headers, and `check --deploy` with production settings."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from core import crypto
from deputies.models import Person

from .. import factories as f

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_rotate_encryption_key_re_encrypts_id_numbers_with_the_first_key(world, settings):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    person = f.PersonFactory(id_number=f.make_id_number(11))
    plain = person.id_number
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_encryption_key", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed
    person = Person.objects.get(pk=person.pk)
    assert person.id_number == plain
    assert crypto.decrypt(person.id_number_encrypted) == plain


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


PRODUCTION_ENV = {
    "SECRET_KEY": "k3y-" + "x9Yb7Qw2Lm5Np8Rt" * 4,
    "FIELD_ENCRYPTION_KEYS": "8q5S0B8N9xqf0W3pQf3qE2v3kq8m5b5Y1o6e2o1q7Zs=",
    "ID_HASH_KEY": "h" * 40,
    "ALLOWED_HOSTS": "renda.example.gov.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_TLS_PROXY": "1",
}


def test_check_deploy_is_clean_with_the_documented_production_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "RENDA_TESTING")}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        # Django's deployment checks (tag "security"); other apps' own checks need live services.
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Django's own deployment warnings (security.W0xx); the ops app's live-service checks are reported separately.
    assert "(security." not in output, output
