"""API errors: the domain's own exceptions become 409 (illegal transition) or 400, with a Chinese message."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import IllegalTransition


def exception_handler(exc, context):
    if isinstance(exc, IllegalTransition):
        return Response({"detail": str(exc), "code": "illegal_transition"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """handler404: a URL under /api/ that matches no route (e.g. /api/v1/reports/1.5/retry/) answers JSON, as every
    API answer does and as the schema documents; elsewhere Django's usual page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)
