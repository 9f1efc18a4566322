"""The nightly integrity check, run by the worker: meaningful on both databases — SQLite's own file check and
foreign keys, PostgreSQL's B-tree indexes through amcheck, and on both the consistency queries (summaries against
the reports they count, rows linked across programs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from catalogue.models import Program
from jobs import schedule
from jobs.models import Job
from jobs.tests.worker import run_tasks
from reporting.models import Period, Summary

pytestmark = pytest.mark.django_db


def _check(capture: Any) -> Job:
    with capture(execute=True):
        job = schedule.scheduled_start(name="integrity")
    run_tasks()
    job.refresh_from_db()
    return job


def _summary(project: Any, period: Any, confirmed: int) -> Summary:
    zero = Decimal(0)
    return Summary.objects.create(
        project=project,
        period=period,
        unit=None,
        budget=zero,
        arrived=zero,
        spent=zero,
        reports_expected=2,
        reports_confirmed=confirmed,
    )


def test_integrity_passes_on_consistent_data(
    month: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    _summary(month["project"], month["periods"][6], confirmed=0)
    job = _check(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.errors
    assert job.result["message"].startswith("数据完整性检查通过")


def test_integrity_finds_a_summary_that_disagrees_with_its_reports(
    month: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    project, period = month["project"], month["periods"][6]
    _summary(project, period, confirmed=3)  # no report of it is confirmed
    job = _check(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        f"汇总表合计行的已确认报表数与报表不符：项目{project.pk}，期次{period.pk}（汇总3份）"
    ]


def test_integrity_finds_rows_linked_across_programs(
    month: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    other = Program.objects.exclude(pk=month["program"].pk).first()
    stray = Period.objects.create(program=other, month=6, label="6月", deadline=dt.date(2020, 7, 5))
    summary = _summary(month["project"], stray, confirmed=0)
    job = _check(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert f"汇总行{summary.pk}的项目与期次不属于同一年度计划" in job.errors[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="amcheck is PostgreSQL's")
def test_on_postgresql_the_indexes_are_checked_with_amcheck(
    month: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION IF EXISTS amcheck")
    job = _check(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED and job.result["message"].endswith(
        "未安装 amcheck 扩展，未检查索引"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION amcheck")
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()")
        (count,) = cursor.fetchone()
    job = _check(django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.errors
    checked = int(job.result["message"].rsplit("已检查", 1)[1].removesuffix("个索引"))
    assert 100 < checked <= count  # every B-tree index of the project's tables (the others are GIN etc.)
