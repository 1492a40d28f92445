"""Throttle for the token endpoint, keyed by the posted username (or phone number).

The counters live in the cache (Redis, with short socket timeouts). When the cache is unreachable the throttle lets
the request through and logs a warning: a Redis outage must not lock everybody out of the API (django-axes, which
keeps its counts in the database, still stops password guessing).
"""

import hashlib
import logging

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class UsernameRateThrottle(SimpleRateThrottle):
    scope = "token"
    cache_alias = "default"

    def __init__(self):
        # Read the rate at request time, so a changed REST_FRAMEWORK setting applies without a restart of the class.
        self.cache = caches[self.cache_alias]
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            ident = self.get_ident(request)  # no username: fall back to the client address
        else:
            ident = "u:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
            logger.warning("token throttle skipped, cache unavailable: %s", exc)
            return True
