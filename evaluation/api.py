"""API of the performance tables, scoped by evaluation.rules like every other endpoint (money in 元). Reads list
and look up; writes go through the same services as the pages (evaluation.services: the lead department and
民生办 draft, only while draft or returned; ``version`` guards concurrent edits, a stale one answers 409)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalogue.models import Project
from core.api import ScopedViewSet
from core.policy import restrict
from evaluation import services
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation
from surveys.api import call_service

VERSION = serializers.IntegerField(min_value=1, max_value=2**31, required=False, write_only=True)


class PerformanceTargetSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    expected_version = VERSION

    class Meta:
        model = PerformanceTarget
        fields = [
            "id",
            "project",
            "overall_goal",
            "annual_goal",
            "contact",
            "phone",
            "status",
            "return_reason",
            "submitted_at",
            "decided_at",
            "version",
            "expected_version",
        ]
        read_only_fields = ["status", "return_reason", "submitted_at", "decided_at", "version"]


class MonitoringSheetSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    month = serializers.IntegerField(min_value=1, max_value=12)
    expected_version = VERSION

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
            "version",
            "expected_version",
        ]
        read_only_fields = ["version"]
        validators: list[Any] = []  # POST saves the project's sheet of the month, existing or not

    def validate_forecasts(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("须为以指标编号为键的对象")
        from core import numbers

        clean = {}
        for key, raw in value.items():
            if raw is None:
                continue
            try:
                clean[str(key)] = numbers.parse_quantity(str(raw), field_label="指标全年预计完成值")
            except numbers.NumberError as exc:
                raise serializers.ValidationError(exc.message) from exc
        return clean


class SelfEvaluationSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    expected_version = VERSION

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
            "version",
            "expected_version",
        ]
        read_only_fields = ["score", "grade", "status", "office_opinion", "version"]


class _Writable(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """POST saves the project's table (creates it, or changes it when it exists); PUT/PATCH change one."""

    fixed = ("project",)  # identify the table, never changed by an update

    def save(
        self, *, project: Project, data: dict[str, Any], expected_version: int | None, instance: Any
    ) -> Any:
        raise NotImplementedError

    def _write(self, request: Request, instance: Any = None) -> Response:
        serializer = self.get_serializer(instance, data=request.data, partial=instance is not None)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("expected_version", None)
        if instance is None:
            project = data["project"]
            if not restrict(Project.objects.filter(pk=project.pk), request.user, "view").exists():
                raise ApiValidationError({"project": ["项目不存在或无权查看"]})
        else:
            project = instance.project
            if version is None:
                raise ApiValidationError({"expected_version": ["修改时须提供读取时的版本号"]})
        ident = {name: data.pop(name, None) for name in self.fixed}
        self.ident = ident
        saved = self.save(project=project, data=data, expected_version=version, instance=instance)
        return Response(self.get_serializer(saved).data, status=201 if instance is None else 200)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._write(request)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._write(request, self.get_object())


class PerformanceTargetViewSet(_Writable):
    queryset = PerformanceTarget.objects.order_by("id")
    serializer_class = PerformanceTargetSerializer

    def save(
        self, *, project: Project, data: dict[str, Any], expected_version: int | None, instance: Any
    ) -> Any:
        return call_service(
            services.performance_target_save,
            actor=self.request.user,
            project=project,
            data=data,
            expected_version=expected_version,
            reason="API",
        )


class MonitoringSheetViewSet(_Writable):
    queryset = MonitoringSheet.objects.order_by("id")
    serializer_class = MonitoringSheetSerializer
    fixed = ("project", "month")

    def save(
        self, *, project: Project, data: dict[str, Any], expected_version: int | None, instance: Any
    ) -> Any:
        month = instance.month if instance is not None else self.ident["month"]
        return call_service(
            services.monitoring_save,
            actor=self.request.user,
            project=project,
            month=month,
            data=data,
            expected_version=expected_version,
            reason="API",
        )


class SelfEvaluationViewSet(_Writable):
    queryset = SelfEvaluation.objects.order_by("id")
    serializer_class = SelfEvaluationSerializer

    def save(
        self, *, project: Project, data: dict[str, Any], expected_version: int | None, instance: Any
    ) -> Any:
        return call_service(
            services.self_evaluation_save,
            actor=self.request.user,
            project=project,
            data=data,
            expected_version=expected_version,
            reason="API",
        )
