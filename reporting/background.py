"""The 进度表 (Excel/PDF) and the government roll-up (Excel) as exports the request or a worker makes (see
jobs.exports): each function decides access itself, so the request, the worker and the download check the same
rules. Tables above ``settings.EXPORT_BACKGROUND_ROWS`` rows are made in the background."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from jobs.exports import export
from orgs.models import Level
from reporting import rollup, selectors
from reporting.rules import may_see_pending, may_see_rollup


@export
def progress_file(user: Any, args: dict[str, Any], *, check_only: bool = False) -> tuple[bytes, str]:
    """args: program, month, per_unit, pending, format ("xlsx" or "pdf")."""
    from reporting.exports import progress_pdf, progress_xlsx

    period = selectors.period_get(user=user, program_pk=int(args["program"]), month=int(args["month"]))
    fmt = "pdf" if args.get("format") == "pdf" else "xlsx"
    if check_only:
        return b"", ""
    pending = bool(args.get("pending")) and may_see_pending(user)
    per_unit = bool(args.get("per_unit"))
    rows = rollup.progress_table(
        user=user, program=period.program, month=period.month, per_unit=per_unit, include_pending=pending
    )
    data = (progress_xlsx if fmt == "xlsx" else progress_pdf)(
        period=period, rows=rows, per_unit=per_unit, pending=pending
    )
    return data, f"{period}进度表.{fmt}"


def tree_scope(
    user: Any, *, year: int, month: int, government: str | None, project: str | None
) -> dict[str, Any]:
    """What the roll-up table shows this user (PermissionDenied/Http404 when nothing): the government, its
    programs' projects of the year, the chosen project and the rows."""
    from reporting import governments as tree

    if not may_see_rollup(user):
        raise PermissionDenied
    node = tree.tree_government(user, government)
    if node is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    projects = tree.tree_projects(user, node, year)
    chosen = next((p for p in projects if str(p.pk) == str(project)), None)
    return {
        "government": node,
        "is_city": node.level == Level.CITY,
        "year": year,
        "month": month,
        "projects": projects,
        "project": chosen,
    }


def tree_rows(user: Any, scope: dict[str, Any]) -> list[Any]:
    from reporting import governments as tree

    return tree.tree_table(
        user=user,
        government=scope["government"],
        year=scope["year"],
        month=scope["month"],
        project=scope["project"],
    )


def tree_filename(scope: dict[str, Any]) -> str:
    name = _("%(government)s%(year)s年%(month)s月汇总表") % {
        "government": scope["government"].name,
        "year": scope["year"],
        "month": scope["month"],
    }
    return f"{name}.xlsx"


@export
def tree_file(user: Any, args: dict[str, Any], *, check_only: bool = False) -> tuple[bytes, str]:
    """args: year, month, government (code), project (pk or None)."""
    from reporting.exports import tree_xlsx

    scope = tree_scope(
        user,
        year=int(args["year"]),
        month=int(args["month"]),
        government=args.get("government"),
        project=args.get("project"),
    )
    if check_only:
        return b"", ""
    rows = tree_rows(user, scope)
    data = tree_xlsx(**{k: scope[k] for k in ("government", "year", "month", "project")}, rows=rows)
    return data, tree_filename(scope)
