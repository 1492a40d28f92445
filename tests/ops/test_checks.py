"""Startup checks: messages an IT person can act on, for the production settings that matter."""

from __future__ import annotations

from django.test import override_settings

from ops import checks

PRODUCTION = {"DEBUG": False, "TESTING": False}
GOOD_KEY = "k7Qw-9vLx2Rz_Tp4Ms8Na1Yb6Hc3Jd0Fe5Gh7Ki2Lm4No6Pq8Rs0Tu"


def test_the_development_secret_key_is_refused_in_production():
    with override_settings(**PRODUCTION, SECRET_KEY="insecure-dev-key-only-for-make-run-and-tests"):
        (error,) = checks.secret_key_check()
    assert error.id == "ops.E001"
    assert "secrets.token_urlsafe" in error.hint
    with override_settings(**PRODUCTION, SECRET_KEY=GOOD_KEY):
        assert checks.secret_key_check() == []


def test_a_malformed_encryption_key_is_reported():
    with override_settings(**PRODUCTION, FIELD_ENCRYPTION_KEYS=["not-a-key"], ID_HASH_KEY="x" * 40):
        (error,) = checks.encryption_keys_check()
    assert error.id == "ops.E002"
    assert "第 1 个密钥" in error.msg


def test_a_missing_id_hash_key_is_reported():
    from cryptography.fernet import Fernet

    with override_settings(**PRODUCTION, FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()], ID_HASH_KEY=""):
        assert [e.id for e in checks.encryption_keys_check()] == ["ops.E003"]


def test_mail_to_localhost_and_logged_sms_are_warned_about():
    with override_settings(
        **PRODUCTION,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="localhost",
        DEFAULT_FROM_EMAIL="renda@localhost",
        SMS_BACKEND="core.sms.LoggingSMSBackend",
    ):
        ids = {p.id for p in checks.email_and_sms_check()}
    assert ids == {"ops.W001", "ops.W003", "ops.W004"}


def test_an_unknown_sms_backend_is_an_error():
    with override_settings(**PRODUCTION, SMS_BACKEND="vendor.sms.Missing", DEFAULT_FROM_EMAIL="renda@example.gov.cn"):
        assert "ops.E005" in {p.id for p in checks.email_and_sms_check()}


def test_an_unreachable_mail_server_is_reported_with_deploy(closed_port):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port
    ):
        (warning,) = checks.email_reachable_check()
    assert warning.id == "ops.W005"


def test_the_holiday_check_is_core_s_and_registered_once():
    from django.core.checks.registry import registry

    names = [c.__name__ for c in registry.get_checks(include_deployment_checks=True)]
    assert names.count("holiday_schedule_check") == 1
    assert "secret_key_check" in names and "email_reachable_check" in names


def _bare(args: list[str]):
    """A command on a checkout without any secret and without DEBUG, as a newcomer or a misconfigured server runs it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    drop = {"DEBUG", "RENDA_TESTING", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ID_HASH_KEY", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_without_secrets_tools_run_but_nothing_serves_or_encrypts():
    done = _bare(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert done.returncode == 0 and "No changes detected" in done.stdout, done.stderr[-2000:]

    served = _bare(["-c", "import renda.wsgi"])
    assert served.returncode != 0
    assert "未设置 SECRET_KEY、FIELD_ENCRYPTION_KEYS、ID_HASH_KEY：网站和后台任务不能启动" in served.stderr

    # The signal Celery sends as a worker (and beat) starts, to the project's own receiver.
    worker = _bare(["-c", "import renda.celery; from celery import signals; signals.worker_init.send(sender=None)"])
    assert worker.returncode != 0 and "网站和后台任务不能启动" in worker.stderr

    crypt = _bare(["manage.py", "shell", "-c", "from core import crypto; crypto.encrypt('110101199003071234')"])
    assert crypt.returncode != 0 and "未设置 FIELD_ENCRYPTION_KEYS，不能加密或解密身份证号" in crypt.stderr

    deploy = _bare(["manage.py", "check", "--deploy"])
    assert deploy.returncode != 0 and "ops.E004" in deploy.stderr
