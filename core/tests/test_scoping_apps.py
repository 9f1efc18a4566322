"""The access matrix of every app, endpoint, download and query parameter: personas × URLs with the expected
status, and on every answer none of the marker texts the persona may not see (core/tests/scoping.py).

Read a row as: label, URL (from the scene), expected status for
            admin office leader dept  town  superv anon
302 means "sent to log in"; DRF answers 403 to an anonymous caller of a non-public endpoint. One test per persona
walks all rows (the scene is built once per persona) and reports every mismatch at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from core.tests.scoping import FORBIDDEN, PROBES, ROLES, build_scene

pytestmark = pytest.mark.django_db

Row = tuple[str, Callable[[dict[str, Any]], str], list[int]]
STAFF = [200, 200, 200, 200, 200, 200, 302]  # every staff role; the public is sent to log in
API_STAFF = [200, 200, 200, 200, 200, 200, 403]
API_STAFF_404 = [200, 200, 200, 200, 200, 200, 404]  # the public sees published runs only
API_SCORES = [
    200,
    200,
    200,
    200,
    200,
    403,
    403,
]  # item details: the units, their scorers, district-wide roles
PUBLIC = [200] * 7
DISTRICT_WIDE = [200, 200, 200, 403, 403, 403, 302]  # 系统管理员, 民生办, 领导
MANAGERS = [200, 200, 403, 403, 403, 403, 302]  # 系统管理员, 民生办
DISTRICT_WIDE_404 = [200, 200, 200, 404, 404, 404, 302]  # others do not learn it exists
DASHBOARD = [200, 200, 200, 200, 200, 403, 302]  # every staff role but the supervisor
DASHBOARD_OWN = [200, 200, 200, 404, 200, 403, 302]  # the town's own drill-down; 卫健委 leads none of it
DASHBOARD_WIDE = [200, 200, 200, 404, 404, 403, 302]  # another town's: the district-wide roles only
# a unit's page: 卫健委 leads projects both towns carry out (it sees their rows of those projects only)
DASHBOARD_UNIT = [200, 200, 200, 200, 200, 403, 302]
DASHBOARD_OTHER_UNIT = [200, 200, 200, 200, 404, 403, 302]
DASHBOARD_CHARTS = (
    "projects",
    "funds",
    "trend",
    "units-local",
    "units-department",
    "ranking-local",
    "ranking-department",
)
UPPER_ONLY = [200, 403, 403, 403, 403, 403, 302]  # the governments above a district (and the 系统管理员)


def _feedback(s: dict[str, Any]) -> Any:
    """One piece of public feedback on the scene's program (made on first use)."""
    from disclosure.services import feedback_submit

    if "feedback" not in s:
        s["feedback"] = feedback_submit(
            program=s["program"], project=None, satisfaction=3, aware=True, text="意见"
        )
    return s["feedback"]


def _digest(s: dict[str, Any]) -> Any:
    """The 民生办 persona's digest of the day (made on first use): only its reader may open it."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from alerts.models import Digest

    if "digest" not in s:
        s["digest"] = Digest.objects.create(
            user=get_user_model().objects.get(username="t_office"), day=dt.date(2021, 7, 1), red=1, items=[]
        )
    return s["digest"]


def _assessment(s: dict[str, Any]) -> dict[str, Any]:
    """The default assessment scheme of the scene's program and a December run (made on first use)."""
    if "assessment" not in s:
        from evaluation import services as evaluation_services
        from evaluation.models import ItemScore, UnitResult
        from orgs.models import Membership

        office = Membership.objects.select_related("user").get(user__username="t_office").user
        scheme = evaluation_services.scheme_create_from_template(actor=office, program=s["program"])
        run = evaluation_services.run_compute(actor=office, scheme=scheme, month=12)
        results = {k: UnitResult.objects.get(run=run, unit=u) for k, u in s["units"].items()}
        s["assessment"] = {
            "run": run,
            "results": results,
            "scores": {k: ItemScore.objects.filter(result=r).first() for k, r in results.items()},
        }
    return s["assessment"]


def _bulletin(s: dict[str, Any], state: str) -> Any:
    """A June bulletin of the scene's program (made on first use): "draft", "issued" (internal) or "public"."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from bulletins import services as bulletin_services

    key = f"bulletin-{state}"
    if key not in s:
        office = get_user_model().objects.get(username="t_office")
        b = bulletin_services.bulletin_generate(actor=office, period=s["period"])
        if state != "draft":
            bulletin_services.bulletin_update(
                actor=office,
                bulletin=b,
                data={"issue_date": dt.date(2021, 7, 10), "is_public": state == "public"},
                expected_version=b.version,
            )
            bulletin_services.bulletin_issue(
                actor=office, bulletin=b, expected_version=b.version, confirm_warnings=True
            )
        s[key] = b
    return s[key]


def _p(s: dict[str, Any]) -> tuple[int, int]:
    return s["period"].program_id, s["period"].month


def _r(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _housing(s: dict[str, Any]) -> int:
    return s["own"]["report"].project_id


ROWS: list[Row] = [
    # --- reporting: pages, query parameters, exports, downloads
    ("reporting index", lambda s: _r("reporting:index"), STAFF),
    ("periods", lambda s: _r("reporting:periods", s["program"].pk), STAFF),
    ("fill", lambda s: _r("reporting:fill", *_p(s)), STAFF),
    ("fill ?unit=other", lambda s: _r("reporting:fill", *_p(s)) + "?unit=duanyuan", STAFF),
    ("review queue", lambda s: _r("reporting:review", *_p(s)), STAFF),
    ("progress", lambda s: _r("reporting:progress", *_p(s)), STAFF),
    ("progress pending", lambda s: _r("reporting:progress", *_p(s)) + "?pending=1", STAFF),
    (
        "progress pending per unit",
        lambda s: _r("reporting:progress", *_p(s)) + "?pending=1&per_unit=1",
        STAFF,
    ),
    (
        "progress xlsx",
        lambda s: _r("reporting:progress", *_p(s)) + "?format=xlsx&pending=1&per_unit=1",
        STAFF,
    ),
    ("progress pdf", lambda s: _r("reporting:progress", *_p(s)) + "?format=pdf&pending=1", STAFF),
    ("ranking", lambda s: _r("reporting:ranking", *_p(s)), STAFF),
    ("overdue", lambda s: _r("reporting:overdue", *_p(s)), STAFF),
    (
        "excel sheet",
        lambda s: _r("reporting:excel", *_p(s)) + "?download=1",
        [200, 200, 403, 200, 200, 403, 302],
    ),
    (
        "excel sheet ?unit=other",
        lambda s: _r("reporting:excel", *_p(s)) + "?download=1&unit=duanyuan",
        [200, 200, 403, 200, 200, 403, 302],
    ),
    (
        "own report",
        lambda s: _r("reporting:report_detail", s["own"]["report"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other report",
        lambda s: _r("reporting:report_detail", s["other"]["report"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own attachment",
        lambda s: _r("reporting:attachment_file", s["own"]["report"].pk, s["own"]["attachment"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other attachment",
        lambda s: _r("reporting:attachment_file", s["other"]["report"].pk, s["other"]["attachment"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "other attachment via own report",
        lambda s: _r("reporting:attachment_file", s["own"]["report"].pk, s["other"]["attachment"].pk),
        [404, 404, 404, 404, 404, 404, 302],
    ),
    # roll-ups up the government tree: the city's and the province's tables (a district's staff: none)
    ("rollup index", lambda s: _r("reporting:tree_index"), [302, 403, 403, 403, 403, 403, 302]),
    ("rollup", lambda s: _r("reporting:tree", s["program"].year, s["period"].month), UPPER_ONLY),
    (
        "rollup of the city, one project, xlsx",
        lambda s: _r("reporting:tree", s["program"].year, s["period"].month)
        + f"?government=huaibei&project={s['own']['report'].project_id}&format=xlsx",
        UPPER_ONLY,
    ),
    # the dashboard of a city's and the province's staff (its lower governments, from the roll-up)
    ("dashboard tree", lambda s: _r("dashboard:tree", s["program"].year, s["period"].month), UPPER_ONLY),
    *(
        (
            f"dashboard tree {key} {fmt}",
            lambda s, key=key, fmt=fmt: _r(
                "dashboard:tree_data", s["program"].year, s["period"].month, key, fmt
            )
            + "?government=huaibei",
            UPPER_ONLY,
        )
        for key in ("ranking", "rates", "funds")
        for fmt in ("json", "xlsx")
    ),
    # --- supervision
    ("supervision index", lambda s: _r("supervision:index"), STAFF),
    ("supervision overdue", lambda s: _r("supervision:index") + "?overdue=1&status=open", STAFF),
    ("supervisors", lambda s: _r("supervision:supervisors"), STAFF),
    ("new inspection", lambda s: _r("supervision:inspection_new"), [403, 403, 403, 403, 403, 200, 302]),
    (
        "new inspection ?supervisor=theirs",
        lambda s: _r("supervision:inspection_new") + f"?supervisor={s['supervisors']['theirs'].pk}",
        [200, 200, 403, 403, 403, 200, 302],
    ),
    (
        "own inspection",
        lambda s: _r("supervision:inspection_detail", s["own"]["inspection"].pk),
        [200, 200, 200, 404, 200, 200, 302],
    ),
    (
        "other inspection",
        lambda s: _r("supervision:inspection_detail", s["other"]["inspection"].pk),
        [200, 200, 200, 404, 404, 200, 302],
    ),
    (
        "their inspection",
        lambda s: _r("supervision:inspection_detail", s["theirs"]["inspection"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own finding",
        lambda s: _r("supervision:finding_detail", s["own"]["finding"].pk),
        [200, 200, 200, 404, 200, 200, 302],
    ),
    (
        "other finding",
        lambda s: _r("supervision:finding_detail", s["other"]["finding"].pk),
        [200, 200, 200, 404, 404, 200, 302],
    ),
    (
        "their finding",
        lambda s: _r("supervision:finding_detail", s["theirs"]["finding"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own photo",
        lambda s: _r("supervision:photo", s["own"]["photo"].pk),
        [200, 200, 200, 404, 200, 200, 302],
    ),
    (
        "other photo",
        lambda s: _r("supervision:photo", s["other"]["photo"].pk),
        [200, 200, 200, 404, 404, 200, 302],
    ),
    (
        "their photo",
        lambda s: _r("supervision:photo", s["theirs"]["photo"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    # --- evaluation: 目标管理绩效考评 (a town sees its own details only; the public only published results)
    ("assessment index", lambda s: _r("evaluation:assessment_program", s["program"].pk), STAFF),
    (
        "assessment scheme",
        lambda s: _r("evaluation:assessment_scheme", _assessment(s)["run"].scheme.program_id),
        MANAGERS,
    ),
    ("assessment run", lambda s: _r("evaluation:run", _assessment(s)["run"].pk), STAFF),
    (
        "assessment notice before approval",
        lambda s: _r("evaluation:run", _assessment(s)["run"].pk) + "?format=docx",
        MANAGERS,
    ),
    (
        "own assessment result",
        lambda s: _r("evaluation:result", _assessment(s)["results"]["own"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other assessment result",
        lambda s: _r("evaluation:result", _assessment(s)["results"]["other"].pk),
        DISTRICT_WIDE_404,
    ),
    (
        "own assessment item",
        lambda s: _r("evaluation:score", _assessment(s)["scores"]["own"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other assessment item",
        lambda s: _r("evaluation:score", _assessment(s)["scores"]["other"].pk),
        DISTRICT_WIDE_404,
    ),
    (
        "unpublished public results",
        lambda s: _r("evaluation:public_results", _assessment(s)["run"].pk),
        [404] * 7,
    ),
    # 奖补与约束: the run's page is the district-wide roles'; a unit sees its own share and constraints
    ("assessment incentives", lambda s: _r("evaluation:incentives", _assessment(s)["run"].pk), DISTRICT_WIDE),
    ("api reward pools", lambda s: "/api/reward-pools/", [200, 200, 200, 403, 403, 403, 403]),
    ("api reward shares", lambda s: "/api/reward-shares/", API_STAFF),
    ("api constraints", lambda s: "/api/constraints/", API_STAFF),
    # the assessment's API: the scheme and runs for every staff role, a unit's details for itself and the
    # district-wide roles, published totals only on the public API
    (
        "api assessment schemes",
        lambda s: f"/api/assessment-schemes/?program={_assessment(s)['run'].scheme.program_id}",
        API_STAFF,
    ),
    (
        "api assessment scheme",
        lambda s: f"/api/assessment-schemes/{_assessment(s)['run'].scheme_id}/",
        API_STAFF,
    ),
    ("api assessment items", lambda s: "/api/assessment-items/", API_STAFF),
    (
        "api assessment runs",
        lambda s: f"/api/assessment-runs/?scheme={_assessment(s)['run'].scheme_id}",
        PUBLIC,
    ),
    ("api assessment run", lambda s: f"/api/assessment-runs/{_assessment(s)['run'].pk}/", API_STAFF_404),
    ("api assessment results", lambda s: f"/api/assessment-results/?run={_assessment(s)['run'].pk}", PUBLIC),
    (
        "api own assessment result",
        lambda s: f"/api/assessment-results/{_assessment(s)['results']['own'].pk}/",
        [200, 200, 200, 404, 200, 404, 404],
    ),
    (
        "api other assessment result",
        lambda s: f"/api/assessment-results/{_assessment(s)['results']['other'].pk}/",
        [200, 200, 200, 404, 404, 404, 404],
    ),
    (
        "api assessment scores",
        lambda s: f"/api/assessment-scores/?run={_assessment(s)['run'].pk}",
        API_SCORES,
    ),
    (
        "api own assessment score",
        lambda s: f"/api/assessment-scores/{_assessment(s)['scores']['own'].pk}/",
        [200, 200, 200, 404, 200, 403, 403],
    ),
    (
        "api other assessment score",
        lambda s: f"/api/assessment-scores/{_assessment(s)['scores']['other'].pk}/",
        [200, 200, 200, 404, 404, 403, 403],
    ),
    ("api assessment samples", lambda s: "/api/assessment-samples/", API_SCORES),
    (
        "api assessment objections",
        lambda s: f"/api/assessment-objections/?run={_assessment(s)['run'].pk}",
        API_SCORES,
    ),
    ("public api assessments", lambda s: f"/api/public/assessments/?program={s['program'].pk}", PUBLIC),
    (
        "public api unpublished assessment",
        lambda s: f"/api/public/assessments/{_assessment(s)['run'].pk}/",
        [404] * 7,
    ),
    # --- upkeep
    ("upkeep index", lambda s: _r("upkeep:index"), STAFF),
    (
        "own asset",
        lambda s: _r("upkeep:asset_detail", s["own"]["asset"].pk),
        [200, 200, 200, 404, 200, 200, 302],
    ),
    (
        "other asset",
        lambda s: _r("upkeep:asset_detail", s["other"]["asset"].pk),
        [200, 200, 200, 404, 404, 200, 302],
    ),
    # --- disclosure
    ("disclosure index", lambda s: _r("disclosure:index"), STAFF),
    ("feedback list", lambda s: _r("disclosure:feedback_list"), DISTRICT_WIDE),
    ("feedback list ?status", lambda s: _r("disclosure:feedback_list") + "?status=handled", DISTRICT_WIDE),
    ("feedback detail", lambda s: _r("disclosure:feedback_detail", _feedback(s).pk), DISTRICT_WIDE),
    # --- catalogue: the notice's parts, checklist and preview; publishing
    ("notice edit", lambda s: _r("catalogue:program_notice_edit", s["program"].pk), MANAGERS),
    ("notice publish", lambda s: _r("catalogue:program_publish", s["program"].pk), MANAGERS),
    ("notice preview pdf", lambda s: _r("catalogue:program_notice_preview", s["program"].pk), PUBLIC),
    # --- catalogue: programs derived from the level above (issue 14, item 2)
    ("derive from upper", lambda s: _r("catalogue:program_derive"), MANAGERS),
    ("derivation items", lambda s: _r("catalogue:program_derivation", s["program"].pk), PUBLIC),
    (
        "project levels",
        lambda s: _r("catalogue:project_levels", s["program"].projects.order_by("order").first().pk),
        PUBLIC,
    ),
    # --- jobs (石台镇's was started by the town persona, 段园镇's by somebody else)
    ("own job", lambda s: _r("jobs:job_detail", s["own"]["job"].pk), [200, 200, 404, 404, 200, 404, 302]),
    (
        "own job json",
        lambda s: _r("jobs:job_detail", s["own"]["job"].pk) + "?format=json",
        [200, 200, 404, 404, 200, 404, 302],
    ),
    ("other job", lambda s: _r("jobs:job_detail", s["other"]["job"].pk), [200, 200, 404, 404, 404, 404, 302]),
    # a large export's file: its starter only (the town), access to the table re-checked
    ("own job file", lambda s: _r("jobs:job_file", s["own"]["job"].pk), [404, 404, 404, 404, 200, 404, 302]),
    ("other job file", lambda s: _r("jobs:job_file", s["other"]["job"].pk), [404] * 6 + [302]),
    (
        "other job partial",
        lambda s: _r("jobs:job_detail", s["other"]["job"].pk) + "?partial=1",
        [200, 200, 404, 404, 404, 404, 302],
    ),
    ("scheduled jobs", lambda s: _r("jobs:schedule"), [200, 403, 403, 403, 403, 403, 302]),
    ("health", lambda s: "/health/", [503] * 7),  # no worker runs in the scene; status words only
    # --- responsibility letters and their files
    ("letters", lambda s: _r("responsibility:program_letters", s["program"].pk), STAFF),
    (
        "own letter",
        lambda s: _r("responsibility:letter_detail", s["own"]["letter"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other letter",
        lambda s: _r("responsibility:letter_detail", s["other"]["letter"].pk),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own letter docx",
        lambda s: _r("responsibility:letter_file", s["own"]["letter"].pk, "docx"),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other letter docx",
        lambda s: _r("responsibility:letter_file", s["other"]["letter"].pk, "docx"),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own letter scan",
        lambda s: _r("responsibility:letter_scan", s["own"]["letter"].pk),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other letter scan",  # never signed: nothing to download, for anyone
        lambda s: _r("responsibility:letter_scan", s["other"]["letter"].pk),
        [404, 404, 404, 404, 404, 404, 302],
    ),
    (
        "matrix xlsx",
        lambda s: _r("responsibility:program_matrix", s["program"].pk) + "?format=xlsx",
        STAFF,
    ),
    # --- bulletins: drafts are the office's; issued ones every staff role's; public ones the portal's
    ("bulletins", lambda s: _r("bulletins:index"), STAFF),
    (
        "bulletin draft",
        lambda s: _r("bulletins:detail", _bulletin(s, "draft").pk),
        MANAGERS[:2] + [404] * 4 + [302],
    ),
    (
        "bulletin draft preview",
        lambda s: _r("bulletins:preview", _bulletin(s, "draft").pk),
        MANAGERS[:2] + [404] * 4 + [302],
    ),
    ("bulletin issued", lambda s: _r("bulletins:detail", _bulletin(s, "issued").pk), STAFF),
    ("bulletin issued docx", lambda s: _r("bulletins:download", _bulletin(s, "issued").pk, "docx"), STAFF),
    ("bulletin issued pdf", lambda s: _r("bulletins:download", _bulletin(s, "issued").pk, "pdf"), STAFF),
    ("portal bulletins", lambda s: _r("portal:bulletins"), PUBLIC),
    (
        "portal bulletin public",
        lambda s: _r("portal:bulletin_download", _bulletin(s, "public").pk, "pdf"),
        PUBLIC,
    ),
    (
        "portal bulletin internal",
        lambda s: _r("portal:bulletin_download", _bulletin(s, "issued").pk, "pdf"),
        [404] * 7,
    ),
    (
        "portal bulletin draft",
        lambda s: _r("portal:bulletin_download", _bulletin(s, "draft").pk, "docx"),
        [404] * 7,
    ),
    # --- the public portal and its API: only what is published
    ("portal", lambda s: _r("portal:index"), PUBLIC),
    ("portal program", lambda s: _r("portal:program", s["program"].pk), PUBLIC),
    ("portal project", lambda s: _r("portal:project", s["own"]["report"].project_id), PUBLIC),
    ("portal charts", lambda s: _r("portal:program_charts", s["program"].pk), PUBLIC),
    ("portal table csv", lambda s: _r("portal:program_table", s["program"].pk, "projects", "csv"), PUBLIC),
    ("portal table xlsx", lambda s: _r("portal:program_table", s["program"].pk, "trend", "xlsx"), PUBLIC),
    ("public api programs", lambda s: "/api/public/programs/", PUBLIC),
    ("public api program", lambda s: f"/api/public/programs/{s['program'].pk}/", PUBLIC),
    ("public api program charts", lambda s: f"/api/public/programs/{s['program'].pk}/charts/", PUBLIC),
    ("home", lambda s: _r("home"), PUBLIC),
    # --- the API: every list, with the query parameters that change what is shown, and details
    ("api reports", lambda s: "/api/reports/?limit=500", API_STAFF),
    ("api reports ?unit=other", lambda s: f"/api/reports/?unit={s['units']['other'].pk}", API_STAFF),
    ("api reports ?status", lambda s: "/api/reports/?status=draft&format=json", API_STAFF),
    (
        "api own report",
        lambda s: f"/api/reports/{s['own']['report'].pk}/",
        [200, 200, 200, 404, 200, 404, 403],
    ),
    (
        "api other report",
        lambda s: f"/api/reports/{s['other']['report'].pk}/",
        [200, 200, 200, 404, 404, 404, 403],
    ),
    ("api inspections", lambda s: "/api/inspections/?limit=500", API_STAFF),
    (
        "api own inspection",
        lambda s: f"/api/inspections/{s['own']['inspection'].pk}/",
        [200, 200, 200, 404, 200, 200, 403],
    ),
    (
        "api other inspection",
        lambda s: f"/api/inspections/{s['other']['inspection'].pk}/",
        [200, 200, 200, 404, 404, 200, 403],
    ),
    (
        "api their inspection",
        lambda s: f"/api/inspections/{s['theirs']['inspection'].pk}/",
        [200, 200, 200, 404, 404, 404, 403],
    ),
    ("api findings", lambda s: "/api/findings/?limit=500", API_STAFF),
    (
        "api own finding",
        lambda s: f"/api/findings/{s['own']['finding'].pk}/",
        [200, 200, 200, 404, 200, 200, 403],
    ),
    (
        "api other finding",
        lambda s: f"/api/findings/{s['other']['finding'].pk}/",
        [200, 200, 200, 404, 404, 200, 403],
    ),
    (
        "api their finding",
        lambda s: f"/api/findings/{s['theirs']['finding'].pk}/",
        [200, 200, 200, 404, 404, 404, 403],
    ),
    ("api assets", lambda s: "/api/assets/?limit=500", API_STAFF),
    ("api own asset", lambda s: f"/api/assets/{s['own']['asset'].pk}/", [200, 200, 200, 404, 200, 200, 403]),
    (
        "api other asset",
        lambda s: f"/api/assets/{s['other']['asset'].pk}/",
        [200, 200, 200, 404, 404, 200, 403],
    ),
    ("api publicity", lambda s: "/api/publicity/", PUBLIC),
    ("api disclosures", lambda s: "/api/disclosures/?limit=500", PUBLIC),
    (
        "api own disclosure",
        lambda s: f"/api/disclosures/{s['own']['disclosure'].pk}/",
        [200, 200, 200, 404, 200, 200, 404],
    ),
    (
        "api other disclosure",
        lambda s: f"/api/disclosures/{s['other']['disclosure'].pk}/",
        [200, 200, 200, 404, 404, 200, 404],
    ),
    ("api letters", lambda s: "/api/letters/?limit=500", API_STAFF),
    (
        "api own letter",
        lambda s: f"/api/letters/{s['own']['letter'].pk}/",
        [200, 200, 200, 404, 200, 404, 403],
    ),
    (
        "api other letter",
        lambda s: f"/api/letters/{s['other']['letter'].pk}/",
        [200, 200, 200, 404, 404, 404, 403],
    ),
    ("api targets", lambda s: "/api/targets/?limit=500", API_STAFF),
    ("api funding lines", lambda s: "/api/funding-lines/?limit=500", API_STAFF),
    ("api organisations", lambda s: "/api/organisations/?limit=500", API_STAFF),
    ("api memberships", lambda s: "/api/memberships/?limit=500", API_STAFF),
    # --- alerts: the page and its JSON scoped to the user's units, the rules for the district-wide roles
    ("alerts", lambda s: _r("alerts:index"), STAFF),
    (
        "alerts of a program and month",
        lambda s: _r("alerts:index") + f"?program={s['program'].pk}&month=6",
        STAFF,
    ),
    ("alerts json", lambda s: _r("alerts:data"), STAFF),
    ("alert rules", lambda s: _r("alerts:rules"), DISTRICT_WIDE),
    ("api alert rules", lambda s: "/api/alert-rules/", [200, 200, 200, 403, 403, 403, 403]),
    (
        "alert rule of a program",
        lambda s: _r("alerts:rule_edit", "behind") + f"?program={s['program'].pk}",
        DISTRICT_WIDE,
    ),
    (
        "alert digest (民生办's own)",
        lambda s: _r("alerts:digest", _digest(s).pk),
        [404, 200, 404, 404, 404, 404, 302],
    ),
    ("search", lambda s: "/search/?q=标记", STAFF),
    ("api programs", lambda s: "/api/programs/", PUBLIC),
    ("api projects", lambda s: "/api/projects/?limit=50", PUBLIC),
    ("api indicators", lambda s: "/api/indicators/?limit=50", PUBLIC),
    ("api changes", lambda s: "/api/changes/?limit=50", PUBLIC),
    ("api derivations", lambda s: f"/api/derivations/?program={s['program'].pk}&limit=50", PUBLIC),
    ("api root", lambda s: "/api/", PUBLIC),
    # --- dashboard: the pages, every JSON endpoint and Excel download, the drill-down (a town only its own)
    ("dashboard", lambda s: _r("dashboard:index"), DASHBOARD),
    ("dashboard month", lambda s: _r("dashboard:board", *_p(s)), DASHBOARD),
    ("dashboard year", lambda s: _r("dashboard:year", _p(s)[0]), DASHBOARD),
    ("dashboard pending", lambda s: _r("dashboard:board", *_p(s)) + "?pending=1", DASHBOARD),
    *[
        (
            f"dashboard {key} {fmt}",
            lambda s, key=key, fmt=fmt: _r("dashboard:data", *_p(s), key, fmt),
            DASHBOARD,
        )
        for key in DASHBOARD_CHARTS
        for fmt in ("json", "xlsx")
    ],
    ("dashboard project", lambda s: _r("dashboard:project", *_p(s), _housing(s)), DASHBOARD_OWN),
    (
        "dashboard project json",
        lambda s: _r("dashboard:project_data", *_p(s), _housing(s), "json") + "?pending=1",
        DASHBOARD_OWN,
    ),
    (
        "dashboard project xlsx",
        lambda s: _r("dashboard:project_data", *_p(s), _housing(s), "xlsx"),
        DASHBOARD_OWN,
    ),
    ("dashboard own unit", lambda s: _r("dashboard:unit", *_p(s), s["units"]["own"].pk), DASHBOARD_UNIT),
    (
        "dashboard own unit json",
        lambda s: _r("dashboard:unit_data", *_p(s), s["units"]["own"].pk, "json") + "?pending=1",
        DASHBOARD_UNIT,
    ),
    (
        "dashboard other unit",
        lambda s: _r("dashboard:unit", *_p(s), s["units"]["other"].pk),
        DASHBOARD_OTHER_UNIT,
    ),
    (
        "dashboard other unit json",
        lambda s: _r("dashboard:unit_data", *_p(s), s["units"]["other"].pk, "json"),
        DASHBOARD_OTHER_UNIT,
    ),
    (
        "dashboard other unit xlsx",
        lambda s: _r("dashboard:unit_data", *_p(s), s["units"]["other"].pk, "xlsx"),
        DASHBOARD_OTHER_UNIT,
    ),
    (
        "dashboard own reports",
        lambda s: _r("dashboard:reports", *_p(s), _housing(s), s["units"]["own"].pk),
        DASHBOARD_OWN,
    ),
    (
        "dashboard other reports",
        lambda s: _r("dashboard:reports", *_p(s), _housing(s), s["units"]["other"].pk),
        DASHBOARD_WIDE,
    ),
]

# API writes: every endpoint is read-only except the report transition; a write is refused for everyone
API_WRITES = [
    ("post", "/api/{name}/"),
    ("put", "/api/{name}/{pk}/"),
    ("patch", "/api/{name}/{pk}/"),
    ("delete", "/api/{name}/{pk}/"),
]
API_OBJECTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "reports": lambda s: s["other"]["report"],
    "inspections": lambda s: s["other"]["inspection"],
    "findings": lambda s: s["other"]["finding"],
    "assets": lambda s: s["other"]["asset"],
    "disclosures": lambda s: s["other"]["disclosure"],
    "letters": lambda s: s["other"]["letter"],
    "organisations": lambda s: s["units"]["other"],
    "publicity": lambda s: s["other"]["asset"],  # any id: refused before it is looked up
    "programs": lambda s: s["program"],
    "projects": lambda s: s["own"]["report"].project,
    "targets": lambda s: _first("responsibility", "Target"),
    "funding-lines": lambda s: _first("funding", "FundingLine"),
    "memberships": lambda s: s["units"]["other"],
    "indicators": lambda s: s["program"],
    "changes": lambda s: s["program"],
    "derivations": lambda s: s["program"],  # any id: the endpoint is read-only
    "assessment-results": lambda s: _assessment(s)["results"]["other"],
}


def _first(app: str, model: str) -> Any:
    from django.apps import apps

    return apps.get_model(app, model)._default_manager.order_by("pk").first()


@pytest.fixture
def scene(office: Any, persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    return build_scene(office, persona)


def _text(response: Any) -> str:
    """The answer as text: HTML/JSON as is, the XML inside an xlsx/docx, the download's file name."""
    import io
    import zipfile
    from urllib.parse import unquote

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace") + unquote(response.get("Content-Disposition", ""))


def _leaks(role: str, label: str, response: Any) -> list[str]:
    text = _text(response)
    return [f"{role} {label}: shows {m}" for m in sorted(FORBIDDEN[role]) if m in text]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_endpoint(client_for: Any, scene: dict[str, Any], role: str) -> None:
    client = client_for(role)
    i = ROLES.index(role)
    wrong, leaks = [], []
    for label, url, expected in ROWS:
        response = client.get(url(scene))
        PROBES.count += 1
        if response.status_code != expected[i]:
            wrong.append(f"{role} GET {label}: {response.status_code}, expected {expected[i]}")
        leaks += _leaks(role, label, response)
    PROBES.leaks += leaks
    assert not wrong and not leaks, "\n".join(wrong + leaks)


@pytest.mark.parametrize("role", ROLES)
def test_no_api_write_is_accepted(client_for: Any, scene: dict[str, Any], role: str) -> None:
    from django.apps import apps

    client = client_for(role)
    for obj in API_OBJECTS.values():
        obj(scene)  # objects made on first use (the assessment run) exist before the rows are counted
    counts = {m: m._default_manager.count() for m in apps.get_models()}
    wrong = []
    for name, obj in API_OBJECTS.items():
        for method, pattern in API_WRITES:
            if (name, method) == ("targets", "post"):
                continue  # the one writable list, probed below with a real payload
            url = pattern.format(name=name, pk=obj(scene).pk)
            response = getattr(client, method)(
                url, {"name": "改", "status": "confirmed"}, content_type="application/json"
            )
            PROBES.count += 1
            if response.status_code not in (403, 404, 405):
                wrong.append(f"{role} {method.upper()} {url}: {response.status_code}")
    assert {m: m._default_manager.count() for m in apps.get_models()} == counts, "a refused write left rows"
    # the one writable list: setting a target of 段园镇 on a project the persona does not plan
    from responsibility.models import Indicator, Target

    indicator = Indicator.objects.filter(project=scene["own"]["report"].project).first()
    answer = client.post(
        "/api/targets/",
        {"indicator": indicator.pk, "unit": scene["units"]["other"].pk, "value": "7"},
        content_type="application/json",
    )
    PROBES.count += 1
    written = Target.objects.filter(indicator=indicator, unit=scene["units"]["other"], value=7).exists()
    expected = 201 if role in MAY_WRITE_FOR_OTHERS else 403
    if answer.status_code != expected or written != (expected == 201):
        wrong.append(f"{role} POST /api/targets/: {answer.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def _post_probes(scene: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], Callable[[], bool]]]:
    """Writes on 段园镇's objects through the pages: (label, url, data, did it change?)."""
    from disclosure.models import Disclosure
    from reporting.models import Attachment, Report
    from supervision.models import Finding
    from upkeep.models import Check

    other = scene["other"]
    finding, asset, report = other["finding"], other["asset"], other["report"]
    period = scene["period"]
    return [
        (
            "answer other finding",
            _r("supervision:finding_detail", finding.pk),
            {"action": "answer", "text": "越权反馈"},
            lambda: Finding.objects.get(pk=finding.pk).status != finding.status,
        ),
        (
            "check other asset",
            _r("upkeep:asset_detail", asset.pk),
            {"date": "2021-09-01", "condition": "good", "note": "越权检查"},
            lambda: Check.objects.filter(asset=asset, note="越权检查").exists(),
        ),
        (
            "unlock/approve other report",
            _r("reporting:report_detail", report.pk),
            {"action": "approve", "opinion": ""},
            lambda: Report.objects.get(pk=report.pk).status != report.status,
        ),
        (
            "fill other unit",
            _r("reporting:fill", period.program_id, period.month) + "?unit=duanyuan",
            {f"r{report.project_id}-version": report.version, f"r{report.project_id}-progress": "越权填报"},
            lambda: Report.objects.get(pk=report.pk).progress == "越权填报",
        ),
        (
            "api transition other report",
            f"/api/reports/{report.pk}/transition/",
            {"action": "submit"},
            lambda: Report.objects.get(pk=report.pk).status != report.status,
        ),
        (
            "record other unit's disclosure",
            _r("disclosure:index"),
            {
                "kind_of": "disclosure",
                "d-unit": scene["units"]["other"].pk,
                "d-title": "越权公示",
                "d-place": "某处",
                "d-due": "2021-05-01",
            },
            lambda: Disclosure.objects.filter(title="越权公示").exists(),
        ),
        (
            "attach to other report",
            _r("reporting:report_detail", report.pk),
            {"action": "attach"},
            lambda: Attachment.objects.filter(report=report).count() != 1,
        ),
    ]


# who may write on another unit's objects through the pages: 民生办 (and the admin) only
MAY_WRITE_FOR_OTHERS = {"admin", "office"}


@pytest.mark.parametrize("role", ROLES)
def test_no_write_on_another_units_objects(client_for: Any, scene: dict[str, Any], role: str) -> None:
    client = client_for(role)
    wrong = []
    for label, url, data, changed in _post_probes(scene):
        if label.startswith("api"):
            client.post(url, data, content_type="application/json")
        else:
            client.post(url, data)
        PROBES.count += 1
        if changed() and role not in MAY_WRITE_FOR_OTHERS:
            wrong.append(f"{role} {label}: changed")
    assert not wrong, "\n".join(wrong)
