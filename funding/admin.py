from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin
from core.numbers import wan_text
from funding.models import FiscalYear


@admin.register(FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    """Read-only here: 民生办 sets 财力 on the program's 年度财力 page (in 万元, through the service)."""

    list_display = ["year", "organisation", "revenue_wan", "expenditure_wan", "warn_share", "alarm_share"]
    exclude = ["version"]

    @admin.display(description=_("一般公共预算收入（万元）"))
    def revenue_wan(self, obj: FiscalYear) -> str:
        return wan_text(obj.budget_revenue)

    @admin.display(description=_("一般公共预算支出（万元）"))
    def expenditure_wan(self, obj: FiscalYear) -> str:
        return wan_text(obj.budget_expenditure)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
