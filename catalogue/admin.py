from django.contrib import admin

from catalogue.models import ContentItem, Program, Project, ProjectChange
from core.admin import AuditedAdmin


class ContentItemInline(admin.TabularInline):
    model = ContentItem
    extra = 0


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    list_display = ["year", "issuer_name", "noun", "doc_number", "status", "is_reconstructed"]
    list_filter = ["year", "status", "level"]
    exclude = ["version"]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["program", "order", "name", "kind", "lead_department", "assignment_is_default"]
    list_filter = ["program__year", "kind", "assignment_is_default"]
    search_fields = ["name"]
    filter_horizontal = ["co_lead_departments", "implementing_units"]
    inlines = [ContentItemInline]
    exclude = ["version"]


@admin.register(ProjectChange)
class ProjectChangeAdmin(AuditedAdmin):
    list_display = ["program", "kind", "order", "result", "reason"]
    list_filter = ["program__year", "kind"]
    filter_horizontal = ["sources"]
