from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError

from core.api import ScopedViewSet, id_param, id_parameters
from core.numbers import QUANTITY_MAX
from responsibility import services
from responsibility.models import Indicator, Letter, Target


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "project",
            "order",
            "name",
            "unit",
            "category",
            "direction",
            "cumulative",
            "additive",
            "target",
            "is_default",
            "version",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", "unit", "value", "plan", "version"]
        extra_kwargs = {"value": {"min_value": 0, "max_value": QUANTITY_MAX}}
        read_only_fields = ["version"]
        validators: list = []  # POST sets or replaces; target_set decides


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Letter
        fields = [
            "id",
            "program",
            "organisation",
            "status",
            "snapshot",
            "issued_at",
            "signed_date",
            "signer",
            "version",
        ]


class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Indicator.objects.order_by("project__program__year", "project__order", "order")
    serializer_class = IndicatorSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if (project := id_param(self.request, "project")) is not None:
            qs = qs.filter(project_id=project)
        return qs

    @extend_schema(parameters=id_parameters("project"))
    def list(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """POST sets (creates or replaces) a unit's target for an indicator, through the same service as the pages."""

    queryset = Target.objects.select_related("indicator").order_by("indicator_id", "unit__order")
    serializer_class = TargetSerializer

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        from django.core.exceptions import PermissionDenied, ValidationError

        data = serializer.validated_data
        try:
            serializer.instance = services.target_set(
                actor=self.request.user,
                indicator=data["indicator"],
                unit=data["unit"],
                value=data["value"],
                plan=data.get("plan") or [],
                reason="API",
            )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise ApiValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Letter.objects.select_related("organisation").order_by("program__year", "organisation__order")
    serializer_class = LetterSerializer
