"""One way to gate a view by role: logged in (else the login page), and allowed by a predicate of the user (else 403
with a Chinese message). Each app states its gates with it (suggestions.views.common, duties.views.common, …); what a
role may do to one object is still decided by the app's permissions module (404 outside the scope)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_gate(allowed: Callable[[object], bool], message: str = "您的角色无权使用此功能"):
    """role_gate(predicate, message) → a view decorator."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
