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
