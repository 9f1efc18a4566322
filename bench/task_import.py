"""`python -m bench.task_import [ROWS]` (run by `make bench` after bench/): one town's 10,000-row batch-entry sheet
imported as a background task — enqueued, then run by a live `manage.py run_worker --batch` — against the limit,
python-calamine reading the same file plus bulk inserts of the same reports and values; with the worker's peak
RSS. Uses its own SQLite file under var/ (or DATABASE_URL); prints one JSON line and writes
docs/performance-tasks.md."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-tasks.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from catalogue.models import Program, Project  # noqa: E402
from conftest import _persona, load_world  # noqa: E402
from jobs.models import Job  # noqa: E402
from orgs.models import Organisation  # noqa: E402
from reporting import excel, selectors, services  # noqa: E402
from reporting.models import Report, ReportValue  # noqa: E402
from reporting.tests.test_excel_background import _filled  # noqa: E402
from responsibility.models import Indicator  # noqa: E402


def scene(rows: int) -> tuple[object, object, bytes]:
    call_command("migrate", verbosity=0)
    load_world()
    office = _persona("office")
    program = Program.objects.get(year=2021)
    periods = {p.month: p for p in services.periods_open(actor=office, program=program)}
    unit = Organisation.objects.get(code="shitai")
    period = periods[5]
    projects = selectors.unit_projects(unit=unit, program=program)
    per_project = rows // len(projects)
    Indicator.objects.bulk_create(
        Indicator(project=p, order=100 + n, name=f"测试指标{n}", unit="个")
        for p in projects
        for n in range(per_project - p.indicators.count())
    )
    month = {"project": Project.objects.get(program=program, name="农村危房改造")}
    return period, unit, _filled(month, unit, period)


def clear(period: object, unit: object) -> None:
    Report.objects.filter(period=period, unit=unit).delete()


def as_task(period: object, unit: object, data: bytes) -> tuple[float, float, int]:
    """Enqueue the import, run a live worker until the queue is empty: wall time (with the worker's start-up),
    the job's own time in the worker (started → finished) and the worker's peak RSS (KiB)."""
    user = _persona("town_shitai")
    started = time.perf_counter()
    with transaction.atomic():
        job = excel.apply_start(actor=user, period=period, unit=unit, data=data, versions={})
    subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0"],
        cwd=ROOT,
        check=True,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.errors
    in_worker = (job.finished_at - job.started_at).total_seconds()
    return elapsed, in_worker, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def limit(period: object, unit: object, data: bytes) -> float:
    """python-calamine reads the three sheets; the reports and their values are bulk-inserted."""
    started = time.perf_counter()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("指标").to_python()[1:]
    projects = {p.order: p for p in selectors.unit_projects(unit=unit, program=period.program)}
    indicators = {
        (i.project_id, i.name): i.pk for i in Indicator.objects.filter(project__in=projects.values())
    }
    with transaction.atomic():
        reports = Report.objects.bulk_create(
            Report(project=p, unit=unit, period=period) for p in projects.values()
        )
        by_project = {r.project_id: r for r in reports}
        values = []
        for row in rows:
            project = projects[int(row[0])]
            values.append(
                ReportValue(
                    report=by_project[project.pk],
                    indicator_id=indicators[(project.pk, row[2])],
                    value=Decimal(str(row[6])),
                )
            )
        ReportValue.objects.bulk_create(values, batch_size=2000)
    return time.perf_counter() - started


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    period, unit, data = scene(rows)
    count = excel.row_count(data)
    clear(period, unit)
    wall, task, rss = as_task(period, unit, data)
    values = ReportValue.objects.filter(report__period=period, report__unit=unit).count()
    clear(period, unit)
    raw = limit(period, unit, data)
    assert ReportValue.objects.filter(report__period=period, report__unit=unit).count() == values
    clear(period, unit)
    result = {
        "vendor": connection.vendor,
        "rows": count,
        "wall": wall,
        "task": task,
        "raw": raw,
        "speed": raw / task,
        "worker_peak_rss_mb": rss / 1024,
    }
    print(json.dumps(result))
    (ROOT / "docs" / "performance-tasks.md").write_text(
        "# Excel import as a background task\n\n"
        "Written by `python -m bench.task_import` (`make bench`). One town's filled batch-entry sheet imported as a task "
        "(enqueued, then run by a live `manage.py run_worker --batch`: worker start-up, reading and checking every row "
        "outside the write transaction, then one write transaction with its idempotency key) against the limit: "
        "python-calamine reading the same file plus Django `bulk_create` inserts of the same reports and values (no checks, no audit, no funds or text). One run each on a shared 2-core machine: read the ratio, not the seconds.\n\n"
        "| database | rows | enqueue → done, with worker start-up (s) | the task in the worker (s) "
        "| calamine + bulk insert (s) | speed (task vs limit) | target | worker peak RSS | target |\n"
        "|---|---:|---:|---:|---:|---:|---|---:|---|\n"
        f"| {result['vendor']} | {count:,} | {wall:.2f} | {task:.2f} | {raw:.2f} | {result['speed']:.2f}× | ≥ 0.5× "
        f"| {result['worker_peak_rss_mb']:.0f} MB | ≤ 300 MB |\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
