"""Suggestion screens: lists (lists.py), the item's page (detail.py), every action (actions.py), the deputy's phone
pages (deputy.py) and printable documents (documents.py)."""

from .actions import act
from .deputy import cosigners, draft_create, draft_edit, invitations, invite, my_suggestions
from .detail import attachment_download, detail
from .documents import assignment_letter, compilation, documents, feedback_form
from .entry import enter_for_deputy
from .lists import (
    bulk_assign,
    follow_up_list,
    key_items,
    merge,
    requests_list,
    review_queue,
    suggestion_export,
    suggestion_list,
    survey_list,
    unit_todo,
)

__all__ = [
    "act",
    "assignment_letter",
    "attachment_download",
    "bulk_assign",
    "compilation",
    "cosigners",
    "detail",
    "documents",
    "draft_create",
    "draft_edit",
    "enter_for_deputy",
    "feedback_form",
    "follow_up_list",
    "invitations",
    "invite",
    "key_items",
    "merge",
    "my_suggestions",
    "requests_list",
    "review_queue",
    "suggestion_export",
    "suggestion_list",
    "survey_list",
    "unit_todo",
]
