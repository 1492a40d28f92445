"""Response headers every page sends, and a request id for the logs."""

import uuid

from renda.env import env

CSP = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy without inline scripts, on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response["X-Request-ID"] = request.request_id
        return response
