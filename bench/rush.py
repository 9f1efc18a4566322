"""The deadline-day rush, measured with locust (headless, bounded in time, loopback only) against a real gunicorn
on the bench database (DATABASE_URL): simulated units fill and submit their December on the fill page (as a
browser does: the form as served, values typed in, saved, then submitted), the lead departments approve them
through the API, and the 民生办 reads the 进度表, the ranking and the program page (the dashboard) meanwhile.

Then the same writes as raw SQL on the bare DB-API connection (the limit), in the same run. Prints one JSON object:
per request type requests/s, p50/p95 (and the unloaded p95 of a short single-user run before the rush), errors,
lost writes (answered writes not found in the database afterwards), the submit throughput and the raw-SQL limit.
Then the capacity phase: every unit of more periods (RUSH_CAPACITY_UNITS, default 30) fills and submits at once,
without pauses, while the reviewers and readers go on: the submit throughput compared with the limit.
Last the floor: the capacity's units again, alone, against a second gunicorn whose fill page does no work
(bench/floor_urls.py; same settings and middleware): the ceiling any fill page could reach here.
Environment: RUSH_DISTRICTS (how many districts' units rush at once; default 10), RUSH_SECONDS (default 35; the
unloaded run before it takes 20), RUSH_CAPACITY_UNITS.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
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
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from bench.forms import form_fields  # noqa: E402
from bench.measure import bench_office  # noqa: E402
from bench.server import free_port, wait_ready  # noqa: E402
from catalogue.models import Program  # noqa: E402
from core.services import model_snapshot  # noqa: E402
from orgs.models import Membership, Organisation, OrgKind  # noqa: E402
from orgs.services import membership_grant  # noqa: E402
from reporting.models import Period, Report, ReportValue, Status  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MONTH = 12
BASELINE_SECONDS = 20
CAPACITY_SECONDS = 90  # an upper bound: the phase ends when every capacity unit has submitted
# the limit is the fastest of this many passes (one takes 0.2–3 s; those of one run differ by up to 1.4×)
RAW_PASSES = 3
FLOOR_ROUNDS = 5  # the floor's units go round their cycle this many times (one round takes ≈ 2 s)


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


def _open_empty(period: Period, deadline: dt.date, units: list[int] | None = None) -> None:
    """A period of the 示例 bench data emptied (all its reports, or only ``units``') and open for filling."""
    with transaction.atomic():
        reports = Report.objects.filter(period=period)
        (reports.filter(unit_id__in=units) if units is not None else reports).delete()
        Period.objects.filter(pk=period.pk).update(is_open=True, deadline=deadline)


def _entries(program: Program, month: int) -> list[dict[str, Any]]:
    """One fill entry per implementing unit of ``program`` in ``month``: its user's session and fill page."""
    projects = list(program.projects.prefetch_related("implementing_units"))
    units = sorted({u for p in projects for u in p.implementing_units.all()}, key=lambda u: u.code)
    period = Period.objects.get(program=program, month=month)
    fill = reverse("reporting:fill", args=[program.pk, month])
    entries = []
    for unit in units:
        user = _user(f"bench_{unit.code}", unit, "town" if unit.kind != OrgKind.DEPARTMENT else "department")
        entries.append(
            {
                "key": f"{unit.code}@{period.pk}",
                "code": unit.code,
                "id": unit.pk,
                "period": period.pk,
                "session": _session(user),
                "fill": fill,
            }
        )
    return entries


def prepare(districts: int, capacity_units: int) -> dict[str, Any]:
    """The bench database's 示例 data made ready (nothing else is touched):

    - rush: December of the latest year's last ``districts`` sample districts, emptied and open; one entry per
      unit; the first unit is the baseline's and also gets three more months of its own (November back to
      September, its reports emptied) so that the unloaded figures have four saves and submissions, not one;
    - capacity: December of the next sample programs (the other districts of the latest year, then earlier
      years), emptied and open, until at least ``capacity_units`` unit-periods;
    - a signed-in session per unit, an API token per lead department of the rushing districts."""
    ordered = list(Program.objects.filter(is_sample=True).order_by("-year", "-issuer__code"))
    rushing, rest = ordered[:districts], ordered[districts:]
    deadline = timezone.localdate() + dt.timedelta(days=1)
    plan: dict[str, Any] = {"units": [], "baseline": [], "capacity": [], "reviewers": [], "readers": []}
    office = bench_office()
    for program in rushing:
        period = Period.objects.get(program=program, month=MONTH)
        _open_empty(period, deadline)
        plan["units"] += _entries(program, MONTH)
        lead = program.projects.all()[0].lead_department
        reviewer = _user(f"bench_{lead.code}", lead, "department")
        plan["reviewers"].append({"token": AuthToken.objects.create(user=reviewer)[1], "period": period.pk})
        plan["readers"].append(
            {
                "progress": reverse("reporting:progress", args=[program.pk, MONTH]),
                "ranking": reverse("reporting:ranking", args=[program.pk, MONTH]),
                "dashboard": reverse("catalogue:program_detail", args=[program.pk]),
            }
        )
    first = plan["units"].pop(0)
    plan["baseline"].append(first)
    for month in (MONTH - 1, MONTH - 2, MONTH - 3):
        _open_empty(Period.objects.get(program=rushing[0], month=month), deadline, units=[first["id"]])
        plan["baseline"] += [e for e in _entries(rushing[0], month) if e["id"] == first["id"]]
    for program in rest:
        if len(plan["capacity"]) >= capacity_units:
            break
        _open_empty(Period.objects.get(program=program, month=MONTH), deadline)
        plan["capacity"] += _entries(program, MONTH)
    plan["periods"] = sorted({e["period"] for k in ("baseline", "units", "capacity") for e in plan[k]})
    plan["office_session"] = _session(office)
    plan["session_cookie"] = settings.SESSION_COOKIE_NAME
    return plan


def locust(
    plan_path: Path,
    out: Path,
    phase: str,
    users: int,
    seconds: int,
    base: str,
    classes: list[str] | None = None,
) -> dict[str, Any]:
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
            *(classes or []),
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


def _all_entries(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["baseline"] + plan["units"] + plan["capacity"]


def lost_writes(results: dict[str, Any], plan: dict[str, Any]) -> int:
    """Answered writes whose effect is not in the database: a unit's saved or submitted values (per unit and
    period), a submission, an approval."""
    lost = 0
    entries = {e["key"]: e for e in _all_entries(plan)}
    for key, value, submitted in results["units"]:
        entry = entries[key]
        reports = Report.objects.filter(unit_id=entry["id"], period_id=entry["period"])
        values = ReportValue.objects.filter(report__in=reports)
        lost += values.exclude(value=value).count() or (0 if values.exists() else 1)
        if submitted:
            lost += reports.filter(status__in=[Status.DRAFT, Status.RETURNED]).count()
    for report_id in results["approved"]:
        lost += not Report.objects.filter(
            pk=report_id, status__in=[Status.DEPT_APPROVED, Status.CONFIRMED]
        ).exists()
    return lost


def raw_limit(plan: dict[str, Any]) -> dict[str, Any]:
    """The rush's fills and submissions as raw SQL on the bare DB-API connection, with the same writes per
    submitted report as the fill page: per unit and period one transaction for the save (the report rows, their values and
    funds, the two audit rows per report — 开始填报 create and 填报 update, with before/after snapshots of the
    same size) and one for the submission (status, submitted_at and version + 1 per report, a transition row and
    a 提交 audit row each). A submission refreshes no summary (only a confirmation or an unlock does, after
    commit), so neither does this. The snapshots' JSON is built before the clock starts: this is the database's
    limit. The rush's reports are read first, then deleted (after the lost-write check) and written again, in
    RAW_PASSES passes (deleted again between them): the limit is the fastest pass."""
    pairs = {(e["id"], e["period"]) for e in _all_entries(plan)}
    reports = [
        r
        for r in Report.objects.filter(period_id__in=plan["periods"], unit_id__in={u for u, _ in pairs})
        .select_related("project", "unit", "period__program")
        .prefetch_related("values", "funds")
        .order_by("unit_id", "period_id", "id")
        if (r.unit_id, r.period_id) in pairs
    ]
    actor = get_user_model().objects.filter(username="bench-office").first()
    content_type = ContentType.objects.get_for_model(Report).pk
    label = actor.get_full_name() or actor.get_username() if actor else "系统"
    by_unit: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in reports:
        snapshot = model_snapshot(r)
        values = {str(v.indicator_id): str(v.value) for v in r.values.all()}
        funds = {f.source: [str(f.arrived), str(f.spent)] for f in r.funds.all()}
        draft = {**snapshot, "status": Status.DRAFT, "submitted_at": None}
        by_unit.setdefault((r.unit_id, r.period_id), []).append(
            {
                "row": [r.project_id, r.unit_id, r.period_id, r.beneficiaries, r.progress, r.explanation],
                "values": [(v.indicator_id, v.value) for v in r.values.all()],
                "funds": [(f.source, f.arrived, f.spent) for f in r.funds.all()],
                "repr": str(r)[:300],
                "create": json.dumps({**draft, "progress": "", "explanation": ""}, ensure_ascii=False),
                "before": json.dumps(
                    {**draft, "progress": "", "explanation": "", "values": {}, "funds": {}},
                    ensure_ascii=False,
                ),
                "after": json.dumps({**draft, "values": values, "funds": funds}, ensure_ascii=False),
                "state_before": json.dumps(draft, ensure_ascii=False),
                "state_after": json.dumps(snapshot, ensure_ascii=False),
            }
        )
    Report.objects.filter(pk__in=[r.pk for r in reports]).delete()
    pg = connection.vendor == "postgresql"
    ph = "%s" if pg else "?"
    js = "CAST(%s AS jsonb)" if pg else "?"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    uid = actor.pk if actor else None
    audit_sql = (
        "INSERT INTO core_auditevent (at, actor_id, actor_label, action, content_type_id, object_id, object_repr,"
        f" before, after, reason) VALUES ({ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {js}, {js}, {ph})"
    )
    connection.ensure_connection()
    raw = connection.connection

    def one_pass() -> tuple[float, list[int]]:
        written: list[int] = []
        started = time.perf_counter()
        for items in by_unit.values():
            cursor = raw.cursor()
            if not pg:
                cursor.execute("BEGIN IMMEDIATE")
            ids = []
            for item in items:  # the save: report rows, values, funds, audit create + update
                cursor.execute(
                    "INSERT INTO reporting_report (project_id, unit_id, period_id, status, beneficiaries, progress,"
                    " problems, next_steps, explanation, version)"
                    f" VALUES ({ph}, {ph}, {ph}, 'draft', {ph}, {ph}, '', '', {ph}, 2) RETURNING id",
                    item["row"],
                )
                ids.append(cursor.fetchone()[0])
            written += ids
            cursor.executemany(
                f"INSERT INTO reporting_reportvalue (report_id, indicator_id, value) VALUES ({ph}, {ph}, {ph})",
                [(rid, i, str(v)) for rid, item in zip(ids, items, strict=True) for i, v in item["values"]],
            )
            funds = [(rid, *f) for rid, item in zip(ids, items, strict=True) for f in item["funds"]]
            if funds:
                cursor.executemany(
                    "INSERT INTO reporting_reportfunds (report_id, source, arrived, spent)"
                    f" VALUES ({ph}, {ph}, {ph}, {ph})",
                    [(rid, s, str(a), str(b)) for rid, s, a, b in funds],
                )
            cursor.executemany(
                audit_sql,
                [
                    row
                    for rid, item in zip(ids, items, strict=True)
                    for row in (
                        (
                            now,
                            uid,
                            label,
                            "create",
                            content_type,
                            str(rid),
                            item["repr"],
                            None,
                            item["create"],
                            "开始填报",
                        ),
                        (
                            now,
                            uid,
                            label,
                            "update",
                            content_type,
                            str(rid),
                            item["repr"],
                            item["before"],
                            item["after"],
                            "填报",
                        ),
                    )
                ],
            )
            raw.commit()
            if not pg:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(  # the submission: status and version, a transition and an audit row each
                f"UPDATE reporting_report SET status = 'submitted', submitted_at = {ph}, version = version + 1"
                f" WHERE id = {ph} AND version = 2",
                [(now, rid) for rid in ids],
            )
            cursor.executemany(
                "INSERT INTO reporting_transition (report_id, actor_id, at, from_status, to_status, opinion)"
                f" VALUES ({ph}, {ph}, {ph}, 'draft', 'submitted', '')",
                [(rid, uid, now) for rid in ids],
            )
            cursor.executemany(
                audit_sql,
                [
                    (
                        now,
                        uid,
                        label,
                        "state",
                        content_type,
                        str(rid),
                        item["repr"],
                        item["state_before"],
                        item["state_after"],
                        "提交",
                    )
                    for rid, item in zip(ids, items, strict=True)
                ],
            )
            raw.commit()
            cursor.close()

        return time.perf_counter() - started, written

    walls = []
    for n in range(RAW_PASSES):
        wall, written = one_pass()
        walls.append(wall)
        if n < RAW_PASSES - 1:  # the next pass writes the same reports again
            Report.objects.filter(pk__in=written).delete()
    wall = min(walls)
    return {
        "reports": len(reports),
        "seconds": wall,
        "passes": walls,
        "reports_per_s": len(reports) / wall if wall else 0.0,
    }


def warm_up(plan: dict[str, Any], base: str, rounds: int) -> None:
    """Every page of the rush read a few times before anything is timed, so that the unloaded figures are not
    each gunicorn worker's first request (imports, template compilation, translation catalogues)."""
    cookie = plan["session_cookie"]
    reads = [(plan["baseline"][0]["fill"], {"Cookie": f"{cookie}={plan['baseline'][0]['session']}"})]
    reads += [
        (reader[page], {"Cookie": f"{cookie}={plan['office_session']}"})
        for reader in plan["readers"][:1]
        for page in ("progress", "ranking", "dashboard")
    ]
    reviewer = plan["reviewers"][0]
    reads.append(
        (
            f"/api/reports/?period={reviewer['period']}&status=submitted&limit=20",
            {"Authorization": f"Token {reviewer['token']}"},
        )
    )
    for _ in range(rounds):
        for path, headers in reads:
            with urllib.request.urlopen(
                urllib.request.Request(base + path, headers=headers), timeout=60
            ) as r:
                r.read()


def gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "minsheng.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
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


def floor_warm_up(plan: dict[str, Any], base: str, rounds: int) -> None:
    """The floor server's workers warmed as the real server's were (their first request imports and compiles)."""
    entry = plan["capacity"][0]
    request = urllib.request.Request(
        base + entry["fill"], headers={"Cookie": f"{plan['session_cookie']}={entry['session']}"}
    )
    for _ in range(rounds):
        with urllib.request.urlopen(request, timeout=60) as r:
            r.read()


def record_page(entry: dict[str, Any], cookie: str, base: str) -> tuple[str, str]:
    """A capacity unit's fill page as served before it has filled anything (the floor's page) and its CSRF token."""
    request = urllib.request.Request(base + entry["fill"], headers={"Cookie": f"{cookie}={entry['session']}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        page = r.read().decode("utf-8")
    token = dict(form_fields(page)).get("csrfmiddlewaretoken", "")
    if not token:
        raise SystemExit("rush: the capacity unit's fill page has no form to record")
    return page, token


def main() -> None:
    districts = int(os.environ.get("RUSH_DISTRICTS", "10"))
    seconds = int(os.environ.get("RUSH_SECONDS", "35"))
    capacity_units = int(os.environ.get("RUSH_CAPACITY_UNITS", "30"))
    # a province's ≈ 3,000 reporting units (≈ 100 districts × 30) submitting in the deadline's last hour arrive at
    # 0.83 per second: the rush's units arrive at 1 per second (the capacity phase has them all at once)
    arrivals = float(os.environ.get("RUSH_ARRIVALS_PER_S", "1"))
    plan = prepare(districts, capacity_units)
    plan["arrivals_per_s"] = arrivals
    plan["floor_rounds"] = FLOOR_ROUNDS
    seconds = max(seconds, int(len(plan["units"]) / arrivals) + 20 if arrivals else seconds)
    workers = 3
    with tempfile.TemporaryDirectory(prefix="rush-") as tmp:
        out = Path(tmp)
        plan_path = out / "plan.json"
        plan_path.write_text(json.dumps(plan))
        port = free_port()
        env = dict(os.environ, DJANGO_ALLOWED_HOSTS="127.0.0.1", MINSHENG_LOG_FORMAT="text")
        # connections kept, as the deployment's PgBouncer pool keeps its server connections (deploy/README.md):
        # without either, every request starts a PostgreSQL backend (measured in docs/performance.md)
        env.setdefault("DATABASE_CONN_MAX_AGE", "60")
        server = gunicorn(env, port, workers)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base)
            warm_up(plan, base, rounds=4 * workers)
            baseline = locust(plan_path, out, "baseline", 3, BASELINE_SECONDS, base)
            # as the locustfile's fixed counts: a user per unit, a reviewer per district, readers
            readers = max(2, len(plan["readers"]) // 2)
            rush = locust(
                plan_path, out, "rush", len(plan["units"]) + len(plan["reviewers"]) + readers, seconds, base
            )
            page, token = record_page(plan["capacity"][0], plan["session_cookie"], base)
            capacity = locust(
                plan_path,
                out,
                "capacity",
                len(plan["capacity"]) + len(plan["reviewers"]) + readers,
                CAPACITY_SECONDS,
                base,
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
        # the floor: the same units' cycle against the same server with a fill page that does no work
        (out / "floor.html").write_text(page, encoding="utf-8")
        floor_env = dict(
            env,
            DJANGO_SETTINGS_MODULE="bench.floor_settings",
            RUSH_FLOOR_PAGE=str(out / "floor.html"),
            RUSH_FLOOR_TOKEN=token,
        )
        server = gunicorn(floor_env, port, workers)
        try:
            wait_ready(base)
            floor_warm_up(plan, base, rounds=4 * workers)
            floor = locust(plan_path, out, "floor", len(plan["capacity"]), CAPACITY_SECONDS, base, ["Unit"])
        finally:
            server.terminate()
            server.wait(timeout=60)
    results = {
        "units": [u for phase in (baseline, rush, capacity) for u in phase["results"]["units"]],
        "approved": [a for phase in (baseline, rush, capacity) for a in phase["results"]["approved"]],
    }
    lost = lost_writes(results, plan)
    submitted_reports = rush["results"]["submitted_reports"]
    span = rush["results"]["submit_span"] or seconds
    # like for like with the limit (which times each unit's save and its submission): from the first save's
    # start to the last submission's end
    fill_span = rush["results"].get("fill_span") or seconds
    cap = capacity["results"]
    limit = raw_limit(plan)
    phases = (baseline, rush, capacity, floor)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "reports": Report.objects.count(),
                "districts": districts,
                "units": len(plan["units"]) + 1,
                "seconds": seconds,
                "arrivals_per_s": arrivals,
                "conn_max_age": env["DATABASE_CONN_MAX_AGE"],
                "rush": rush["stats"],
                "baseline": baseline["stats"],
                "capacity": {
                    "stats": capacity["stats"],
                    "entries": len(plan["capacity"]),
                    "submitted_entries": sum(1 for _, _, done in cap["units"] if done),
                    "submitted_reports": cap["submitted_reports"],
                    "span": cap["fill_span"],
                    "per_s": cap["submitted_reports"] / cap["fill_span"] if cap["fill_span"] else 0.0,
                },
                # the same units' cycle with a fill page that does no work (bench/floor_urls.py): the ceiling
                "floor": {
                    "stats": floor["stats"],
                    "submitted_entries": sum(1 for _, _, done in floor["results"]["units"] if done),
                    "submitted_reports": floor["results"]["submitted_reports"],
                    "span": floor["results"]["fill_span"],
                    "per_s": (
                        floor["results"]["submitted_reports"] / floor["results"]["fill_span"]
                        if floor["results"]["fill_span"]
                        else 0.0
                    ),
                },
                "errors": sum(s["failures"] for phase in phases for s in phase["stats"].values()),
                "lost": lost,
                "submitted_reports": submitted_reports,
                "submit_per_s": submitted_reports / span if span else 0.0,
                "fill_submit_per_s": submitted_reports / fill_span if fill_span else 0.0,
                "limit": limit,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
