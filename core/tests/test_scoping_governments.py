"""The access matrix across governments (issue 14, item 1): district A (杜集区), district B (相山区, a test district),
the city (淮北市) and the province (安徽省).

Two walks: every registered model × every action × every persona, asking the policy itself (no row of another
government may be changed; a row of a government neither the actor's nor below it is seen only where the public
sees it; a lower government's row only once released — published, and for reports confirmed); and every page and
endpoint of the district matrix (core/tests/test_scoping_apps.py ROWS) fetched by the other governments' staff,
which must answer without an error and show none of district A's internal marker texts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.tests.scoping import ALL_MARKERS, PROBES, build_scene
from core.tests.test_scoping_apps import ROWS, _text

pytestmark = pytest.mark.django_db

TENANCY_ROLES = [
    "office",
    "leader",
    "dept_health",
    "town_shitai",
    "supervisor",
    "office_b",
    "leader_b",
    "town_b",
    "city_office",
    "city_leader",
    "province_office",
]
OTHER_GOVERNMENTS = ["office_b", "leader_b", "town_b", "city_office", "city_leader", "province_office"]
#: What the upper governments' staff may not see of district A's scene: its draft reports (progress text,
#: attachments) and its background jobs; the rest of a published program is theirs to read.
UPPER_FORBIDDEN = {m for m in ALL_MARKERS if m.endswith(("进展", "附件", "任务"))}
FORBIDDEN = {
    "office_b": ALL_MARKERS,
    "leader_b": ALL_MARKERS,
    "town_b": ALL_MARKERS,
    "city_office": UPPER_FORBIDDEN,
    "city_leader": UPPER_FORBIDDEN,
    "province_office": UPPER_FORBIDDEN,
}
# The scene's "other" job was started by an account placed nowhere (no membership, so no government): such jobs are
# every office's, as before governments existed (jobs.rules.job_rule); the offices of other governments may see it.
for _role in ("office_b", "city_office", "province_office"):
    FORBIDDEN[_role] = FORBIDDEN[_role] - {"标记-other-任务"}
B_DRAFT = "标记-B-草稿项目"


@pytest.fixture
def scene(office: Any, persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """District A's scene of the district matrix, plus district B's draft program with one project."""
    from catalogue.models import Program, Project
    from orgs.models import Organisation

    settings.MEDIA_ROOT = tmp_path
    scene = build_scene(office, persona)
    gov_b = Organisation.objects.get(code="xiangshan-gov")
    draft = Program.objects.create(year=2021, issuer=gov_b, issuer_name=gov_b.name)
    project = Project.objects.create(program=draft, order=1, name=B_DRAFT, kind="works")
    project.implementing_units.set([Organisation.objects.get(code="xiangshan-town")])
    scene["b_draft"], scene["b_project"] = draft, project
    scene["city_letters"] = _city_letters(persona)
    return scene


def _city_letters(persona: Any) -> dict[str, Any]:
    """淮北市's published program (2022: the 2021 one is the reference lineage's) with a target split to 杜集区 and
    相山区 and a 目标责任状 issued to each — 杜集区's waiting for its signature, 相山区's signed by its office."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalogue.models import Program, Project
    from core.tests import files
    from orgs.models import Organisation
    from responsibility import services
    from responsibility.models import Letter

    city_office = persona("city_office")
    gov = Organisation.objects.get(code="huaibei")
    program = Program.objects.create(
        year=2022, issuer=gov, issuer_name=gov.name, status=Program.Status.PUBLISHED
    )
    project = Project.objects.create(program=program, order=1, name="城市责任状项目", kind="works")
    indicator = services.indicators_apply_defaults(actor=city_office, project=project)[0]
    for code, value in (("duji", 60), ("xiangshan", 40)):
        services.target_set(
            actor=city_office,
            indicator=indicator,
            unit=Organisation.objects.get(code=code),
            value=Decimal(value),
        )
    services.letters_draft_all(actor=city_office, program=program)
    services.letters_issue_all(actor=city_office, program=program)
    letters = {
        x.organisation.code: x for x in Letter.objects.filter(program=program).select_related("organisation")
    }
    services.letter_sign(
        actor=persona("office_b"),
        letter=letters["xiangshan"],
        signed_date=dt.date(2022, 3, 1),
        scan=SimpleUploadedFile("s.pdf", files.pdf()),
    )
    return {"program": program, "a": letters["duji"], "b": letters["xiangshan"]}


def _government_of(user: Any) -> tuple[int | None, frozenset[int]]:
    from core.policy import actor_for

    actor = actor_for(user)
    return actor.government_id, actor.lower_government_ids


def test_reference_tree_has_three_levels(db: Any) -> None:
    from orgs.models import Organisation

    duji = Organisation.objects.get(code="duji")
    assert (duji.level, duji.government_id) == ("district", duji.pk)
    assert Organisation.objects.get(code="shitai").government_id == duji.pk
    assert Organisation.objects.get(code="huaibei-msb").government.level == "city"
    assert Organisation.objects.get(code="anhui-msb").government.level == "province"


def test_a_moved_organisation_takes_its_new_government(db: Any) -> None:
    from orgs.models import Organisation

    town = Organisation.objects.get(code="xiangshan-town")
    town.parent = Organisation.objects.get(code="duji")
    town.save()
    assert Organisation.objects.get(pk=town.pk).government.code == "duji"


def test_actor_knows_its_government(persona: Any) -> None:
    from orgs.models import Organisation

    ids = dict(Organisation.objects.values_list("code", "id"))
    assert _government_of(persona("office")) == (ids["duji"], frozenset())
    assert _government_of(persona("office_b")) == (ids["xiangshan"], frozenset())
    city, lower = _government_of(persona("city_office"))
    assert city == ids["huaibei"] and {ids["duji"], ids["xiangshan"]} <= lower
    province, lower = _government_of(persona("province_office"))
    assert province == ids["anhui"] and {ids["huaibei"], ids["duji"], ids["xiangshan"]} <= lower


def _addressed_to(model: Any, tenant: Any, action: str, government: int | None) -> set[int]:
    """The rows a rule's ``addressed=`` hands to ``government`` for ``action`` (a city's letter to a district)."""
    if tenant.addressed is None or action not in tenant.addressed_actions or government is None:
        return set()
    rows = model._default_manager.filter(**{f"{tenant.addressed}__government_id": government})
    if tenant.addressed_when is not None:
        rows = rows.filter(tenant.addressed_when)
    return set(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("role", TENANCY_ROLES)
def test_policy_never_crosses_governments(scene: dict[str, Any], persona: Any, role: str) -> None:
    """Every model with a tenancy × every action: rows of a government that is neither the actor's nor below
    it are seen only as the public sees them and never changed; lower governments' rows are only read, once
    released."""
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Q

    from core.policy import ACTIONS, registered_models, restrict, tenant_of

    user = persona(role)
    own, lower = _government_of(user)
    wrong = []
    for model in registered_models():
        tenant = tenant_of(model)
        if tenant is None:
            continue
        field = f"{tenant.path}__government_id" if tenant.path else "government_id"
        public = set(
            restrict(model._default_manager.all(), AnonymousUser(), "view").values_list("pk", flat=True)
        )
        for action in ACTIONS:
            PROBES.count += 1
            rows = restrict(model._default_manager.all(), user, action).values_list("pk", field).distinct()
            addressed = _addressed_to(model, tenant, action, own)
            for pk, government in rows:
                if government == own or pk in addressed:
                    continue  # its own government's, or addressed to it as the rule declares
                where = f"{role} {action} {model.__name__} #{pk} (government {government})"
                if action != "view":
                    wrong.append(f"{where}: changes another government's row")
                elif pk in public:
                    continue
                elif government not in lower:
                    wrong.append(f"{where}: sees a sibling's row")
                elif tenant.released is False or (
                    isinstance(tenant.released, Q)
                    and not model._default_manager.filter(tenant.released, pk=pk).exists()
                ):
                    wrong.append(f"{where}: sees a lower government's unreleased row")
    PROBES.leaks += wrong
    assert not wrong, "\n".join(wrong[:40])


@pytest.mark.parametrize("role", ["office", "leader", "city_office", "city_leader", "province_office"])
def test_nobody_sees_district_b_draft(client_for: Any, scene: dict[str, Any], role: str) -> None:
    client = client_for(role)
    for url in (f"/programs/{scene['b_draft'].pk}/", f"/projects/{scene['b_project'].pk}/", "/programs/"):
        response = client.get(url)
        PROBES.count += 1
        assert response.status_code in (200, 404), (role, url, response.status_code)
        assert B_DRAFT not in _text(response), (role, url)


def test_district_b_office_sees_its_own_draft(client_for: Any, scene: dict[str, Any]) -> None:
    response = client_for("office_b").get(f"/projects/{scene['b_project'].pk}/")
    assert response.status_code == 200 and B_DRAFT in response.content.decode()


def test_city_reads_a_districts_published_program_but_changes_nothing(
    scene: dict[str, Any], persona: Any
) -> None:
    from core.policy import can
    from reporting.models import Report

    city, program = persona("city_office"), scene["program"]
    report = scene["own"]["report"]
    assert can(city, "view", program) and not can(city, "change", program)
    assert not can(city, "view", report)  # a draft report of district A
    Report.objects.filter(pk=report.pk).update(status="confirmed")
    assert can(city, "view", report) and not can(city, "change", report)
    assert not can(persona("office_b"), "view", report)  # a sibling: not even confirmed reports
    assert can(persona("office"), "view", report)


@pytest.mark.parametrize("role", OTHER_GOVERNMENTS)
def test_other_governments_pages(client_for: Any, scene: dict[str, Any], role: str) -> None:
    """Every page and endpoint of district A's matrix, fetched by another government's staff: no error, and none
    of A's internal texts (a sibling sees none; the levels above see no draft report and no job)."""
    client = client_for(role)
    wrong, leaks = [], []
    for label, url, expected in ROWS:
        response = client.get(url(scene))
        PROBES.count += 1
        if response.status_code >= 500 and response.status_code not in expected:
            wrong.append(f"{role} GET {label}: {response.status_code}")
        text = _text(response)
        leaks += [f"{role} {label}: shows {m}" for m in sorted(FORBIDDEN[role]) if m in text]
    PROBES.leaks += leaks
    assert not wrong and not leaks, "\n".join(wrong + leaks)


@pytest.mark.parametrize("role", ["office_b", "city_office", "province_office"])
def test_other_governments_write_nothing_in_district_a(
    client_for: Any, scene: dict[str, Any], role: str
) -> None:
    from core.tests.test_scoping_apps import _post_probes

    client = client_for(role)
    wrong = []
    for label, url, data, changed in _post_probes(scene):
        if label.startswith("api"):
            client.post(url, data, content_type="application/json")
        else:
            client.post(url, data)
        PROBES.count += 1
        if changed():
            wrong.append(f"{role} {label}: changed")
    PROBES.leaks += wrong
    assert not wrong, "\n".join(wrong)


def test_read_models_count_only_confirmed_figures_from_below(scene: dict[str, Any], persona: Any) -> None:
    """The 进度表's and the ranking's scope (reporting.rules.figures_scope, put into their one SQL query): the city
    counts a district's report once confirmed; pending ones of its districts never; its own district office all."""
    from reporting.models import Report
    from reporting.rules import figures_scope

    def counted(role: str) -> set[int]:
        q = figures_scope(persona(role))
        qs = (
            Report.objects.all()
            if q is True
            else Report.objects.filter(q)
            if q is not False
            else Report.objects.none()
        )
        return set(qs.values_list("pk", flat=True))

    own, other = scene["own"]["report"], scene["other"]["report"]
    Report.objects.filter(pk=own.pk).update(status="submitted")
    Report.objects.filter(pk=other.pk).update(status="confirmed")
    assert {own.pk, other.pk} <= counted("office")
    for role in ("city_office", "city_leader", "province_office"):
        assert own.pk not in counted(role) and other.pk in counted(role), role
    assert own.pk not in counted("office_b")


@pytest.mark.parametrize("role", OTHER_GOVERNMENTS)
def test_rollup_pages_across_governments(client_for: Any, scene: dict[str, Any], role: str) -> None:
    """The city's table of its districts and the province's of its cities (reporting.governments): the levels
    above read them (without district A's internal texts); another district's staff get none."""
    year, month = scene["program"].year, scene["period"].month
    urls = [
        f"/reporting/tree/{year}/{month}/",
        f"/reporting/tree/{year}/{month}/?government=huaibei&format=xlsx",
        f"/reporting/tree/{year}/{month}/?government=anhui",
    ]
    client = client_for(role)
    upper = role in ("city_office", "city_leader", "province_office")
    for url in urls:
        response = client.get(url)
        PROBES.count += 1
        if not upper:
            assert response.status_code == 403, (role, url)
            continue
        own_level = role == "province_office" or "anhui" not in url
        assert response.status_code == (200 if own_level else 404), (role, url, response.status_code)
        text = _text(response)
        leaks = [m for m in sorted(FORBIDDEN[role]) if m in text]
        PROBES.leaks += leaks
        assert not leaks, (role, url, leaks)


@pytest.mark.parametrize("role", OTHER_GOVERNMENTS)
def test_tree_dashboard_across_governments(client_for: Any, scene: dict[str, Any], role: str) -> None:
    """The dashboard of a city's and the province's staff (dashboard.governments, from the roll-up): the levels
    above open their own (without district A's internal texts), the city not the province's; a district's staff
    none of them — not its city's, so not its siblings' figures."""
    year, month = scene["program"].year, scene["period"].month
    base = f"/dashboard/tree/{year}/{month}/"
    urls = [
        (base, "huaibei"),
        (f"{base}?government=huaibei", "huaibei"),
        (f"{base}data/ranking.json?government=huaibei", "huaibei"),
        (f"{base}data/rates.xlsx?government=huaibei", "huaibei"),
        (f"{base}?government=anhui", "anhui"),
        (f"{base}data/funds.json?government=anhui", "anhui"),
    ]
    client = client_for(role)
    upper = role in ("city_office", "city_leader", "province_office")
    for url, government in urls:
        response = client.get(url)
        PROBES.count += 1
        if not upper:
            assert response.status_code == 403, (role, url)
            continue
        own_level = role == "province_office" or government != "anhui"
        assert response.status_code == (200 if own_level else 404), (role, url, response.status_code)
        text = _text(response)
        leaks = [m for m in sorted(FORBIDDEN[role]) if m in text]
        PROBES.leaks += leaks
        assert not leaks, (role, url, leaks)


def test_tree_dashboard_never_shows_a_districts_unconfirmed_figures(
    scene: dict[str, Any], persona: Any
) -> None:
    """Whatever district A's reports are, the city's dashboard counts only those its 民生办 confirmed (the
    roll-up's Summary rows): with nothing confirmed, no district has figures."""
    from dashboard.governments import TreeBoard
    from orgs.models import Organisation
    from reporting.models import Report, Status, Summary
    from reporting.rollup import summary_refresh

    reports = Report.objects.filter(period__program=scene["program"])
    reports.update(status=Status.SUBMITTED)  # submitted, reviewed perhaps — none confirmed by 杜集区's 民生办
    for project_id, period_id in set(reports.values_list("project_id", "period_id")):
        summary_refresh(project_id=project_id, period_id=period_id)
    assert not Summary.objects.filter(period__program=scene["program"], reports_confirmed__gt=0).exists()
    for role in ("city_office", "city_leader"):
        board = TreeBoard(
            user=persona(role),
            government=Organisation.objects.get(code="huaibei"),
            year=scene["program"].year,
            month=scene["period"].month,
        )
        PROBES.count += 1
        assert board.kpis.districts_reporting == 0 and board.kpis.arrived == 0, role
        assert all(link is None for link in board.chart("ranking").links), role


def test_search_finds_nothing_of_another_government(client_for: Any, scene: dict[str, Any]) -> None:
    import re

    from django.core.management import call_command

    call_command("search_rebuild", stdout=open("/dev/null", "w"))  # the scene writes some text with update()

    def found(role: str, word: str) -> str:
        return re.sub(r"</?mark>", "", client_for(role).get("/search/", {"q": word}).content.decode())

    assert "标记-own-进展" in found("office", "标记")
    for role in ("office_b", "leader_b", "town_b", "city_office", "province_office"):
        html = found(role, "标记")
        PROBES.count += 1
        assert not [m for m in FORBIDDEN[role] if m in html], role
    assert B_DRAFT not in found("office", "草稿项目") and B_DRAFT not in found("city_office", "草稿项目")
    assert B_DRAFT in found("office_b", "草稿项目")


def test_accounts_are_managed_within_the_government(client_for: Any, persona: Any) -> None:
    from orgs.rules import may_manage_account
    from orgs.selectors import users_list

    listed = set(users_list(user=persona("office_b")).values_list("username", flat=True))
    assert "t_office_b" in listed and "t_town_b" in listed and not {"t_office", "t_town_shitai"} & listed
    assert "t_town_shitai" in set(users_list(user=persona("office")).values_list("username", flat=True))
    assert not may_manage_account(persona("office_b"), persona("town_shitai"))
    assert not may_manage_account(persona("city_office"), persona("town_shitai"))
    assert may_manage_account(persona("office"), persona("town_shitai"))
    assert client_for("office_b").get(f"/users/{persona('town_shitai').pk}/").status_code == 404


#: Models whose rule scopes governments itself (or that belong to no government): everything else must declare
#: ``tenant=`` in its ``@rule`` — a new app's model fails here until it does.
SCOPES_ITSELF = {
    "AuditEvent": "each government's accounts' events (core.rules.audit_rule)",
    "SampleRecord": "never reachable through a page",
    "ScheduledRun": "the 系统管理员's",
    "WorkerBeat": "the 系统管理员's",
    "Supervisor": "by account, linked units and projects (supervision.rules.supervisors_of_government)",
    "Organisation": "its government; one placed in no government stays everyone's (orgs.rules.organisation_rule)",
    "ProjectProposal": "its lead department's government, internal to it (catalogue.rules.proposal_rule)",
    "Job": "by its starter's government, jobs of accounts placed nowhere shared (jobs.rules.job_rule)",
    "Digest": "its reader's own (alerts.rules.digest_rule)",
    "Questionnaire": "the deployment's shared forms: read by all, changed by the 系统管理员 (surveys.rules)",
    "Question": "a shared questionnaire's (surveys.rules)",
    "Option": "a shared questionnaire's (surveys.rules)",
}


def test_every_rule_declares_its_government() -> None:
    from core.policy import registered_models, tenant_of

    undeclared = [m.__name__ for m in registered_models() if tenant_of(m) is None]
    assert sorted(undeclared) == sorted(SCOPES_ITSELF), (
        "declare @rule(Model, tenant=..., released=...) — for rows of a program "
        "@rule(Model, **catalogue.rules.program_tenant('<path to the program>'))"
    )


def test_derivations_stay_in_their_government(persona: Any) -> None:
    """Issue 14 item 2: district B's draft derived program and its items are B's alone; 杜集区's published derivation
    is read by the city and the province but changed only by 杜集区's office."""
    from catalogue.derivation import program_derive
    from catalogue.models import Derivation, Program, UpperChangeDecision
    from catalogue.reference_lineage import lineage_load
    from core.policy import restrict
    from orgs.models import Organisation

    lineage_load()
    city = Program.objects.get(issuer__code="huaibei", year=2021)
    draft = program_derive(
        upper=city, government=Organisation.objects.get(code="xiangshan"), actor=persona("office_b")
    )
    b_items = set(draft.derivations.values_list("pk", flat=True))
    duji = set(Derivation.objects.filter(program__issuer__code="gov").values_list("pk", flat=True))

    def rows(role: str, action: str, model: Any = Derivation) -> set[int]:
        PROBES.count += 1
        return set(restrict(model.objects.all(), persona(role), action).values_list("pk", flat=True))

    assert b_items <= rows("office_b", "change") and not duji & rows("office_b", "change")
    for role in ("office", "leader", "city_office", "city_leader", "province_office"):
        assert not b_items & rows(role, "view"), role
        assert not b_items & rows(role, "change"), role
    for role in ("city_office", "province_office"):
        assert duji <= rows(role, "view") and not duji & rows(role, "change"), role
        assert not rows(role, "add", UpperChangeDecision) & set(
            UpperChangeDecision.objects.filter(program__issuer__code="gov").values_list("pk", flat=True)
        )
    assert duji <= rows("office", "change")


#: Who opens the city's 目标责任状 to 杜集区 (a) and to 相山区 (b): the addressee's 民生办 and 领导, and the city and the
#: province (a published program's letters, read-only from above); nobody else.
CITY_LETTER_READERS = {
    "office": {"a"},
    "leader": {"a"},
    "dept_health": set(),
    "town_shitai": set(),
    "supervisor": set(),
    "office_b": {"b"},
    "leader_b": {"b"},
    "town_b": set(),
    "city_office": {"a", "b"},
    "city_leader": {"a", "b"},
    "province_office": {"a", "b"},
}


@pytest.mark.parametrize("role", TENANCY_ROLES)
def test_city_letters_across_governments(
    client_for: Any, persona: Any, scene: dict[str, Any], role: str
) -> None:
    """Issue 14 item 3: the city's letters to its districts — each page and file of each letter by every role,
    the city's letters page (only the districts the role may see), and who may sign."""
    from django.urls import reverse

    from core.policy import can

    letters = scene["city_letters"]
    client = client_for(role)
    wrong = []
    for key in ("a", "b"):
        letter = letters[key]
        urls = [
            reverse("responsibility:letter_detail", args=[letter.pk]),
            reverse("responsibility:letter_file", args=[letter.pk, "docx"]),
        ]
        if letter.scan:
            urls.append(reverse("responsibility:letter_scan", args=[letter.pk]))
        for url in urls:
            PROBES.count += 1
            status = client.get(url).status_code
            if status != (200 if key in CITY_LETTER_READERS[role] else 404):
                wrong.append(f"{role} GET {url}: {status}")
    PROBES.count += 1
    response = client.get(reverse("responsibility:program_letters", args=[letters["program"].pk]))
    text = _text(response)
    for key, name in (("a", "杜集区"), ("b", "相山区")):
        listed = f">{name}<" in response.content.decode()
        if listed != (key in CITY_LETTER_READERS[role]):
            wrong.append(f"{role} letters page: {name} {'listed' if listed else 'missing'}")
    if "下达全部起草的责任状" in text and role != "city_office":
        wrong.append(f"{role} letters page: offers to issue the city's letters")
    a_signable = can(persona(role), "change", letters["a"])
    if a_signable != (role in ("office", "city_office")):
        wrong.append(f"{role} may sign 杜集区's letter: {a_signable}")
    PROBES.leaks += wrong
    assert not wrong, "\n".join(wrong)
