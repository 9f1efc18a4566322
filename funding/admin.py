from django.contrib import admin

from core.admin import AuditedAdmin
from funding.models import FiscalYear


@admin.register(FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    list_display = [
        "year",
        "organisation",
        "budget_revenue",
        "budget_expenditure",
        "warn_share",
        "alarm_share",
        "is_sample",
    ]
    exclude = ["version"]
