"""Idle session timeout: staff and unit sessions end after SESSION_IDLE_SECONDS without a request; a deputy's
phone may stay logged in for DEPUTY_SESSION_IDLE_SECONDS. The last-seen stamp is written at most once a minute, so
an ordinary page does not pay for a session write."""

import time

from django.conf import settings
from django.contrib.auth import logout

from .models import Role

REFRESH_EVERY = 60


def idle_limit(user) -> int:
    if user.role_set and user.role_set <= {Role.DEPUTY}:
        return settings.DEPUTY_SESSION_IDLE_SECONDS
    return settings.SESSION_IDLE_SECONDS


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session") and request.session.session_key:
            now = int(time.time())
            last = request.session.get("_last_seen")
            limit = idle_limit(user)
            if last is not None and now - last > limit:
                logout(request)
            elif last is None or now - last >= REFRESH_EVERY:
                request.session["_last_seen"] = now
                request.session.set_expiry(limit)
        return self.get_response(request)


def stamp_login(sender, request, user, **kwargs):
    """Start the idle clock at login, so the first page after it needs no session write."""
    if request is not None and hasattr(request, "session"):
        request.session["_last_seen"] = int(time.time())
        request.session.set_expiry(idle_limit(user))


class AccountGateMiddleware:
    """Before anything else a logged-in user must change an initial or expired password (accounts.passwords), then
    set up the second factor if their role requires it (accounts.mfa). Only those pages, logout and static files
    stay reachable; the API answers 403 with the reason."""

    OPEN_PREFIXES = ("/static/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            from django.urls import reverse

            from . import mfa, passwords

            allowed = {reverse("accounts:logout")}
            reason = passwords.must_change(user)
            target = "accounts:password_change"
            if not reason and mfa.required(user) and not mfa.enabled(user):
                reason, target = "您的角色须启用双因素认证（动态验证码），请先完成设置。", "accounts:mfa_setup"
            if reason:
                allowed.add(reverse(target))
                if request.path not in allowed:
                    return self._refuse(request, reason, reverse(target))
        return self.get_response(request)

    def _refuse(self, request, reason, url):
        from django.contrib import messages
        from django.http import JsonResponse
        from django.shortcuts import redirect

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason}, status=403)
        messages.warning(request, reason)
        return redirect(f"{url}?next={request.get_full_path()}" if request.method == "GET" else url)
