from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import ScopedViewSet
from orgs.models import Membership, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "parent",
            "order",
            "is_default",
            "is_active",
            "contact_person",
            "phone",
            "address",
            "version",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "full_name", "organisation", "role", "title", "is_demo"]


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Organisation.objects.select_related("parent").order_by("order", "name")
    serializer_class = OrganisationSerializer


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Membership.objects.select_related("user").order_by("organisation__order", "user__username")
    serializer_class = MembershipSerializer
