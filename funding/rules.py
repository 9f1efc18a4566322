"""Access rules of funding lines, adjustments and fiscal years.

Registered with core.policy from FundingConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from catalogue.rules import program_tenant, unit_scoped
from core.policy import Actor, Scope, rule
from funding.models import FiscalYear, FundingAdjustment, FundingLine


@rule(FundingLine, **program_tenant("project__program"))
def funding_line_rule(actor: Actor, action: str) -> Scope:
    return unit_scoped(actor, action, "project", "unit_id")


@rule(FundingAdjustment, **program_tenant("line__project__program"))
def funding_adjustment_rule(actor: Actor, action: str) -> Scope:
    return unit_scoped(actor, action, "line__project", "line__unit_id")


@rule(FiscalYear, tenant="organisation")
def fiscal_year_rule(actor: Actor, action: str) -> Scope:
    """财力 figures: seen by the district-wide roles, set by 民生办."""
    return actor.is_staff_wide if action == "view" else actor.is_manager
