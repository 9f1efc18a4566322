"""Admin edits are audited like any other change: AuditedAdmin writes the row in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction

from core.models import AuditEvent
from core.services import audit_record, model_snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: Any, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = model_snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            if hasattr(obj, "version") and change:
                type(obj)._default_manager.filter(pk=obj.pk).update(version=models.F("version") + 1)
            request._audit_pending = (obj, before, change)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj, before, changed = getattr(request, "_audit_pending", (form.instance, None, change))
        after = model_snapshot(obj)
        if before != after:
            audit_record(
                actor=request.user,
                action="update" if changed else "create",
                obj=obj,
                before=before,
                after=after,
                reason="系统设置（后台）修改",
            )

    def delete_model(self, request: Any, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="delete",
                obj=obj,
                before=model_snapshot(obj),
                reason="系统设置（后台）删除",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action="delete",
                    obj=obj,
                    before=model_snapshot(obj),
                    reason="系统设置（后台）批量删除",
                )
            super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "content_type", "object_repr", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "reason"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
