"""Admin edits are audited like any other change: AuditedAdmin writes the row in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction

from core.models import AuditEvent
from core.services import audit_record, model_snapshot


def money_formfield(db_field: models.Field, **kwargs: Any) -> Any:
    """A stored-元 money column as the admin's input: typed in 万元 like every page (core.forms.MoneyField)."""
    from core.forms import MoneyField
    from core.numbers import MONEY, MONEY_MAX_WAN

    if not (
        isinstance(db_field, models.DecimalField)
        and db_field.max_digits == MONEY["max_digits"]
        and db_field.decimal_places == MONEY["decimal_places"]
    ):
        return None
    label = str(db_field.verbose_name).replace("（元）", "（万元）")
    if "万元" not in label:
        label = f"{label}（万元）"
    return MoneyField(
        label=label,
        required=not db_field.blank,
        help_text=db_field.help_text,
        min_wan=-MONEY_MAX_WAN if "调整" in label else 0,
    )


class AuditedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: Any) -> Any:
        """The admin site lists only what the policy lets the user see (a district's 民生办 its own government's
        rows; the 系统管理员 everything)."""
        from core.policy import registered_models, restrict

        qs = super().get_queryset(request)
        return restrict(qs, request.user, "view") if self.model in registered_models() else qs

    def formfield_for_dbfield(self, db_field: models.Field, request: Any, **kwargs: Any) -> Any:
        return money_formfield(db_field) or super().formfield_for_dbfield(db_field, request, **kwargs)

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
