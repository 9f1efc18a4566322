from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import ScopedViewSet
from upkeep.models import Asset, Check


class CheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = Check
        fields = ["date", "condition", "note", "finding"]


class AssetSerializer(serializers.ModelSerializer):
    checks = CheckSerializer(many=True, read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "project",
            "name",
            "location",
            "quantity",
            "owner",
            "custodian",
            "responsible_person",
            "fund_amount",
            "fund_source",
            "period_start",
            "period_end",
            "check_interval_days",
            "checks",
        ]


class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Asset.objects.prefetch_related("checks").order_by("id")
    serializer_class = AssetSerializer
