from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from core.api import ScopedViewSet, id_param, id_parameters
from core.numbers import TEXT_MAX
from core.services import ConflictError
from reporting import services
from reporting.models import Report, ReportFunds, ReportValue, Status, Transition


class ValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportValue
        fields = ["indicator", "value"]


class FundsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportFunds
        fields = ["source", "arrived", "spent"]


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = Transition
        fields = ["at", "actor", "from_status", "to_status", "opinion"]


class ReportSerializer(serializers.ModelSerializer):
    values = ValueSerializer(many=True, read_only=True)
    funds = FundsSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    month = serializers.IntegerField(source="period.month", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "project",
            "unit",
            "period",
            "month",
            "status",
            "beneficiaries",
            "progress",
            "problems",
            "next_steps",
            "explanation",
            "submitted_at",
            "confirmed_at",
            "version",
            "values",
            "funds",
            "transitions",
        ]


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["submit", "approve", "return", "unlock"])
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Reports scoped like the pages; ``POST /api/reports/{id}/transition/`` moves one through the workflow."""

    queryset = (
        Report.objects.select_related("period")
        .prefetch_related("values", "funds", "transitions__actor")
        .order_by("period__month", "project_id", "unit_id")
    )
    serializer_class = ReportSerializer
    # a transition needs only to see the report: who may take which step is reporting.rules' (report_decide)
    policy_actions = {"transition": "view"}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        params = self.request.query_params
        for name in ("project", "unit", "period"):
            if (value := id_param(self.request, name)) is not None:
                qs = qs.filter(**{f"{name}_id": value})
        if status := params.get("status"):
            if status not in Status.values:
                raise ApiValidationError({"status": [f"status：须为{'、'.join(Status.values)}之一"]})
            qs = qs.filter(status=status)
        return qs

    @extend_schema(
        parameters=[
            *id_parameters("project", "unit", "period"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(Status.values), required=False),
        ]
    )
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DecisionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: Any = None) -> Response:
        report = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        act, opinion = decision.validated_data["action"], decision.validated_data["opinion"]
        try:
            services.report_decide(actor=request.user, report=report, action=act, opinion=opinion)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except (ValidationError, ConflictError) as exc:
            raise ApiValidationError(getattr(exc, "messages", [str(exc)])) from exc
        report.refresh_from_db()
        return Response(ReportSerializer(report).data)
