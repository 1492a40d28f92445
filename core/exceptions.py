class IllegalTransition(Exception):
    """An action that the object's current state does not allow (HTTP 409)."""
