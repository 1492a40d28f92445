"""What the duty pages share: the role gates and putting a service's errors next to a form's fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.gates import role_gate

from .. import permissions

# Role gates (core.gates.role_gate): logged in, and a role that may use the page at all (else 403).
# staff_view: an office role or a group liaison; reader_view: office roles only (assessment, norms, figures);
# deputy_view: the deputy's phone, a login linked to a deputy's record.
staff_view = role_gate(permissions.can_open_staff_pages, "您的角色无权查看履职管理")
reader_view = role_gate(permissions.is_reader, "您的角色无权查看履职考核")
deputy_view = role_gate(lambda u: bool(u.person_id), "此页面供人大代表使用")


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
