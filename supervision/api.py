from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import ScopedViewSet
from supervision.models import Finding, Inspection, Step


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["kind", "text", "at"]


class FindingSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "source",
            "project",
            "description",
            "responsible",
            "deadline",
            "status",
            "closed_at",
            "steps",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "id",
            "supervisor",
            "program",
            "date",
            "projects",
            "unit",
            "place",
            "methods",
            "summary",
            "suggestions",
        ]


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Finding.objects.prefetch_related("steps").order_by("deadline", "id")
    serializer_class = FindingSerializer


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Inspection.objects.prefetch_related("projects").order_by("-date", "-id")
    serializer_class = InspectionSerializer
