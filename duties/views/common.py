"""What the duty pages share: the role gates and putting a service's errors next to a form's fields."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.gates import role_gate
from deputies import picker

from .. import permissions
from ..forms import picker_choices

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


def recording_gate(user):
    """403 for a role that may never record on a deputy's behalf (the web pages; the API asks the same rule)."""
    if not permissions.records_for_others(user):
        raise PermissionDenied("您的角色不能代为记录履职")


def person_picker(request, *, page: str, anchor: str, form=None) -> dict:
    """The context of the deputy picker on a form that records for a deputy (deputies.picker): the search's choices
    or, when a posted form comes back with errors, the deputy already chosen."""
    q = picker.search_text(request)
    chosen = getattr(form, "cleaned_data", {}).get("person") if form is not None else None
    if chosen is not None and not q:
        choices, more, nearby = [chosen], False, "已选择的代表"
    else:
        choices, more = picker_choices(request.user, q)
        nearby = "本小组的代表" if choices else "代表"
    return {
        "picker": picker.Picker(
            q=q,
            choices=choices,
            more=more,
            lookup_url=reverse("duties:person_lookup"),
            page_url=page,
            anchor=anchor,
            nearby=nearby,
            none="没有找到您可以代为记录的代表。",
            chosen=str(chosen.pk) if chosen is not None else "",
        )
    }
