"""Large exports as background jobs (jobs.exports): above EXPORT_BACKGROUND_ROWS the 进度表 (Excel/PDF) and the
government roll-up are made by the worker (run for real in the test process), kept through the storage API and
downloaded from the job's page by their starter only, with access re-checked at download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from jobs.models import Job
from jobs.tests.worker import run_tasks
from reporting.tests.test_city_rollup import MONTH, two  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _export(client: Any, url: str, capture: Any) -> Job:
    """Ask for the export as in a request (the job is enqueued on commit), then let the worker run it."""
    with capture(execute=True):
        response = client.get(url)
    job = Job.objects.get(kind="export")
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.errors
    return job


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(data: bytes) -> list[str]:
    """Every non-empty cell of the workbook's first sheet, as text (read back with python-calamine)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    return [str(c) for row in rows for c in row if c not in (None, "")]


def _progress_url(month: dict[str, Any], fmt: str) -> str:
    period = month["periods"][MONTH]
    return reverse("reporting:progress", args=[period.program_id, period.month]) + f"?format={fmt}"


def test_a_large_progress_table_is_made_by_the_worker_as_excel(
    month: dict[str, Any], client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 0
    client = client_for("office")
    job = _export(client, _progress_url(month, "xlsx"), django_capture_on_commit_callbacks)
    file_url = reverse("jobs:job_file", args=[job.pk])
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'href="{file_url}"' in page and "下载文件" in page
    response = client.get(file_url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    cells = _cells(_body(response))
    assert any("农村危房改造" in c for c in cells)
    assert job.output.name.startswith(f"jobs/{job.pk}/") and job.output.storage.exists(job.output.name)


def test_a_large_progress_table_is_made_by_the_worker_as_pdf(
    month: dict[str, Any], client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 0
    client = client_for("office")
    job = _export(client, _progress_url(month, "pdf"), django_capture_on_commit_callbacks)
    response = client.get(reverse("jobs:job_file", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_body(response))).pages)
    assert "农村危房改造" in text


def test_a_small_export_stays_in_the_request(month: dict[str, Any], client_for: Any) -> None:
    response = client_for("office").get(_progress_url(month, "xlsx"))
    assert response.status_code == 200 and not Job.objects.exists()


def test_the_roll_up_export_as_a_job_and_who_may_download_it(
    two: dict[str, Any],  # noqa: F811
    client_for: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 0
    starter = client_for("city_office")
    job = _export(starter, f"/reporting/tree/2021/{MONTH}/?format=xlsx", django_capture_on_commit_callbacks)
    file_url = reverse("jobs:job_file", args=[job.pk])
    response = starter.get(file_url)
    assert response.status_code == 200
    cells = _cells(_body(response))
    assert "杜集区" in cells and "相山区" in cells
    # only the starter: the other offices (this district's, another district's), the city's leader, a town
    for persona in ("office", "office_b", "city_leader", "town_b", "province_office"):
        assert client_for(persona).get(file_url).status_code == 404, persona
    assert client_for("anon").get(file_url).status_code == 302  # to the login page


def test_access_is_checked_again_at_download(
    two: dict[str, Any],  # noqa: F811
    client_for: Any,
    persona: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 0
    starter = client_for("city_office")
    job = _export(starter, f"/reporting/tree/2021/{MONTH}/?format=xlsx", django_capture_on_commit_callbacks)
    user = persona("city_office")
    user.membership.organisation = two["a"]["shitai"]  # moved to a town: no roll-up for them any more
    user.membership.save()
    assert starter.get(reverse("jobs:job_file", args=[job.pk])).status_code in (403, 404)


def test_an_unfinished_export_has_no_file(
    month: dict[str, Any], client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 0
    client = client_for("office")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_progress_url(month, "xlsx"))
    job = Job.objects.get(kind="export")
    assert job.status == Job.Status.QUEUED
    assert client.get(reverse("jobs:job_file", args=[job.pk])).status_code == 404
