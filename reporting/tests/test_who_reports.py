"""One definition of "which units report on a project" (reporting.rules), in its three forms, agrees with
itself on the reference program — including a project reported by its lead department."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from catalogue.models import Program, Project
from orgs.models import Organisation
from reporting import rules

pytestmark = pytest.mark.django_db


def _python_pairs(program: Program) -> set[tuple[int, int]]:
    projects = program.projects.prefetch_related("implementing_units").select_related("lead_department")
    return {(p.id, u.id) for p in projects for u in rules.reporting_units(p)}


def _sql_pairs(program: Program) -> set[tuple[int, int]]:
    sql = (
        "WITH prj AS (SELECT p.id, p.lead_department_id AS lead FROM catalogue_project p WHERE p.program_id = %s) "
        + rules.REPORTING_PAIRS_SQL
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [program.pk])
        return {(row[0], row[1]) for row in cursor.fetchall()}


def _q_pairs(program: Program) -> set[tuple[int, int]]:
    pairs = set()
    for unit in Organisation.objects.all():
        for pid in program.projects.filter(rules.reported_by(unit)).distinct().values_list("id", flat=True):
            pairs.add((pid, unit.id))
    return pairs


def test_the_three_forms_of_who_reports_agree(month: dict[str, Any]) -> None:
    program = month["program"]
    other = (
        Project.objects.filter(program=program).exclude(lead_department=None).exclude(pk=month["project"].pk)
    )
    other.order_by("order").first().implementing_units.clear()  # now reported by its lead department
    lead_only = Project.objects.filter(program=program, implementing_units__isnull=True).exclude(
        lead_department=None
    )
    assert lead_only.exists()  # the case the forms could disagree on
    python = _python_pairs(program)
    assert python == _sql_pairs(program) == _q_pairs(program)
    assert {(p.id, p.lead_department_id) for p in lead_only} <= python
