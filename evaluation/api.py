"""API of the performance tables, scoped by evaluation.rules like every other endpoint (money in 元). Reads list
and look up; writes go through the same services as the pages (evaluation.services: the lead department and
民生办 draft, only while draft or returned; ``version`` guards concurrent edits, a stale one answers 409)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalogue.models import Project
from core.api import ScopedViewSet
from core.policy import restrict
from evaluation import services
from evaluation.models import (
    Constraint,
    MonitoringSheet,
    PerformanceTarget,
    RewardPool,
    RewardShare,
    Run,
    SelfEvaluation,
)
from orgs.models import Organisation
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


# --- 正向激励和刚性约束 ----------------------------------------------------------------------------------------


class RewardShareSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="result.unit_id", read_only=True)
    unit_name = serializers.CharField(source="result.unit.display_name", read_only=True)
    score = serializers.DecimalField(source="result.score", max_digits=6, decimal_places=2, read_only=True)
    band = serializers.CharField(source="result.band", read_only=True)
    run = serializers.IntegerField(source="pool.run_id", read_only=True)

    class Meta:
        model = RewardShare
        fields = [
            "id",
            "run",
            "unit",
            "unit_name",
            "score",
            "band",
            "amount",
            "formula",
            "line",
            "created_line",
        ]
        read_only_fields = fields


class RewardPoolSerializer(serializers.ModelSerializer):
    """Money in 元. ``band_amounts``: 档次 name → 元 per unit (按档次定额)."""

    run = serializers.PrimaryKeyRelatedField(queryset=Run.objects.all())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    shares = RewardShareSerializer(many=True, read_only=True)
    expected_version = VERSION

    class Meta:
        model = RewardPool
        fields = [
            "id",
            "run",
            "amount",
            "rule",
            "band_amounts",
            "min_band",
            "applies_to",
            "target",
            "project",
            "source",
            "note",
            "status",
            "allocated_at",
            "shares",
            "version",
            "expected_version",
        ]
        read_only_fields = ["status", "allocated_at", "version"]
        validators: list[Any] = []

    def validate_band_amounts(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("须为以档次名称为键的对象")
        return value


class _Version(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1, max_value=2**31)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RewardPoolViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """POST saves the run's pool (creates it, or changes a draft); ``allocate`` and ``reverse`` as on the page."""

    queryset = RewardPool.objects.order_by("id")
    serializer_class = RewardPoolSerializer
    policy_actions = {"allocate": "change", "reverse": "change"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("expected_version", None)
        run = data.pop("run")
        if not restrict(Run.objects.filter(pk=run.pk), request.user, "view").exists():
            raise ApiValidationError({"run": ["考评不存在或无权查看"]})
        pool = call_service(
            services.reward_pool_save, actor=request.user, run=run, data=data, expected_version=version
        )
        return Response(self.get_serializer(pool).data, status=201)

    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: Any = None) -> Response:
        pool = self.get_object()
        body = _Version(data=request.data)
        body.is_valid(raise_exception=True)
        call_service(
            services.reward_pool_allocate,
            actor=request.user,
            pool=pool,
            expected_version=body.validated_data["expected_version"],
        )
        pool.refresh_from_db()
        return Response(self.get_serializer(pool).data)

    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: Any = None) -> Response:
        pool = self.get_object()
        body = _Version(data=request.data)
        body.is_valid(raise_exception=True)
        call_service(
            services.reward_pool_reverse,
            actor=request.user,
            pool=pool,
            reason=body.validated_data.get("reason", ""),
            expected_version=body.validated_data["expected_version"],
        )
        pool.refresh_from_db()
        return Response(self.get_serializer(pool).data)


class RewardShareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The shares of allocated pools (a unit: its own)."""

    queryset = RewardShare.objects.select_related("result__unit", "pool").order_by("id")
    serializer_class = RewardShareSerializer


class ConstraintSerializer(serializers.ModelSerializer):
    run = serializers.PrimaryKeyRelatedField(queryset=Run.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    reason = serializers.CharField(max_length=2000)
    attendees = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    commitments = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta:
        model = Constraint
        fields = [
            "id",
            "program",
            "run",
            "unit",
            "kind",
            "reason",
            "date",
            "attendees",
            "commitments",
            "deadline",
            "follow_up",
            "closed_at",
            "version",
        ]
        read_only_fields = ["program", "follow_up", "closed_at", "version"]


class _Close(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1, max_value=2**31)
    follow_up = serializers.CharField(max_length=2000)


class ConstraintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """POST records a constraint of a unit assessed in ``run``; ``close`` records the follow-up."""

    queryset = Constraint.objects.select_related("unit").order_by("id")
    serializer_class = ConstraintSerializer
    policy_actions = {"close": "change"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        run, unit = data.pop("run"), data.pop("unit")
        if not restrict(Run.objects.filter(pk=run.pk), request.user, "view").exists():
            raise ApiValidationError({"run": ["考评不存在或无权查看"]})
        c = call_service(
            services.constraint_record,
            actor=request.user,
            program=run.scheme.program,
            run=run,
            unit=unit,
            data=data,
        )
        return Response(self.get_serializer(c).data, status=201)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        c = self.get_object()
        body = _Close(data=request.data)
        body.is_valid(raise_exception=True)
        call_service(
            services.constraint_close,
            actor=request.user,
            constraint=c,
            follow_up=body.validated_data["follow_up"],
            expected_version=body.validated_data["expected_version"],
        )
        c.refresh_from_db()
        return Response(self.get_serializer(c).data)
