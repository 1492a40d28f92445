"""Who may open the operations pages: system administrators only (the health detail, background work, errors)."""

from accounts.scopes import is_system_admin


def can_view_operations(user) -> bool:
    return is_system_admin(user)
