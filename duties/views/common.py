"""What the duty pages share: the role gates and putting a service's errors next to a form's fields."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError

from .. import permissions


def staff_view(view):
    """Logged in, and an office role or a group liaison (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_open_staff_pages(request.user):
            raise PermissionDenied("您的角色无权查看履职管理")
        return view(request, *args, **kwargs)

    return wrapper


def reader_view(view):
    """Office roles only (assessment, norms, figures): liaisons and deputies get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_reader(request.user):
            raise PermissionDenied("您的角色无权查看履职考核")
        return view(request, *args, **kwargs)

    return wrapper


def deputy_view(view):
    """The deputy's phone: a login linked to a deputy's record (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.person_id:
            raise PermissionDenied("此页面供人大代表使用")
        return view(request, *args, **kwargs)

    return wrapper


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
