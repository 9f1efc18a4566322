"""The API permission class: asks core.policy (kept apart from viewsets to avoid an import cycle with DRF settings)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

from core.policy import can, can_any

SAFE_ACTION = {"GET": "view", "HEAD": "view", "OPTIONS": "view"}


def _action(request: Any) -> str:
    return SAFE_ACTION.get(request.method, {"POST": "add", "DELETE": "delete"}.get(request.method, "change"))


class PolicyPermission(permissions.BasePermission):
    """Asks core.policy: may this user do this kind of thing to this model, and to this object?"""

    def has_permission(self, request: Any, view: Any) -> bool:
        queryset = getattr(view, "queryset", None)
        if queryset is None:  # schema and docs views
            return True
        return can_any(request.user, _action(request), queryset.model)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return can(request.user, _action(request), obj)
