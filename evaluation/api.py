"""Read-only API of the performance tables, scoped by evaluation.rules like every other endpoint (money in 元)."""

from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import ScopedViewSet
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation


class PerformanceTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PerformanceTarget
        fields = [
            "id",
            "project",
            "overall_goal",
            "annual_goal",
            "status",
            "return_reason",
            "submitted_at",
            "decided_at",
        ]


class MonitoringSheetSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringSheet
        fields = [
            "id",
            "project",
            "month",
            "forecast_spent",
            "forecasts",
            "deviation_reason",
            "deviation_note",
            "likelihood",
            "measures",
        ]


class SelfEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfEvaluation
        fields = [
            "id",
            "project",
            "weight_budget",
            "weight_output",
            "weight_benefit",
            "weight_satisfaction",
            "satisfaction_value",
            "satisfaction_source",
            "score",
            "grade",
            "status",
            "department_opinion",
            "office_opinion",
        ]


class PerformanceTargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = PerformanceTarget.objects.order_by("id")
    serializer_class = PerformanceTargetSerializer


class MonitoringSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = MonitoringSheet.objects.order_by("id")
    serializer_class = MonitoringSheetSerializer


class SelfEvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = SelfEvaluation.objects.order_by("id")
    serializer_class = SelfEvaluationSerializer
