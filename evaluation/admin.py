from django.contrib import admin

from core.admin import AuditedAdmin
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation


@admin.register(PerformanceTarget)
class PerformanceTargetAdmin(AuditedAdmin):
    list_display = ["project", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "project__program__year"]
    # the workflow moves only through evaluation.services (submit, approve, return)
    readonly_fields = ["status", "return_reason", "submitted_at", "decided_at", "decided_by"]


@admin.register(MonitoringSheet)
class MonitoringSheetAdmin(AuditedAdmin):
    list_display = ["project", "month", "likelihood", "deviation_reason"]
    list_filter = ["month", "likelihood", "project__program__year"]


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(AuditedAdmin):
    list_display = ["project", "status", "score", "grade"]
    list_filter = ["status", "grade", "project__program__year"]
    readonly_fields = [
        "status",
        "return_reason",
        "submitted_at",
        "decided_at",
        "decided_by",
        "score",
        "grade",
    ]
