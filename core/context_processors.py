from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.policy import actor_for


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context. No role or Actor is offered: templates ask the policy ({% load policy %})."""
    actor = actor_for(getattr(request, "user", None))
    membership = getattr(request.user, "membership", None) if not actor.is_public else None
    return {
        "SITE_TITLE": settings.SITE_TITLE,
        "current_membership": membership,
        "is_demo_account": bool(membership and membership.is_demo),
        # make demo writes this file and make demo-clear removes it: a stat, no query
        "demo_data_present": (settings.VAR_DIR / "demo-accounts.txt").exists(),
    }
