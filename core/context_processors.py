from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.policy import PUBLIC, actor_for


def site(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for(getattr(request, "user", None))
    membership = getattr(request.user, "membership", None) if actor.role != PUBLIC else None
    return {
        "SITE_TITLE": settings.SITE_TITLE,
        "actor": actor,
        "current_membership": membership,
        "is_demo_account": bool(membership and membership.is_demo),
    }
