from django.contrib import admin

from core.admin import AuditedAdmin
from supervision.models import Supervisor


@admin.register(Supervisor)
class SupervisorAdmin(AuditedAdmin):
    list_display = ["name", "category", "certificate_no", "term_start", "term_end", "is_active"]
    filter_horizontal = ["projects", "units"]
