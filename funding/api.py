from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import DecimalField, ScopedViewSet
from funding.models import FundingAdjustment, FundingLine
from funding.selectors import with_current


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingAdjustment
        fields = ["id", "date", "delta", "reason", "created_at"]


class FundingLineSerializer(serializers.ModelSerializer):
    adjustments = AdjustmentSerializer(many=True, read_only=True)
    current = DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = FundingLine
        fields = ["id", "project", "unit", "source", "original", "current", "adjustments", "version"]


class FundingLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Funding plans in 元: the original budget, every dated adjustment and the current amount."""

    queryset = FundingLine.objects.prefetch_related("adjustments").order_by("project_id", "unit_id", "source")
    serializer_class = FundingLineSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return with_current(super().get_queryset())
