from django.contrib import admin

from core.admin import AuditedAdmin
from upkeep.models import Asset


@admin.register(Asset)
class AssetAdmin(AuditedAdmin):
    list_display = ["name", "project", "location", "owner", "custodian", "responsible_person"]
    list_filter = ["project__program__year"]
    search_fields = ["name", "location", "owner"]
    exclude = ["version"]
