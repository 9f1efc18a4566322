from django.contrib import admin

from core.admin import AuditedAdmin
from orgs.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "parent", "order", "is_default", "is_active"]
    list_filter = ["kind", "is_default", "is_active"]
    search_fields = ["name", "short_name", "code"]
    exclude = ["version"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "title", "is_demo"]
    list_filter = ["role", "is_demo"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation"]
