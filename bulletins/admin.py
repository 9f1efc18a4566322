from django.contrib import admin

from bulletins.models import Bulletin
from core.admin import AuditedAdmin


@admin.register(Bulletin)
class BulletinAdmin(AuditedAdmin):
    list_display = ("__str__", "kind", "status", "issue_number", "doc_number", "is_public", "issued_at")
    list_filter = ("kind", "status", "is_public")
    readonly_fields = ("status", "figures", "generated_at", "issued_at", "created_by")
