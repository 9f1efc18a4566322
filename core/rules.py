"""The access rule of core's own model (the audit log). Each domain app keeps its rules in ``<app>/rules.py``,
registered from its AppConfig.ready(); core imports none of them."""

from __future__ import annotations

from django.db.models import Q

from core.models import AuditEvent, SampleRecord
from core.policy import Actor, Scope, Tenant, rule, scope_or, tenancy


@rule(AuditEvent)
def audit_rule(actor: Actor, action: str) -> Scope:
    """The district-wide audit log is read by admin, 民生办 and 领导; it is never changed. An object's own
    history is shown to any staff member who may see the object (``core.policy.can_see_history``)."""
    if action != "view" or not actor.is_staff_wide:
        return False
    # each government's log: the events of its own accounts (and of the system, e.g. reference data loads)
    own = tenancy(actor, "change", Tenant("actor__membership__organisation"))
    return scope_or(own, Q(actor__isnull=True))


@rule(SampleRecord)
def sample_record_rule(actor: Actor, action: str) -> Scope:
    """The demo's ledger is written and read only by the demo commands (``core.sample``), never through a page."""
    return False
