"""API of the performance tables, scoped by evaluation.rules like every other endpoint (money in 元). Reads list
and look up; writes go through the same services as the pages (evaluation.services: the lead department and
民生办 draft, only while draft or returned; ``version`` guards concurrent edits, a stale one answers 409)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from catalogue.models import Program, Project
from core.api import ScopedViewSet, call_service, id_param, id_parameters
from core.policy import restrict
from evaluation import assessment, selectors, services
from evaluation.models import (
    Constraint,
    Item,
    ItemScore,
    MonitoringSheet,
    Objection,
    PerformanceTarget,
    Rescore,
    RewardPool,
    RewardShare,
    Run,
    SampleCheck,
    Scheme,
    SelfEvaluation,
    Track,
    UnitResult,
)
from orgs.models import Organisation
from portal.api import PublicThrottle

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


# --- 目标管理绩效考评 (unit assessment) --------------------------------------------------------------------------
# Schemes, runs, unit results with their item scores (the drill-down: formula, figures and the data rows counted),
# sampled checks and objections, all restricted by evaluation.rules; every write goes through evaluation.services
# (民生办 builds the scheme, runs, answers, re-scores, approves and publishes; a unit objects to its own items; the
# scoring department enters manual scores and sample results). The public reads published totals and 档次 only,
# on /api/public/assessments/.

POINTS = serializers.DecimalField(
    max_digits=6, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
)


class BandSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=20, label="档次名称")
    min = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), label="最低分"
    )


class ItemSerializer(serializers.ModelSerializer):
    track = serializers.PrimaryKeyRelatedField(queryset=Track.objects.all())
    formula = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "track",
            "order",
            "name",
            "points",
            "rule",
            "metric",
            "per_failure",
            "sample_source",
            "sample_size",
            "criteria",
            "formula",
        ]
        extra_kwargs = {
            "points": {"min_value": Decimal("0.01"), "max_value": Decimal(100)},
            "per_failure": {"min_value": Decimal(0), "max_value": Decimal(100)},
            "sample_size": {"min_value": 1, "max_value": 1000},
            "order": {"min_value": 0, "max_value": 32767},
        }

    def get_formula(self, obj: Item) -> str:
        return str(assessment.formula(obj))


class TrackSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)
    scorer_name = serializers.SerializerMethodField()

    class Meta:
        model = Track
        fields = ["id", "order", "name", "kind", "applies_to", "scorer", "scorer_name", "items"]

    def get_scorer_name(self, obj: Track) -> str:
        return obj.scorer.display_name if obj.scorer else "民生办"


class SchemeSerializer(serializers.ModelSerializer):
    tracks = TrackSerializer(many=True, read_only=True)
    bands = BandSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "program", "title", "bands", "objection_days", "version", "tracks"]


class SchemeCreateSerializer(serializers.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all(), label="年度计划")


class SchemeUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, label="考评办法名称")
    objection_days = serializers.IntegerField(
        min_value=1, max_value=60, required=False, label="申诉期限（天）"
    )
    bands = BandSerializer(many=True, required=False, min_length=1, max_length=20, label="档次")
    version = serializers.IntegerField(min_value=1, max_value=2**31, label="版本")


def _visible(model: Any, pk: int, user: Any) -> bool:
    return restrict(model.objects.filter(pk=pk), user, "view").exists()


@extend_schema_view(
    list=extend_schema(parameters=id_parameters("program")),
    create=extend_schema(request=SchemeCreateSerializer, responses={201: SchemeSerializer}),
    update=extend_schema(request=SchemeUpdateSerializer, responses=SchemeSerializer),
    partial_update=extend_schema(request=SchemeUpdateSerializer, responses=SchemeSerializer),
)
class SchemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """考评办法 with its tracks and items (the formula of each). POST {program} makes the year's scheme from the
    default template (民生办); PATCH changes title, objection window and 档次 with ``version``."""

    queryset = Scheme.objects.prefetch_related("tracks__items", "tracks__scorer").order_by("id")
    serializer_class = SchemeSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        program = id_param(self.request, "program", "年度计划")
        return qs.filter(program_id=program) if program else qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SchemeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program = serializer.validated_data["program"]
        if not _visible(Program, program.pk, request.user):
            raise ApiValidationError({"program": ["年度计划不存在或无权查看"]})
        scheme = call_service(services.scheme_create_from_template, actor=request.user, program=program)
        return Response(SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scheme = self.get_object()
        serializer = SchemeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        if "bands" in data:
            data["bands"] = [{"label": b["label"], "min": str(b["min"])} for b in data["bands"]]
        call_service(
            services.scheme_update, actor=request.user, scheme=scheme, data=data, expected_version=version
        )
        return Response(SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data)


class ItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """The items of the schemes: 民生办 adds, changes and deletes them (an item already scored is kept)."""

    queryset = Item.objects.select_related("track").order_by("track__scheme", "track__order", "order", "id")
    serializer_class = ItemSerializer

    def _data(self, serializer: Any) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        data.pop("track", None)
        return data

    def perform_create(self, serializer: Any) -> None:
        track = serializer.validated_data["track"]
        if not _visible(Track, track.pk, self.request.user):
            raise ApiValidationError({"track": ["考核类别不存在或无权查看"]})
        serializer.instance = call_service(
            services.item_save, actor=self.request.user, track=track, data=self._data(serializer)
        )

    def perform_update(self, serializer: Any) -> None:
        item = serializer.instance
        serializer.instance = call_service(
            services.item_save,
            actor=self.request.user,
            track=item.track,
            item=item,
            data=self._data(serializer),
        )

    def perform_destroy(self, instance: Item) -> None:
        call_service(services.item_delete, actor=self.request.user, item=instance)


class RunSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="scheme.program.year", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "scheme",
            "title",
            "year",
            "month",
            "annual",
            "status",
            "seed",
            "computed_at",
            "objection_deadline",
            "approved_at",
            "published_at",
            "version",
        ]
        read_only_fields = fields

    def get_title(self, obj: Run) -> str:
        return str(obj)


class RunCreateSerializer(serializers.Serializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all(), label="考评办法")
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, label="截至月份")
    annual = serializers.BooleanField(default=False, label="年度考评")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("annual") and "month" not in attrs:
            raise serializers.ValidationError({"month": ["截至月份：月度考评须填写1到12"]})
        return attrs


@extend_schema_view(
    list=extend_schema(parameters=id_parameters("scheme", "program")),
    create=extend_schema(request=RunCreateSerializer, responses={201: RunSerializer}),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Runs (monthly or annual). POST {scheme, month | annual} computes (or, while not locked, re-computes) the
    run through the service, every unit and item; ``approve`` locks it, ``publish`` puts it on the portal."""

    queryset = Run.objects.select_related("scheme__program").order_by("id")
    serializer_class = RunSerializer
    policy_actions = {"approve": "change", "publish": "change"}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        scheme = id_param(self.request, "scheme", "考评办法")
        program = id_param(self.request, "program", "年度计划")
        if scheme:
            qs = qs.filter(scheme_id=scheme)
        return qs.filter(scheme__program_id=program) if program else qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not _visible(Scheme, data["scheme"].pk, request.user):
            raise ApiValidationError({"scheme": ["考评办法不存在或无权查看"]})
        run = call_service(
            services.run_compute,
            actor=request.user,
            scheme=data["scheme"],
            month=data.get("month") or 12,
            annual=data["annual"],
        )
        return Response(RunSerializer(run).data, status=201)

    def _move(self, service: Any) -> Response:
        run = call_service(service, actor=self.request.user, run=self.get_object())
        return Response(RunSerializer(run).data)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """民生办 approves: the results are locked (refused while objections are open or manual items unscored)."""
        return self._move(services.run_approve)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        """Publish an approved run (totals and 档次 per unit on the portal and the public API)."""
        return self._move(services.run_publish)


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SampleCheck
        fields = ["id", "score", "source", "object_id", "label", "passed", "note"]
        read_only_fields = ["score", "source", "object_id", "label"]
        extra_kwargs = {"passed": {"allow_null": False, "required": True}}


class RescoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rescore
        fields = ["id", "objection", "old", "new", "reason", "at"]


class ObjectionSerializer(serializers.ModelSerializer):
    score = serializers.PrimaryKeyRelatedField(queryset=ItemScore.objects.all(), label="考核项目得分")
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "score", "text", "filed_at", "answer", "answered_at", "is_open"]
        read_only_fields = ["filed_at", "answer", "answered_at"]
        extra_kwargs = {"text": {"max_length": 2000}}


class ItemScoreSerializer(serializers.ModelSerializer):
    """One item of one unit: the score (re-scored or computed), the formula and its figures (``detail``) and the
    data rows that produced it, each with the link to its page."""

    name = serializers.CharField(source="item.name", read_only=True)
    track = serializers.CharField(source="item.track.name", read_only=True)
    points = serializers.DecimalField(source="item.points", max_digits=5, decimal_places=2, read_only=True)
    rule = serializers.CharField(source="item.rule", read_only=True)
    metric = serializers.CharField(source="item.metric", read_only=True)
    formula = serializers.SerializerMethodField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    rows = serializers.SerializerMethodField()
    samples = SampleSerializer(many=True, read_only=True)
    rescores = RescoreSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = ItemScore
        fields = [
            "id",
            "result",
            "item",
            "name",
            "track",
            "points",
            "rule",
            "metric",
            "formula",
            "computed",
            "adjusted",
            "score",
            "detail",
            "rows",
            "evidence",
            "scorer_name",
            "version",
            "samples",
            "rescores",
            "objections",
        ]
        read_only_fields = fields

    def get_formula(self, obj: ItemScore) -> str:
        return str(assessment.formula(obj.item))

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_rows(self, obj: ItemScore) -> list[dict[str, Any]]:
        return selectors.score_rows(obj)


class ManualScoreSerializer(serializers.Serializer):
    value = POINTS
    evidence = serializers.CharField(max_length=2000, label="评分依据")
    scorer_name = serializers.CharField(max_length=50, label="评分人")
    version = serializers.IntegerField(min_value=1, max_value=2**31, label="版本")


class RescoreInSerializer(serializers.Serializer):
    value = POINTS
    reason = serializers.CharField(max_length=2000, label="复核理由")
    version = serializers.IntegerField(min_value=1, max_value=2**31, label="版本")


class ObjectionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000, label="答复意见")
    new_score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        allow_null=True,
        label="复核后得分",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, label="复核理由")


def _in_points(score: ItemScore, value: Decimal | None, field: str) -> None:
    if value is not None and value > Decimal(score.item.points):
        raise ApiValidationError({field: [f"得分：应在0到该项分值（{score.item.points}分）之间"]})


def _scores(user: Any) -> Any:
    return restrict(
        ItemScore.objects.select_related("item__track", "result__run").prefetch_related(
            "samples", "rescores", "objections"
        ),
        user,
        "view",
    ).order_by("result", "item__track__order", "item__order", "id")


class UnitResultSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.display_name", read_only=True)
    items = ItemScoreSerializer(many=True, read_only=True, source="visible_items")

    class Meta:
        model = UnitResult
        fields = ["id", "run", "unit", "unit_name", "group", "score", "band", "rank", "items"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=id_parameters("run", "unit")))
class UnitResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Each unit's total, 档次 and rank, with the item scores the caller may see (a town: its own only; the
    totals of other units once the run is published)."""

    queryset = UnitResult.objects.select_related("unit").order_by("run", "group", "rank", "unit__order", "id")
    serializer_class = UnitResultSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        run = id_param(self.request, "run", "考评")
        unit = id_param(self.request, "unit", "被考核单位")
        if run:
            qs = qs.filter(run_id=run)
        if unit:
            qs = qs.filter(unit_id=unit)
        return qs.prefetch_related(
            Prefetch("items", queryset=_scores(self.request.user), to_attr="visible_items")
        )


@extend_schema_view(list=extend_schema(parameters=id_parameters("run", "result")))
class ItemScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The drill-down of one item. PATCH enters a manual item's score (value, evidence, scorer, ``version``: the
    scoring department or 民生办, while the run is open); ``rescore`` (民生办) records a changed score with its
    reason — the only way a computed score changes."""

    queryset = ItemScore.objects.all()
    serializer_class = ItemScoreSerializer
    policy_actions = {"rescore": "change"}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = _scores(self.request.user)
        run = id_param(self.request, "run", "考评")
        result = id_param(self.request, "result", "单位考评结果")
        if run:
            qs = qs.filter(result__run_id=run)
        return qs.filter(result_id=result) if result else qs

    @extend_schema(request=ManualScoreSerializer, responses=ItemScoreSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        score = self.get_object()
        serializer = ManualScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _in_points(score, data["value"], "value")
        call_service(
            services.manual_score_save,
            actor=request.user,
            score=score,
            value=data["value"],
            evidence=data["evidence"],
            scorer_name=data["scorer_name"],
            expected_version=data["version"],
        )
        return Response(ItemScoreSerializer(self.get_queryset().get(pk=score.pk)).data)

    @extend_schema(request=RescoreInSerializer, responses=ItemScoreSerializer)
    @action(detail=True, methods=["post"])
    def rescore(self, request: Request, pk: Any = None) -> Response:
        score = self.get_object()
        serializer = RescoreInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _in_points(score, data["value"], "value")
        call_service(
            services.item_rescore,
            actor=request.user,
            score=score,
            value=data["value"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return Response(ItemScoreSerializer(self.get_queryset().get(pk=score.pk)).data)


class SampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    """Records drawn for 抽样扣分 items; PATCH {passed, note} records the check (a failure needs the note), and
    the item's score follows."""

    queryset = SampleCheck.objects.select_related("score__item", "score__result__run").order_by("score", "id")
    serializer_class = SampleSerializer

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        check = serializer.instance
        if "passed" not in data:
            raise ApiValidationError({"passed": ["检查合格：须填写 true 或 false"]})
        serializer.instance = call_service(
            services.sample_result_save,
            actor=self.request.user,
            check=check,
            passed=data["passed"],
            note=data.get("note", check.note),
        )


@extend_schema_view(list=extend_schema(parameters=id_parameters("run", "score")))
class ObjectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """申诉: POST {score, text} — the assessed unit, on its own item, before the deadline and approval; ``answer``
    (民生办) {answer, new_score?, reason?}: a changed score is recorded as a re-score."""

    queryset = Objection.objects.select_related("score__result__run").order_by("id")
    serializer_class = ObjectionSerializer
    policy_actions = {
        "create": "view",
        "answer": "change",
    }  # filing: seeing one's item is enough, the service decides

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        run = id_param(self.request, "run", "考评")
        score = id_param(self.request, "score", "考核项目得分")
        if run:
            qs = qs.filter(score__result__run_id=run)
        return qs.filter(score_id=score) if score else qs

    def perform_create(self, serializer: Any) -> None:
        score = serializer.validated_data["score"]
        if not _visible(ItemScore, score.pk, self.request.user):
            raise ApiValidationError({"score": ["考核项目得分不存在或无权查看"]})
        serializer.instance = call_service(
            services.objection_file,
            actor=self.request.user,
            score=score,
            text=serializer.validated_data["text"],
        )

    @extend_schema(request=ObjectionAnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        objection = self.get_object()
        serializer = ObjectionAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _in_points(objection.score, data.get("new_score"), "new_score")
        call_service(
            services.objection_answer,
            actor=request.user,
            objection=objection,
            answer=data["answer"],
            new_score=data.get("new_score"),
            reason=data.get("reason", ""),
        )
        objection.refresh_from_db()
        return Response(ObjectionSerializer(objection).data)


class PublicResultSerializer(serializers.Serializer):
    unit = serializers.CharField()
    group = serializers.CharField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2)
    band = serializers.CharField()
    rank = serializers.IntegerField()


class PublicRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField()
    month = serializers.IntegerField()
    annual = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    results = PublicResultSerializer(many=True)


def _public_run(run: Run, results: list[UnitResult]) -> dict[str, Any]:
    return {
        "id": run.id,
        "year": run.scheme.program.year,
        "title": str(run),
        "month": run.month,
        "annual": run.annual,
        "published_at": run.published_at,
        "results": [
            {
                "unit": r.unit.display_name,
                "group": r.group,
                "score": str(r.score),
                "band": r.band,
                "rank": r.rank,
            }
            for r in results
        ],
    }


@extend_schema(
    responses=PublicRunSerializer(many=True),
    parameters=id_parameters("program"),
    tags=["public"],
    operation_id="public_assessments_list",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def public_assessments(request: Request) -> Response:
    """The published runs of published programs: totals, 档次 and rank per unit (nothing personal)."""
    program = id_param(request, "program", "年度计划")
    return Response([_public_run(run, results) for run, results in selectors.public_runs(program=program)])


@extend_schema(responses=PublicRunSerializer, tags=["public"], operation_id="public_assessment_retrieve")
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def public_assessment(request: Request, pk: int) -> Response:
    rows = selectors.public_runs(pk=pk)
    if not rows:
        raise NotFound("未找到。")
    return Response(_public_run(*rows[0]))
