"""The API's side of the access policy: every viewset derives from ScopedViewSet."""

from __future__ import annotations

from rest_framework import viewsets

from core.permissions import PolicyPermission
from core.policy import restrict


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and looks up only what core.policy lets the caller see."""

    permission_classes = [PolicyPermission]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return restrict(super().get_queryset(), self.request.user, "view")
