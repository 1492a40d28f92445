"""The shape every API viewset shares: the visible queryset comes from the app's permissions module, a role that may
never list the objects gets 403, an object outside the scope 404, and writes go through the app's services."""

from __future__ import annotations

from rest_framework import permissions, viewsets


class ScopedPermission(permissions.BasePermission):
    """Asks the view: may this role list / read / write at all (403 otherwise), and may it change this object."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            if getattr(view, "action", None) == "list":
                return view.can_list(user)
            return view.can_read(user)
        return view.can_write(user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.can_change(request.user, obj)


class ScopedViewSet(viewsets.ModelViewSet):
    """Subclasses define visible(user) (the permissions module's queryset) and the role checks; writes call
    create_object / update_object / delete_object, which call the services."""

    permission_classes = [ScopedPermission]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # --- permissions (override) ---
    def visible(self, user):
        raise NotImplementedError

    def can_list(self, user) -> bool:
        return True

    def can_read(self, user) -> bool:
        return True

    def can_write(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return self.can_write(user)

    # --- queryset ---
    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset.none()
        return self.optimise(self.visible(self.request.user))

    def optimise(self, qs):
        """select_related / prefetch_related so a page's query count does not grow with its rows."""
        return qs

    # --- writes through services ---
    def create_object(self, data: dict):
        raise NotImplementedError

    def update_object(self, instance, data: dict):
        raise NotImplementedError

    def delete_object(self, instance) -> None:
        raise NotImplementedError

    def _reread(self, obj):
        """The saved object as the list reads it (with its related rows), when it is still in the user's scope."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def perform_create(self, serializer):
        serializer.instance = self._reread(self.create_object(dict(serializer.validated_data)))

    def perform_update(self, serializer):
        obj = self.update_object(serializer.instance, dict(serializer.validated_data))
        serializer.instance = self._reread(obj)

    def perform_destroy(self, instance):
        self.delete_object(instance)


class ReadOnlyScopedViewSet(ScopedViewSet):
    http_method_names = ["get", "head", "options"]
