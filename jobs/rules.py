"""Access rules of background jobs. Registered with core.policy from JobsConfig.ready()."""

from __future__ import annotations

from django.db.models import Q

from core.policy import Actor, Scope, Tenant, rule, scope_or, tenancy
from jobs.models import Job, ScheduledRun, WorkerBeat
from orgs.models import Role


@rule(Job)
def job_rule(actor: Actor, action: str) -> Scope:
    """A background job is seen by whoever started it and by 民生办; nobody edits one (the worker does)."""
    if action != "view" or actor.user is None:
        return False
    if not actor.is_manager:
        return Q(created_by=actor.user)
    # 民生办: the jobs of its own government's accounts, and of accounts placed nowhere (system, scripts)
    own = tenancy(actor, "change", Tenant("created_by__membership__organisation"), Job)
    return scope_or(own, Q(created_by__membership__isnull=True))


@rule(ScheduledRun)
def scheduled_run_rule(actor: Actor, action: str) -> Scope:
    """The scheduled jobs (and starting one now, ``change``) belong to the 系统管理员."""
    return action in ("view", "change") and actor.role == Role.ADMIN


@rule(WorkerBeat)
def worker_beat_rule(actor: Actor, action: str) -> Scope:
    """The workers' heartbeats are seen by the 系统管理员 on the scheduled jobs page."""
    return action == "view" and actor.role == Role.ADMIN
