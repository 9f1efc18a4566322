"""Access rule of background jobs. Registered with core.policy from JobsConfig.ready()."""

from __future__ import annotations

from django.db.models import Q

from core.policy import Actor, Scope, rule
from jobs.models import Job


@rule(Job)
def job_rule(actor: Actor, action: str) -> Scope:
    """A background job is seen by whoever started it and by 民生办; nobody edits one (the runner does)."""
    if action != "view" or actor.user is None:
        return False
    return True if actor.is_manager else Q(created_by=actor.user)
