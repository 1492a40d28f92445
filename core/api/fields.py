from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are what the requesting user may pick: scope(user) -> queryset.
    A key outside the scope is answered like one that does not exist."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return super().get_queryset().none()
        return self.scope(request.user)


@extend_schema_field({"type": "string", "nullable": True})
class TextField(serializers.ReadOnlyField):
    """The display text (str) of a related object, or null: TextField(source="congress")."""

    def to_representation(self, value):
        return None if value is None else str(value)
