"""The public portal's data as a read-only public API (no login): the same selectors as the portal pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from portal import selectors


class PublicThrottle(AnonRateThrottle):
    rate = "120/min"


def _row(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "completion": str(row.completion) if row.completion is not None else None,
        "arrived": str(row.arrived),
        "spent": str(row.spent),
        "budget": str(row.budget_total),
        "indicators": [
            {
                "name": i["name"],
                "unit": i["unit"],
                "target": str(i["target"]) if i["target"] is not None else None,
                "done": str(i["done"]) if i["done"] is not None else None,
            }
            for i in row.indicators
        ],
    }


PUBLIC_PROGRAM = inline_serializer(
    "PublicProgram",
    fields={
        "id": serializers.IntegerField(),
        "year": serializers.IntegerField(),
        "title": serializers.CharField(),
        "doc_number": serializers.CharField(),
        "projects": serializers.IntegerField(),
        "reconstructed": serializers.BooleanField(),
    },
    many=True,
)


@extend_schema(responses=PUBLIC_PROGRAM, tags=["public"], operation_id="public_programs_list")
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def programs(request: Request) -> Response:
    return Response(
        [
            {
                "id": p.id,
                "year": p.year,
                "title": f"{p.issuer_name}关于{p.display_title}的通知",
                "doc_number": p.doc_number,
                "projects": p.project_count,
                "reconstructed": p.is_reconstructed,
            }
            for p in selectors.programs()
        ]
    )


@extend_schema(responses=dict, tags=["public"])
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def program(request: Request, pk: int) -> Response:
    item = selectors.program_get(pk)
    period, rows = selectors.official_rows(item)
    summary = selectors.supervision_summary(item)
    return Response(
        {
            "id": item.id,
            "year": item.year,
            "as_of": period.label if period else None,
            "supervision": {"findings": summary.findings, "closed": summary.closed},
            "projects": [
                {
                    "id": p.id,
                    "order": p.order,
                    "name": p.name,
                    "lead": p.lead_department.name if p.lead_department else None,
                    "progress": _row(rows.get(p.id)),
                }
                for p in item.projects.select_related("lead_department").order_by("order")
            ],
            "disclosures": [
                {"title": d.title, "place": d.place, "start": d.start, "end": d.end}
                for d in selectors.disclosures(item)
            ],
        }
    )


@extend_schema(responses=dict, tags=["public"], operation_id="public_program_charts")
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([PublicThrottle])
def program_charts(request: Request, pk: int) -> Response:
    """The portal's chart data of a published program: per chart its title, caption, column heads, row labels
    and rows — confirmed figures only, totals by project, source and month (no unit's report, no person)."""
    from portal.views import charts_payload

    return Response(charts_payload(selectors.program_get(pk)))
