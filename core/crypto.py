"""Encryption at rest for personal data (ID numbers) and the keyed hash that matches them."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    if not settings.FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("未设置 FIELD_ENCRYPTION_KEYS，不能加密或解密身份证号。")
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def rotate(token: str) -> str:
    """Re-encrypt with the first (newest) key; used by the rotate_encryption_key command."""
    return fernet().rotate(token.encode()).decode() if token else ""


def keyed_hash(plain: str) -> str:
    """HMAC-SHA256 of a normalised value, so duplicates can be found without decrypting."""
    if not plain:
        return ""
    if not settings.ID_HASH_KEY:
        raise ImproperlyConfigured("未设置 ID_HASH_KEY，不能计算身份证号摘要。")
    return hmac.new(settings.ID_HASH_KEY.encode(), plain.strip().upper().encode(), hashlib.sha256).hexdigest()
