"""The surveys' API, scoped by surveys.rules like every other endpoint: questionnaires (read; POST
``default/`` makes the default one), waves with their figures (read, create and change through the services),
answer sheets (read, and POST one entered by a surveyor); the published figures read-only on the public API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from catalogue.models import Project
from core.api import ScopedViewSet, call_service
from core.policy import restrict
from orgs.models import Organisation
from portal.api import PublicThrottle
from surveys import selectors, services
from surveys.models import Option, Question, Questionnaire, Response, Source, Wave


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "order", "label", "score", "counts_aware", "counts_satisfied", "excluded"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "text", "measure", "options"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "name", "intro", "is_default", "questions"]


class QuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Questionnaire.objects.prefetch_related("questions__options").order_by("id")
    serializer_class = QuestionnaireSerializer
    policy_actions = {"default": "add"}

    @extend_schema(request=None, responses=QuestionnaireSerializer)
    @action(detail=False, methods=["post"])
    def default(self, request: Request) -> ApiResponse:
        """Make the default questionnaire (知晓 + 满意; 满意/比较满意/一般/不满意/不清楚 = 100/80/60/0/不计入)."""
        made = call_service(services.questionnaire_create_default, actor=request.user)
        return ApiResponse(QuestionnaireSerializer(made).data, status=status.HTTP_201_CREATED)


class FiguresSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    awareness_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    satisfaction_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    excluded = serializers.IntegerField()


class WaveSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    sample_size = serializers.IntegerField(min_value=1, max_value=100000)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Wave
        fields = [
            "id",
            "project",
            "unit",
            "questionnaire",
            "name",
            "method",
            "sample_size",
            "start",
            "end",
            "is_open",
            "is_published",
            "version",
            "figures",
        ]
        read_only_fields = ["version"]

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, obj: Wave) -> dict[str, Any]:
        figures = self.context.get("figures", {}).get(obj.pk)
        if figures is None:
            figures = selectors.figures_for([obj.pk])[obj.pk]
        return FiguresSerializer(figures).data


class WaveUpdateSerializer(serializers.ModelSerializer):
    sample_size = serializers.IntegerField(min_value=1, max_value=100000, required=False)
    version = serializers.IntegerField(min_value=1, max_value=2**31)

    class Meta:
        model = Wave
        fields = ["name", "method", "sample_size", "start", "end", "is_open", "is_published", "version"]
        extra_kwargs = {
            f: {"required": False} for f in ["name", "method", "start", "end", "is_open", "is_published"]
        }


class WaveViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Waves with their figures (知晓率, 满意率 in %, 满意度 score 0–100; null without valid answers). POST creates
    (民生办, the lead department), PATCH/PUT changes with ``version`` (a stale one answers 409)."""

    queryset = Wave.objects.select_related("project", "unit").order_by("id")
    serializer_class = WaveSerializer

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action in ("update", "partial_update"):
            return WaveUpdateSerializer
        return WaveSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        items = list(page if page is not None else [])
        context = {**self.get_serializer_context(), "figures": selectors.figures_for([w.pk for w in items])}
        data = WaveSerializer(items, many=True, context=context).data
        return self.get_paginated_response(data)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        project = data["project"]
        if not restrict(Project.objects.filter(pk=project.pk), self.request.user, "view").exists():
            raise ApiValidationError({"project": ["项目不存在或无权查看"]})
        data.pop("is_published", None)
        serializer.instance = call_service(services.wave_create, actor=self.request.user, **data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        wave = self.get_object()
        serializer = WaveUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ApiValidationError({"version": ["修改时须提供读取时的版本号"]})
        wave = call_service(
            services.wave_update, actor=request.user, wave=wave, data=data, expected_version=version
        )
        return ApiResponse(WaveSerializer(wave, context=self.get_serializer_context()).data)


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    option = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class ResponseSerializer(serializers.ModelSerializer):
    wave = serializers.PrimaryKeyRelatedField(queryset=Wave.objects.all())
    answers = AnswerInSerializer(many=True, write_only=True, min_length=1, max_length=200)
    choices = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "wave", "source", "created_at", "answers", "choices"]
        read_only_fields = ["source", "created_at"]

    @extend_schema_field(AnswerInSerializer(many=True))
    def get_choices(self, obj: Response) -> list[dict[str, int]]:
        return [{"question": a.question_id, "option": a.option_id} for a in obj.answers.all()]


class ResponseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Anonymous answer sheets (no personal data). POST records one entered by a surveyor: ``wave`` and
    ``answers`` [{question, option}], every question answered."""

    queryset = Response.objects.prefetch_related("answers").order_by("id")
    serializer_class = ResponseSerializer

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        wave = data["wave"]
        if not restrict(Wave.objects.filter(pk=wave.pk), self.request.user, "view").exists():
            raise ApiValidationError({"wave": ["调查不存在或无权查看"]})
        choices = {a["question"]: a["option"] for a in data["answers"]}
        serializer.instance = call_service(
            services.response_record,
            wave=wave,
            choices=choices,
            source=Source.SURVEYOR,
            actor=self.request.user,
        )


PUBLIC_SURVEYS = inline_serializer(
    "PublicSurveyResult",
    fields={
        "id": serializers.IntegerField(),
        "year": serializers.IntegerField(),
        "project": serializers.CharField(),
        "unit": serializers.CharField(),
        "name": serializers.CharField(),
        "method": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "sample_size": serializers.IntegerField(),
        "figures": FiguresSerializer(),
    },
    many=True,
)


@extend_schema(responses=PUBLIC_SURVEYS, tags=["public"], operation_id="public_surveys_list")
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def public_surveys(request: Request) -> ApiResponse:
    """The figures of the published waves of published programs (no answer sheet, nothing personal)."""
    return ApiResponse(
        [
            {
                "id": row.wave.id,
                "year": row.wave.project.program.year,
                "project": row.wave.project.name,
                "unit": row.wave.unit.name,
                "name": row.wave.name,
                "method": row.wave.method,
                "start": row.wave.start,
                "end": row.wave.end,
                "sample_size": row.wave.sample_size,
                "figures": FiguresSerializer(row.figures).data,
            }
            for row in selectors.public_results()
        ]
    )
