"""Startup checks of the deployment's configuration (`manage.py check`, `check --deploy`), in words an IT person can
act on. The holiday table check lives in core.checks (core.W001); it is not repeated here."""

from __future__ import annotations

import socket

from django.conf import settings
from django.core.checks import Error, Warning


def _relaxed() -> bool:
    """The demo (DEBUG) and the test suite run with development keys on purpose."""
    return settings.DEBUG or getattr(settings, "TESTING", False)


DEV_SECRET_KEYS = {"insecure-dev-key-only-for-make-run-and-tests", "change-me", "changeme", "secret", "django-insecure"}


def secret_key_check(app_configs=None, **kwargs):
    if _relaxed():
        return []
    key = settings.SECRET_KEY or ""
    if key in DEV_SECRET_KEYS or key.startswith("django-insecure") or len(key) < 40 or len(set(key)) < 10:
        return [
            Error(
                "SECRET_KEY 是开发用的默认值或过于简单，登录会话和密码重置链接可能被伪造。",
                hint=(
                    "在 .env 中把 SECRET_KEY 设为至少 50 位的随机字符串，例如运行："
                    'python3 -c "import secrets; print(secrets.token_urlsafe(50))"，然后重启服务。'
                ),
                id="ops.E001",
            )
        ]
    return []


def missing_secrets_check(app_configs=None, **kwargs):
    """`check --deploy`: the secrets a server needs. Without them the web application, the Celery worker and beat
    refuse to start (renda.env.require_secrets); tools that need none (makemigrations) still run."""
    missing = getattr(settings, "MISSING_SECRETS", [])
    if not missing:
        return []
    return [
        Error(
            f"未设置 {'、'.join(missing)}：网站和后台任务不会启动。",
            hint=(
                "在 .env 中设置这些变量后重启。SECRET_KEY 和 ID_HASH_KEY："
                'python3 -c "import secrets; print(secrets.token_urlsafe(50))"；FIELD_ENCRYPTION_KEYS：'
                'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"。'
            ),
            id="ops.E004",
        )
    ]


def encryption_keys_check(app_configs=None, **kwargs):
    from cryptography.fernet import Fernet

    problems = []
    for number, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS 的第 {number} 个密钥格式不对，身份证号无法加密或解密。",
                    hint=(
                        "每个密钥应是 44 个字符的 Fernet 密钥，多个密钥用英文逗号分隔，第一个用于加密。"
                        '生成新密钥：python3 -c "from cryptography.fernet import Fernet; '
                        'print(Fernet.generate_key().decode())"。已有数据的旧密钥不要删除，放在逗号后面。'
                    ),
                    id="ops.E002",
                )
            )
    missing = "ID_HASH_KEY" in getattr(settings, "MISSING_SECRETS", [])  # reported by ops.E004 (check --deploy)
    if not _relaxed() and not missing and len(settings.ID_HASH_KEY or "") < 32:
        problems.append(
            Error(
                "ID_HASH_KEY 缺失或太短，身份证号查重的摘要不安全。",
                hint="在 .env 中设置 ID_HASH_KEY 为至少 32 位的随机字符串；设置后不要再修改，否则查重会失效。",
                id="ops.E003",
            )
        )
    return problems


def email_and_sms_check(app_configs=None, **kwargs):
    if _relaxed():
        return []
    problems = []
    backend = settings.EMAIL_BACKEND
    if backend.endswith("smtp.EmailBackend"):
        if settings.EMAIL_HOST in ("", "localhost", "127.0.0.1"):
            problems.append(
                Warning(
                    f"邮件服务器是 {settings.EMAIL_HOST or '（空）'}，本机通常没有邮件服务，提醒邮件可能发不出去。",
                    hint=(
                        "在 .env 中设置 EMAIL_HOST、EMAIL_PORT（及 EMAIL_HOST_USER、EMAIL_HOST_PASSWORD）"
                        "为单位的邮件服务器。"
                    ),
                    id="ops.W001",
                )
            )
        if not 0 < settings.EMAIL_PORT < 65536:
            problems.append(
                Error(f"EMAIL_PORT={settings.EMAIL_PORT} 不是有效端口。", hint="常用 25、465、587。", id="ops.E004")
            )
    elif backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        problems.append(
            Warning(
                "EMAIL_BACKEND 是测试用的，邮件不会真正发出。",
                hint="生产环境删除 .env 中的 EMAIL_BACKEND（默认使用 SMTP），并设置 EMAIL_HOST。",
                id="ops.W002",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(
            Warning(
                f"发件人地址 {settings.DEFAULT_FROM_EMAIL} 会被多数邮件服务器拒收。",
                hint="在 .env 中设置 DEFAULT_FROM_EMAIL 为单位的真实邮箱，如 renda@example.gov.cn。",
                id="ops.W003",
            )
        )
    from django.utils.module_loading import import_string

    try:
        import_string(settings.SMS_BACKEND)
    except ImportError:
        problems.append(
            Error(
                f"找不到短信接口 SMS_BACKEND={settings.SMS_BACKEND}，短信提醒将全部失败。",
                hint="检查 .env 中 SMS_BACKEND 的拼写，或确认短信服务商的接口模块已安装。",
                id="ops.E005",
            )
        )
    else:
        if settings.SMS_BACKEND == "core.sms.LoggingSMSBackend":
            problems.append(
                Warning(
                    "短信接口是 LoggingSMSBackend：短信只写入日志，没有真正发出。",
                    hint="接入短信服务后，在 .env 中把 SMS_BACKEND 设为服务商的接口类。不用短信时可忽略本提示。",
                    id="ops.W004",
                )
            )
    return problems


def email_reachable_check(app_configs=None, **kwargs):
    """With --deploy: try to open a connection to the mail server (3 s)."""
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return []
    try:
        with socket.create_connection((settings.EMAIL_HOST, settings.EMAIL_PORT), timeout=3):
            pass
    except OSError as exc:
        return [
            Warning(
                f"连接邮件服务器 {settings.EMAIL_HOST}:{settings.EMAIL_PORT} 失败（{exc.strerror or exc}）。",
                hint="确认邮件服务器地址、端口正确，且本服务器的防火墙允许访问它。",
                id="ops.W005",
            )
        ]
    return []
