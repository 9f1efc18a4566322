"""The admin edits a program's plain fields while it is a draft. Its status is set only by the services
(program_publish checks the program; changes after publication are recorded as amendments, program_amend), so
``status`` is read-only here, and a published program, its projects and their content are read-only as a whole."""

from typing import Any

from django.contrib import admin

from catalogue.models import ContentItem, Program, Project, ProjectChange
from core.admin import AuditedAdmin


class PublishedReadOnly:
    """Read-only (no change, no delete) once the program the object belongs to is published."""

    def program_of(self, obj: Any) -> Program | None:
        raise NotImplementedError

    def is_locked(self, obj: Any) -> bool:
        program = self.program_of(obj) if obj is not None else None
        return program is not None and program.is_published

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self.is_locked(obj)  # type: ignore[misc]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self.is_locked(obj)  # type: ignore[misc]

    def get_actions(self, request: Any) -> Any:
        """No bulk delete: it would bypass the per-object check (a published program's rows are kept)."""
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "program":  # new rows only in draft programs
            kwargs["queryset"] = Program.objects.filter(status=Program.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ContentItemInline(admin.TabularInline):
    model = ContentItem
    extra = 0

    def _locked(self, obj: Any) -> bool:
        return obj is not None and obj.program.is_published

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(Program)
class ProgramAdmin(PublishedReadOnly, AuditedAdmin):
    list_display = ["year", "issuer_name", "noun", "doc_number", "status", "is_reconstructed"]
    list_filter = ["year", "status", "level"]
    exclude = ["version"]
    readonly_fields = ["status", "notice_pending"]  # 发布 and 变更 only through catalogue.services

    def program_of(self, obj: Program) -> Program:
        return obj

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        return AuditedAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)


@admin.register(Project)
class ProjectAdmin(PublishedReadOnly, AuditedAdmin):
    list_display = ["program", "order", "name", "kind", "lead_department", "assignment_is_default"]
    list_filter = ["program__year", "kind", "assignment_is_default"]
    search_fields = ["name"]
    filter_horizontal = ["co_lead_departments", "implementing_units"]
    inlines = [ContentItemInline]
    exclude = ["version"]

    def program_of(self, obj: Project) -> Program:
        return obj.program


@admin.register(ProjectChange)
class ProjectChangeAdmin(PublishedReadOnly, AuditedAdmin):
    list_display = ["program", "kind", "order", "result", "reason"]
    list_filter = ["program__year", "kind"]
    filter_horizontal = ["sources"]

    def program_of(self, obj: ProjectChange) -> Program:
        return obj.program
