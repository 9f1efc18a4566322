from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from core.admin import AuditedAdmin
from orgs.models import Membership, Organisation
from orgs.services import membership_grant


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "level",
        "parent",
        "government",
        "order",
        "is_default",
        "is_active",
    ]
    list_filter = ["kind", "level", "is_default", "is_active"]
    search_fields = ["name", "short_name", "code"]
    exclude = ["version"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    """Roles are granted through orgs.services.membership_grant (which also sets the admin-site access)."""

    list_display = ["user", "organisation", "role", "title", "is_demo"]
    list_filter = ["role", "is_demo"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def save_model(self, request: Any, obj: Membership, form: Any, change: bool) -> None:
        membership_grant(
            actor=request.user,
            user=obj.user,
            organisation=obj.organisation,
            role=obj.role,
            title=obj.title,
            is_demo=obj.is_demo,
            reason="系统设置（后台）修改",
        )
        obj.pk = Membership.objects.get(user=obj.user).pk

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        admin.ModelAdmin.save_related(self, request, form, formsets, change)  # audited by the service


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin, audited (the password hash never enters the audit trail)."""
