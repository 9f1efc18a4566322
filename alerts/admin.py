from django.contrib import admin

from alerts.models import AlertRule, Digest
from core.admin import AuditedAdmin


@admin.register(AlertRule)
class AlertRuleAdmin(AuditedAdmin):
    list_display = ("kind", "program", "yellow", "red", "enabled")
    list_filter = ("kind", "enabled")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("day", "user", "red", "yellow", "emailed")
    readonly_fields = ("user", "day", "red", "yellow", "items", "emailed", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
