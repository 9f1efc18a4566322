"""The access matrix: every role × every page and endpoint × own vs other unit's objects.

One table, read row by row: the expected HTTP status for each persona. 302 means "sent to log in".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Program, Project
from core.policy import restrict
from core.tests.scoping import (
    PROBES,
    ROLES,  # noqa: E402
)
from orgs.models import Membership, Organisation


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Reference data (session) plus a draft program with one project led by each of two departments."""
    gov = Organisation.objects.get(code="gov")
    draft = Program.objects.create(year=2099, issuer=gov, issuer_name="杜集区人民政府", status="draft")
    wjw, jtj = Organisation.objects.get(code="wjw"), Organisation.objects.get(code="jtj")
    published = Project.objects.filter(program__year=2021, lead_department=wjw).first()
    assert published is not None, "the reference data gives 区卫健委 at least one 2021 project"
    return {
        "draft": draft,
        "draft_wjw": Project.objects.create(
            program=draft, order=1, name="示例草稿项目甲", kind="service", lead_department=wjw
        ),
        "draft_jtj": Project.objects.create(
            program=draft, order=2, name="示例草稿项目乙", kind="training", lead_department=jtj
        ),
        "published": published,
        "program2021": Program.objects.get(year=2021),
        **{code: Organisation.objects.get(code=code) for code in ("shitai", "duanyuan", "wjw", "jtj")},
    }


#            admin office leader dept  town  superv anon
PAGES: list[tuple[str, Any, list[int]]] = [
    ("home", lambda w: reverse("home"), [200, 200, 200, 200, 200, 200, 200]),
    ("program list", lambda w: reverse("catalogue:program_list"), [200, 200, 200, 200, 200, 200, 200]),
    (
        "published program",
        lambda w: reverse("catalogue:program_detail", args=[w["program2021"].pk]),
        [200] * 7,
    ),
    (
        "draft program",
        lambda w: reverse("catalogue:program_detail", args=[w["draft"].pk]),
        [200, 200, 200, 200, 404, 404, 404],
    ),
    ("published project", lambda w: reverse("catalogue:project_detail", args=[w["published"].pk]), [200] * 7),
    (
        "own dept draft project",
        lambda w: reverse("catalogue:project_detail", args=[w["draft_wjw"].pk]),
        [200, 200, 200, 200, 404, 404, 404],
    ),
    (
        "other dept draft project",
        lambda w: reverse("catalogue:project_detail", args=[w["draft_jtj"].pk]),
        [200, 200, 200, 404, 404, 404, 404],
    ),
    (
        "edit own draft project",
        lambda w: reverse("catalogue:project_edit", args=[w["draft_wjw"].pk]),
        [200, 200, 403, 200, 404, 404, 302],
    ),
    (
        "edit other draft project",
        lambda w: reverse("catalogue:project_edit", args=[w["draft_jtj"].pk]),
        [200, 200, 403, 404, 404, 404, 302],
    ),
    (
        "edit published project",
        lambda w: reverse("catalogue:project_edit", args=[w["published"].pk]),
        [200, 200, 403, 403, 403, 403, 302],
    ),
    ("organisation tree", lambda w: reverse("orgs:tree"), [200, 200, 200, 200, 200, 200, 302]),
    (
        "own town page",
        lambda w: reverse("orgs:detail", args=[w["shitai"].pk]),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other town page",
        lambda w: reverse("orgs:detail", args=[w["duanyuan"].pk]),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "own dept page",
        lambda w: reverse("orgs:detail", args=[w["wjw"].pk]),
        [200, 200, 200, 200, 404, 404, 302],
    ),
    (
        "other dept page",
        lambda w: reverse("orgs:detail", args=[w["jtj"].pk]),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    (
        "edit own town",
        lambda w: reverse("orgs:edit", args=[w["shitai"].pk]),
        [200, 200, 403, 404, 200, 404, 302],
    ),
    (
        "edit other town",
        lambda w: reverse("orgs:edit", args=[w["duanyuan"].pk]),
        [200, 200, 403, 404, 404, 404, 302],
    ),
    (
        "edit own dept",
        lambda w: reverse("orgs:edit", args=[w["wjw"].pk]),
        [200, 200, 403, 200, 404, 404, 302],
    ),
    ("diff page", lambda w: reverse("catalogue:program_diff", args=[w["program2021"].pk]), [200] * 7),
    (
        "draft diff page",
        lambda w: reverse("catalogue:program_diff", args=[w["draft"].pk]),
        [200, 200, 200, 200, 404, 404, 404],
    ),
    ("proposals", lambda w: reverse("catalogue:proposal_list"), [200, 200, 200, 200, 403, 403, 302]),
    (
        "amend form",
        lambda w: reverse("catalogue:program_amend", args=[w["program2021"].pk]),
        [200, 200, 403, 403, 403, 403, 302],
    ),
    (
        "merge form",
        lambda w: reverse("catalogue:program_merge", args=[w["draft"].pk]),
        [200, 200, 403, 403, 404, 404, 302],
    ),
    (
        "new project form",
        lambda w: reverse("catalogue:project_new", args=[w["draft"].pk]),
        [200, 200, 403, 403, 404, 404, 302],
    ),
    (
        "project action",
        lambda w: reverse("catalogue:project_action", args=[w["draft_wjw"].pk, "rename"]),
        [200, 200, 403, 403, 404, 404, 302],
    ),
    ("api targets", lambda w: "/api/targets/", [200, 200, 200, 200, 200, 200, 403]),
    ("api funding lines", lambda w: "/api/funding-lines/", [200, 200, 200, 200, 200, 200, 403]),
    ("api letters", lambda w: "/api/letters/", [200, 200, 200, 200, 200, 200, 403]),
    ("api indicators", lambda w: "/api/indicators/", [200] * 7),
    (
        "matrix page",
        lambda w: reverse("responsibility:program_matrix", args=[w["program2021"].pk]),
        [200, 200, 200, 200, 200, 200, 302],
    ),
    (
        "letters page",
        lambda w: reverse("responsibility:program_letters", args=[w["program2021"].pk]),
        [200, 200, 200, 200, 200, 200, 302],
    ),
    (
        "targets page",
        lambda w: reverse("responsibility:project_targets", args=[w["published"].pk]),
        [200, 200, 200, 200, 200, 200, 302],
    ),
    ("reporting index", lambda w: reverse("reporting:index"), [200, 200, 200, 200, 200, 200, 302]),
    ("api reports", lambda w: "/api/reports/", [200, 200, 200, 200, 200, 200, 403]),
    ("api diff", lambda w: f"/api/programs/{w['program2021'].pk}/diff/", [200] * 7),
    ("audit log", lambda w: reverse("core:audit_log"), [200, 200, 200, 403, 403, 403, 302]),
    ("admin site", lambda w: reverse("admin:index"), [200, 200, 302, 302, 302, 302, 302]),
    # API: DRF answers 403 (not a redirect) to an anonymous caller.
    ("api programs", lambda w: "/api/programs/", [200] * 7),
    ("api draft program", lambda w: f"/api/programs/{w['draft'].pk}/", [200, 200, 200, 200, 404, 404, 404]),
    (
        "api other dept draft project",
        lambda w: f"/api/projects/{w['draft_jtj'].pk}/",
        [200, 200, 200, 404, 404, 404, 404],
    ),
    (
        "api own dept draft project",
        lambda w: f"/api/projects/{w['draft_wjw'].pk}/",
        [200, 200, 200, 200, 404, 404, 404],
    ),
    ("api changes", lambda w: "/api/changes/", [200] * 7),
    ("api organisations", lambda w: "/api/organisations/", [200, 200, 200, 200, 200, 200, 403]),
    ("api own town", lambda w: f"/api/organisations/{w['shitai'].pk}/", [200, 200, 200, 404, 200, 404, 403]),
    (
        "api other town",
        lambda w: f"/api/organisations/{w['duanyuan'].pk}/",
        [200, 200, 200, 404, 404, 404, 403],
    ),
    ("api memberships", lambda w: "/api/memberships/", [200, 200, 200, 200, 200, 200, 403]),
    ("api schema", lambda w: "/api/schema/", [200] * 7),
    ("api docs", lambda w: "/api/docs/", [200] * 7),
]

CASES = [
    pytest.param(label, url, role, expected[i], id=f"{label}-{role}")
    for label, url, expected in PAGES
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("label", "url", "role", "expected"), CASES)
def test_get_matrix(
    client_for: Any, world: dict[str, Any], label: str, url: Any, role: str, expected: int
) -> None:
    response = client_for(role).get(url(world))
    PROBES.count += 1
    assert response.status_code == expected, f"{role} GET {label}"


@pytest.mark.parametrize("role", ROLES)
def test_town_cannot_change_another_town(client_for: Any, world: dict[str, Any], role: str) -> None:
    """POSTing to another unit's edit page changes nothing unless the role manages the district."""
    target = world["duanyuan"]
    data = {
        "contact_person": "改动者",
        "phone": "0561-0000000",
        "address": "某地",
        "version": target.version,
        "reason": "测试",
    }
    client_for(role).post(reverse("orgs:edit", args=[target.pk]), data)
    PROBES.count += 1
    target.refresh_from_db()
    changed = target.contact_person == "改动者"
    assert changed == (role in ("admin", "office")), role


@pytest.mark.parametrize("role", ROLES)
def test_department_edits_only_its_own_draft_project(
    client_for: Any, world: dict[str, Any], role: str
) -> None:
    for key in ("draft_wjw", "draft_jtj", "published"):
        project = world[key]
        data = {
            "summary": f"由{role}改写",
            "version": project.version,
            "reason": "测试",
            "content_items_text": "",
        }
        if role in ("admin", "office"):
            data.update(
                {"name": project.name, "kind": project.kind, "lead_department": project.lead_department_id}
            )
        client_for(role).post(reverse("catalogue:project_edit", args=[project.pk]), data)
        PROBES.count += 1
        project.refresh_from_db()
        may = role in ("admin", "office") or (role == "dept_health" and key == "draft_wjw")
        assert (project.summary == f"由{role}改写") == may, (role, key)


def test_api_lists_only_own_unit(client_for: Any, world: dict[str, Any]) -> None:
    client = client_for("town_shitai")
    ids = {o["id"] for o in client.get("/api/organisations/?limit=500").json()["results"]}
    assert ids == {world["shitai"].pk}
    members = client.get("/api/memberships/?limit=500").json()["results"]
    assert members and {m["organisation"] for m in members} == {world["shitai"].pk}
    projects = client_for("anon").get("/api/projects/?limit=1000").json()["results"]
    assert all(p["year"] != 2099 for p in projects)
    dept = client_for("dept_health").get("/api/projects/?year=2099").json()["results"]
    assert [p["name"] for p in dept] == ["示例草稿项目甲"]


def test_token_authentication_is_scoped(client: Any, persona: Any, world: dict[str, Any]) -> None:
    from knox.models import AuthToken

    token = AuthToken.objects.create(user=persona("town_shitai"))[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(f"/api/organisations/{world['shitai'].pk}/", **auth).status_code == 200
    assert client.get(f"/api/organisations/{world['duanyuan'].pk}/", **auth).status_code == 404


def test_api_is_read_only_here(client_for: Any, world: dict[str, Any]) -> None:
    response = client_for("office").post("/api/programs/", {"year": 2030}, content_type="application/json")
    assert response.status_code == 405


def test_restrict_is_the_single_gate(persona: Any, world: dict[str, Any]) -> None:
    """The selectors' querysets and restrict() agree for every role (spot check on memberships)."""
    for role in ROLES:
        visible = restrict(Membership.objects.all(), persona(role), "view")
        if role == "admin":
            assert visible.count() == Membership.objects.count()
        elif role in ("office", "leader"):  # every membership of the district's government, none of another's
            assert (
                visible.count()
                == Membership.objects.filter(organisation__government__code="duji").count()
                > 0
            )
        elif role == "anon":
            assert visible.count() == 0
        else:
            assert visible.exclude(organisation=persona(role).membership.organisation).count() == 0


def test_user_without_membership_is_public(
    client: Any, django_user_model: Any, world: dict[str, Any]
) -> None:
    user = django_user_model.objects.create_user(username="nobody", password="x-pass-123")
    client.force_login(user)
    assert client.get(reverse("orgs:detail", args=[world["shitai"].pk])).status_code == 404
    assert client.get(reverse("catalogue:program_detail", args=[world["draft"].pk])).status_code == 404
    assert "尚未分配单位和角色" in client.get(reverse("home")).content.decode()


@pytest.fixture
def reports(world: dict[str, Any], office: Any) -> dict[str, Any]:
    """A report of 石台镇 and one of 段园镇 on the same project and period."""
    from reporting import services as rs

    program = world["program2021"]
    period = rs.periods_open(actor=office, program=program)[5]
    project = program.projects.get(name="农村危房改造")
    return {
        "period": period,
        "own": rs.report_open(actor=office, project=project, unit=world["shitai"], period=period),
        "other": rs.report_open(actor=office, project=project, unit=world["duanyuan"], period=period),
    }


#               admin office leader dept  town  superv anon
REPORT_PAGES = [
    (
        "own report",
        lambda r: reverse("reporting:report_detail", args=[r["own"].pk]),
        [200, 200, 200, 404, 200, 404, 302],
    ),
    (
        "other report",
        lambda r: reverse("reporting:report_detail", args=[r["other"].pk]),
        [200, 200, 200, 404, 404, 404, 302],
    ),
    ("api own report", lambda r: f"/api/reports/{r['own'].pk}/", [200, 200, 200, 404, 200, 404, 403]),
    ("api other report", lambda r: f"/api/reports/{r['other'].pk}/", [200, 200, 200, 404, 404, 404, 403]),
    (
        "fill",
        lambda r: reverse("reporting:fill", args=[r["period"].program_id, r["period"].month]),
        [200, 200, 200, 200, 200, 200, 302],
    ),
    (
        "progress",
        lambda r: reverse("reporting:progress", args=[r["period"].program_id, r["period"].month]),
        [200, 200, 200, 200, 200, 200, 302],
    ),
]


@pytest.mark.parametrize(
    ("label", "url", "role", "expected"),
    [
        pytest.param(label, url, role, exp[i], id=f"{label}-{role}")
        for label, url, exp in REPORT_PAGES
        for i, role in enumerate(ROLES)
    ],
)
def test_report_matrix(
    client_for: Any, reports: dict[str, Any], label: str, url: Any, role: str, expected: int
) -> None:
    PROBES.count += 1
    assert client_for(role).get(url(reports)).status_code == expected, f"{role} GET {label}"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_unit_and_the_office_fill(client_for: Any, reports: dict[str, Any], role: str) -> None:
    period, own = reports["period"], reports["own"]
    p = own.project
    client_for(role).post(
        reverse("reporting:fill", args=[period.program_id, period.month]) + "?unit=shitai",
        {"action": "save", f"r{p.pk}-version": own.version, f"r{p.pk}-progress": f"{role}写的"},
    )
    own.refresh_from_db()
    assert (own.progress == f"{role}写的") == (role in ("admin", "office", "town_shitai")), role
