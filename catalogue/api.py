from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from catalogue.derivation import derived_values, local_overrides
from catalogue.diff import Fate, program_diff
from catalogue.models import Derivation, Program, Project, ProjectChange
from core.api import ScopedViewSet, id_param, id_parameters, int_param


class ProgramSerializer(serializers.ModelSerializer):
    project_count = serializers.IntegerField(read_only=True)
    display_title = serializers.CharField(read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "year",
            "level",
            "issuer",
            "issuer_name",
            "noun",
            "title",
            "display_title",
            "project_count",
            "doc_number",
            "doc_date",
            "basis",
            "recipients",
            "preamble",
            "requirements",
            "cc",
            "status",
            "is_reconstructed",
            "source_note",
            "version",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    content_items = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    year = serializers.IntegerField(source="program.year", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "program",
            "year",
            "order",
            "name",
            "kind",
            "summary",
            "content_items",
            "lead_department",
            "co_lead_departments",
            "implementing_units",
            "assignment_is_default",
            "version",
        ]


class ProjectChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectChange
        fields = [
            "id",
            "program",
            "kind",
            "adjust_kinds",
            "order",
            "sources",
            "result",
            "reason",
            "printed_title",
            "printed_text",
            "added_items",
            "removed_items",
        ]


class FateSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.id")
    name = serializers.CharField(source="project.name")
    kind = serializers.CharField()
    label = serializers.CharField()
    sub_kinds = serializers.ListField(child=serializers.CharField())
    others = serializers.SerializerMethodField()
    reason = serializers.CharField()

    def get_others(self, fate: Fate) -> list[dict]:
        return [{"id": p.id, "name": p.name} for p in fate.others]


class DiffSerializer(serializers.Serializer):
    earlier = serializers.IntegerField(source="earlier.id", allow_null=True)
    later = serializers.IntegerField(source="later.id")
    ok = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    problems = serializers.SerializerMethodField()
    fates = FateSerializer(many=True)
    origins = FateSerializer(many=True)

    def get_problems(self, diff: object) -> list[dict]:
        return [{"level": p.level, "message": p.message} for p in diff.problems]  # type: ignore[attr-defined]


class ProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Program.objects.annotate(project_count=Count("projects")).order_by("-year", "id")
    serializer_class = ProgramSerializer

    @extend_schema(responses=DiffSerializer)
    @action(detail=True)
    def diff(self, request, pk=None):  # type: ignore[no-untyped-def]
        """Fate of every project of the previous year and origin of every project of this one, with checks."""
        return Response(DiffSerializer(program_diff(later=self.get_object())).data)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = (
        Project.objects.select_related("program")
        .prefetch_related("content_items", "co_lead_departments", "implementing_units")
        .order_by("program__year", "order")
    )
    serializer_class = ProjectSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if (year := int_param(self.request, "year", low=1900, high=9999)) is not None:
            qs = qs.filter(program__year=year)
        if (program := id_param(self.request, "program")) is not None:
            qs = qs.filter(program_id=program)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1900, "maximum": 9999},
                required=False,
                description="年度",
            ),
            *id_parameters("program"),
        ]
    )
    def list(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)


class ProjectChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = ProjectChange.objects.prefetch_related("sources").order_by("program__year", "kind", "order")
    serializer_class = ProjectChangeSerializer


class DerivationSerializer(serializers.ModelSerializer):
    """One item of a program derived from the upper level's: the upper project, the status (采纳 / 调整 / 不适用 /
    本级新增), the reason and the local overrides (each field where the lower project differs from the upper values
    it took over)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_local = serializers.BooleanField(read_only=True)
    upper_program = serializers.IntegerField(source="upper_project.program_id", read_only=True, default=None)
    overrides = serializers.SerializerMethodField()

    class Meta:
        model = Derivation
        fields = [
            "id",
            "program",
            "upper_program",
            "upper_project",
            "upper_name",
            "project",
            "status",
            "status_label",
            "reason",
            "is_local",
            "overrides",
            "version",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "upper": {},
                    "local": {},
                },
            },
        }
    )
    def get_overrides(self, derivation: Derivation) -> list[dict]:
        fields = local_overrides(derivation)
        if not fields:
            return []
        mine = derived_values(derivation.project)
        return [{"field": f, "upper": derivation.baseline.get(f), "local": mine[f]} for f in fields]


class DerivationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The derivations of the programs the caller may see (read-only); ``?program=`` for one program's."""

    queryset = (
        Derivation.objects.select_related("upper_project", "project__lead_department")
        .prefetch_related("project__content_items")
        .order_by("program_id", "id")
    )
    serializer_class = DerivationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if (program := id_param(self.request, "program")) is not None:
            qs = qs.filter(program_id=program)
        return qs

    @extend_schema(parameters=[*id_parameters("program")])
    def list(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)
