"""Puts the request id (set by renda.middleware.SecurityHeadersMiddleware) where log records can read it."""

from .logging import request_id_var


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_id_var.set(getattr(request, "request_id", ""))
        try:
            return self.get_response(request)
        finally:
            request_id_var.reset(token)
