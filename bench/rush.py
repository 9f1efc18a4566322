"""The deadline-day rush, measured with locust (headless, bounded in time, loopback only) against a real gunicorn
on the bench database (DATABASE_URL): simulated units fill and submit their December on the fill page (as a
browser does: the form as served, values typed in, saved, then submitted), the lead departments approve them
through the API, and the 民生办 reads the 进度表, the ranking and the program page (the dashboard) meanwhile.

Then the same writes as raw SQL on the bare DB-API connection (the limit), in the same run. Prints one JSON object:
per request type requests/s, p50/p95 (and the unloaded p95 of a short single-user run before the rush), errors,
lost writes (answered writes not found in the database afterwards), the submit throughput and the raw-SQL limit.
Environment: RUSH_DISTRICTS (how many districts' units rush at once; default 10), RUSH_SECONDS (default 35; the unloaded run before it takes 20).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from bench.measure import bench_office  # noqa: E402
from catalogue.models import Program  # noqa: E402
from orgs.models import Membership, Organisation, OrgKind  # noqa: E402
from orgs.services import membership_grant  # noqa: E402
from reporting.models import Period, Report, ReportValue, Status  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MONTH = 12
BASELINE_SECONDS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user(username: str, organisation: Organisation, role: str) -> Any:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": "示例"})
    if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        membership_grant(actor=None, user=user, organisation=organisation, role=role)
    Membership.objects.filter(user=user).update(must_change_password=False)
    return user


def _session(user: Any) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def prepare(districts: int) -> dict[str, Any]:
    """December of the latest year's last ``districts`` sample districts, emptied (示例 data of the bench
    database only) and open, with a signed-in session per unit, an API token per lead department."""
    year = Program.objects.filter(is_sample=True).order_by("-year").values_list("year", flat=True).first()
    programs = list(Program.objects.filter(is_sample=True, year=year).order_by("-issuer__code")[:districts])
    deadline = timezone.localdate() + dt.timedelta(days=1)
    plan: dict[str, Any] = {"units": [], "reviewers": [], "readers": [], "periods": []}
    office = bench_office()
    for program in programs:
        period = Period.objects.get(program=program, month=MONTH)
        with transaction.atomic():
            Report.objects.filter(period=period).delete()
            Period.objects.filter(pk=period.pk).update(is_open=True, deadline=deadline)
        plan["periods"].append(period.pk)
        projects = list(program.projects.prefetch_related("implementing_units"))
        units = sorted({u for p in projects for u in p.implementing_units.all()}, key=lambda u: u.code)
        fill = reverse("reporting:fill", args=[program.pk, MONTH])
        for unit in units:
            user = _user(
                f"bench_{unit.code}", unit, "town" if unit.kind != OrgKind.DEPARTMENT else "department"
            )
            plan["units"].append({"code": unit.code, "id": unit.pk, "session": _session(user), "fill": fill})
        lead = projects[0].lead_department
        reviewer = _user(f"bench_{lead.code}", lead, "department")
        plan["reviewers"].append({"token": AuthToken.objects.create(user=reviewer)[1], "period": period.pk})
        plan["readers"].append(
            {
                "progress": reverse("reporting:progress", args=[program.pk, MONTH]),
                "ranking": reverse("reporting:ranking", args=[program.pk, MONTH]),
                "dashboard": reverse("catalogue:program_detail", args=[program.pk]),
            }
        )
    plan["office_session"] = _session(office)
    plan["session_cookie"] = settings.SESSION_COOKIE_NAME
    return plan


def locust(plan_path: Path, out: Path, phase: str, users: int, seconds: int, base: str) -> dict[str, Any]:
    env = dict(
        os.environ, RUSH_PLAN=str(plan_path), RUSH_PHASE=phase, RUSH_RESULTS=str(out / f"{phase}.json")
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))  # bench.forms
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--csv",
            str(out / phase),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
        timeout=seconds + 120,
    )
    stats = {}
    with open(out / f"{phase}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
            }
    results = json.loads((out / f"{phase}.json").read_text())
    return {"stats": stats, "results": results}


def lost_writes(results: dict[str, Any], plan: dict[str, Any]) -> int:
    """Answered writes whose effect is not in the database: a unit's saved or submitted values, a submission,
    an approval."""
    lost = 0
    units = {u["code"]: u for u in plan["units"]}
    for code, value, submitted in results["units"]:
        unit = units[code]
        reports = Report.objects.filter(
            unit_id=unit["id"], period__month=MONTH, period_id__in=plan["periods"]
        )
        values = ReportValue.objects.filter(report__in=reports)
        lost += values.exclude(value=value).count() or (0 if values.exists() else 1)
        if submitted:
            lost += reports.filter(status__in=[Status.DRAFT, Status.RETURNED]).count()
    for report_id in results["approved"]:
        lost += not Report.objects.filter(
            pk=report_id, status__in=[Status.DEPT_APPROVED, Status.CONFIRMED]
        ).exists()
    return lost


def raw_limit(plan: dict[str, Any]) -> dict[str, float]:
    """The rush's submissions as raw SQL on the bare connection: per unit one transaction that writes its
    values, marks its reports submitted (version + 1) and records a transition each, as the fill page does."""
    units = [u["id"] for u in plan["units"]]
    reports = list(
        Report.objects.filter(period_id__in=plan["periods"], unit_id__in=units).values_list("unit_id", "id")
    )
    by_unit: dict[int, list[int]] = {}
    for unit_id, report_id in reports:
        by_unit.setdefault(unit_id, []).append(report_id)
    ph = "%s" if connection.vendor == "postgresql" else "?"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor = get_user_model().objects.filter(username="bench-office").values_list("pk", flat=True).first()
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    for ids in by_unit.values():
        cursor = raw.cursor()
        if connection.vendor == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        for rid in ids:
            cursor.execute(
                f"UPDATE reporting_reportvalue SET value = value + 1 WHERE report_id = {ph}", [rid]
            )
            cursor.execute(
                f"UPDATE reporting_report SET status = 'submitted', submitted_at = {ph}, version = version + 1 "
                f"WHERE id = {ph}",
                [now, rid],
            )
            cursor.execute(
                "INSERT INTO reporting_transition (report_id, actor_id, at, from_status, to_status, opinion) "
                f"VALUES ({ph}, {ph}, {ph}, 'draft', 'submitted', '')",
                [rid, actor, now],
            )
        raw.commit()
        cursor.close()
    wall = time.perf_counter() - started
    return {"reports": len(reports), "seconds": wall, "reports_per_s": len(reports) / wall if wall else 0.0}


def main() -> None:
    districts = int(os.environ.get("RUSH_DISTRICTS", "10"))
    seconds = int(os.environ.get("RUSH_SECONDS", "35"))
    plan = prepare(districts)
    with tempfile.TemporaryDirectory(prefix="rush-") as tmp:
        out = Path(tmp)
        plan_path = out / "plan.json"
        plan_path.write_text(json.dumps(plan))
        port = free_port()
        env = dict(os.environ, DJANGO_ALLOWED_HOSTS="127.0.0.1", MINSHENG_LOG_FORMAT="text")
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "minsheng.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--threads",
                "4",
                "--timeout",
                "120",
                # longer than the client's idle reuse (nginx keeps upstream connections 60 s): with gunicorn's
                # default of 2 s a client reusing a connection the server just closed sees a reset
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"{base}/login/", timeout=1)
                    break
                except Exception:  # noqa: BLE001
                    time.sleep(0.2)
            baseline = locust(plan_path, out, "baseline", 3, BASELINE_SECONDS, base)
            # as the locustfile's fixed counts: every unit but the baseline's, a reviewer per district, readers
            users = len(plan["units"]) - 1 + len(plan["reviewers"]) + max(2, len(plan["readers"]) // 2)
            rush = locust(plan_path, out, "rush", users, seconds, base)
        finally:
            server.terminate()
            server.wait(timeout=60)
    results = {
        "units": baseline["results"]["units"] + rush["results"]["units"],
        "approved": baseline["results"]["approved"] + rush["results"]["approved"],
    }
    lost = lost_writes(results, plan)
    submitted_reports = rush["results"]["submitted_reports"]
    span = rush["results"]["submit_span"] or seconds
    limit = raw_limit(plan)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "reports": Report.objects.count(),
                "districts": districts,
                "units": len(plan["units"]),
                "seconds": seconds,
                "rush": rush["stats"],
                "baseline": baseline["stats"],
                "errors": sum(s["failures"] for s in rush["stats"].values())
                + sum(s["failures"] for s in baseline["stats"].values()),
                "lost": lost,
                "submitted_reports": submitted_reports,
                "submit_per_s": submitted_reports / span if span else 0.0,
                "limit": limit,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
