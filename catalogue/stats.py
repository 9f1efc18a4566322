"""Counting a year's program: projects and how they came from the year before."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from catalogue.models import ChangeKind, Program, Project


def program_stats(*, program: Program) -> dict[str, Any]:
    """Counts for one program, each from an aggregate query.

    ``exited`` are the EXIT changes recorded in this program (projects of the previous year that were
    retired); ``predecessors`` the distinct previous-year projects that are sources of ADJUST changes.
    """
    by_kind = program.changes.aggregate(
        new=Count("pk", filter=Q(kind=ChangeKind.NEW)),
        adjusted=Count("pk", filter=Q(kind=ChangeKind.ADJUST)),
        continued=Count("pk", filter=Q(kind=ChangeKind.CONTINUE)),
        exited=Count("pk", filter=Q(kind=ChangeKind.EXIT)),
    )
    predecessors = Project.objects.filter(fates__program=program, fates__kind=ChangeKind.ADJUST).aggregate(
        n=Count("pk", distinct=True)
    )["n"]
    return {
        "year": program.year,
        "issuer": program.issuer.code,
        "issuer_name": program.issuer_name,
        "title": program.display_title,
        "doc_number": program.doc_number,
        "projects": program.projects.count(),
        "new": by_kind["new"],
        "adjusted": by_kind["adjusted"],
        "continued": by_kind["continued"],
        "exited": by_kind["exited"],
        "predecessors": predecessors,
        "is_reconstructed": program.is_reconstructed,
    }
