from __future__ import annotations

from rest_framework import mixins, serializers

from alerts.models import AlertRule
from core.api import ScopedViewSet


class AlertRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertRule
        fields = ["id", "program", "kind", "label", "yellow", "red", "enabled", "version"]


class AlertRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The alert rules (read-only; 民生办 edits them on the rules page). Computed alerts: ``/alerts/data.json``."""

    queryset = AlertRule.objects.order_by("id")
    serializer_class = AlertRuleSerializer
