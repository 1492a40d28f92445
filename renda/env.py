"""Typed helpers that read settings from the environment and fail loudly on a bad value."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    """A string, or the contents of the file named by NAME_FILE (for Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def require_secrets() -> None:
    """Refuse to serve or run background work without the secrets a server needs (settings.MISSING_SECRETS)."""
    from django.conf import settings

    missing = getattr(settings, "MISSING_SECRETS", [])
    if missing:
        raise ImproperlyConfigured(
            f"未设置 {'、'.join(missing)}：网站和后台任务不能启动。请在 .env 中设置后重启（见 README“Environment "
            f"variables”；生成方法见 docs/security.md）。Missing: {', '.join(missing)}."
        )
