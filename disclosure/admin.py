from django.contrib import admin

from core.admin import AuditedAdmin
from disclosure.models import Disclosure, Feedback, Publicity


@admin.register(Publicity)
class PublicityAdmin(AuditedAdmin):
    list_display = ["date", "kind", "title", "unit", "reach"]
    list_filter = ["kind", "program__year"]


@admin.register(Disclosure)
class DisclosureAdmin(AuditedAdmin):
    list_display = ["title", "unit", "due", "start", "end"]
    list_filter = ["program__year"]
    # whether and when it was shown is recorded by the unit through disclosure.services.disclosure_record
    readonly_fields = ["start", "end"]


@admin.register(Feedback)
class FeedbackAdmin(AuditedAdmin):
    list_display = ["created_at", "program", "project", "satisfaction", "aware", "handled"]
    list_filter = ["satisfaction", "handled"]
    exclude = ["version", "token_nonce"]
    # handled by 民生办 on /disclosure/feedback/ (disclosure.services.feedback_handle, audited)
    readonly_fields = [
        "program",
        "project",
        "satisfaction",
        "aware",
        "text",
        "created_at",
        "handled",
        "outcome",
        "reply",
        "handled_by",
        "handled_at",
    ]
