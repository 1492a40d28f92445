"""Expiring API tokens: `Authorization: Token <key>`; only the key's SHA-256 digest is stored."""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import ApiToken
from accounts.services import token_digest as digest

__all__ = ["ExpiringTokenAuthentication", "digest"]


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(digest=digest(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("令牌无效。") from None
        if token.revoked_at or token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("令牌已过期或已撤销，请重新登录。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用。")
        return token.user, token
