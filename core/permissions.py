"""The API permission class: asks core.policy (kept apart from viewsets to avoid an import cycle with DRF settings)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

from core.policy import can, can_any

SAFE_ACTION = {"GET": "view", "HEAD": "view", "OPTIONS": "view"}


def _action(request: Any, view: Any) -> str:
    """The policy action a request needs: by HTTP method, unless the viewset maps its extra action
    (``policy_actions = {"transition": "view"}``: seeing the object is enough, its service decides the rest)."""
    mapped = getattr(view, "policy_actions", {}).get(getattr(view, "action", None))
    if mapped:
        return mapped
    return SAFE_ACTION.get(request.method, {"POST": "add", "DELETE": "delete"}.get(request.method, "change"))


class PolicyPermission(permissions.BasePermission):
    """Asks core.policy: may this user do this kind of thing to this model, and to this object?"""

    def has_permission(self, request: Any, view: Any) -> bool:
        queryset = getattr(view, "queryset", None)
        if queryset is None:  # schema and docs views
            return True
        return can_any(request.user, _action(request, view), queryset.model)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return can(request.user, _action(request, view), obj)
