from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from catalogue.diff import Fate, program_diff
from catalogue.models import Program, Project, ProjectChange
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
