"""axe-core's WCAG 2 A/AA rules over every page family at 1366 px, each with the persona that uses it."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from conftest import PASSWORD, PERSONAS
from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser


def _scene() -> dict[str, Any]:
    """2021 with monthly periods, targets, a report, a letter and an asset: every page family has content."""
    from django.contrib.auth import get_user_model

    from catalogue.models import Program, Project
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from reporting import services
    from responsibility import services as rs
    from responsibility.models import Letter
    from upkeep.services import asset_save

    office = get_user_model().objects.get(username=PERSONAS["office"][0])
    town = get_user_model().objects.get(username=PERSONAS["town_shitai"][0])
    program = Program.objects.get(year=2021)
    periods = {p.month: p for p in services.periods_open(actor=office, program=program)}
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")
    for indicator, value in zip(
        rs.indicators_apply_defaults(actor=office, project=project), (10, 10, 100), strict=True
    ):
        rs.target_set(actor=office, indicator=indicator, unit=shitai, value=Decimal(value))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="600000")
    report = services.report_open(actor=town, project=project, unit=shitai, period=periods[6])
    rs.letters_draft_all(actor=office, program=program)
    letter = Letter.objects.filter(program=program).first()
    asset = asset_save(
        actor=office,
        data={
            "project": project,
            "name": "石台镇危房改造档案",
            "location": "石台镇",
            "owner": "石台镇人民政府",
            "custodian": shitai,
            "period_start": dt.date(2021, 1, 1),
            "period_end": dt.date(2025, 12, 31),
        },
    )
    return {"program": program, "project": project, "report": report, "letter": letter, "asset": asset}


def _pages(s: dict[str, Any]) -> list[tuple[str, str]]:
    program, project = s["program"].pk, s["project"].pk
    return [
        ("anon", "/public/"),
        ("anon", f"/public/programs/{program}/"),
        ("anon", f"/public/projects/{project}/"),
        ("anon", "/login/"),
        ("office", "/"),
        ("office", "/programs/"),
        ("office", f"/programs/{program}/"),
        ("office", f"/programs/{program}/diff/"),
        ("office", f"/projects/{project}/"),
        ("office", f"/projects/{project}/targets/"),
        ("office", "/reporting/"),
        ("office", f"/reporting/{program}/periods/"),
        ("office", f"/reporting/{program}/6/progress/"),
        ("office", f"/reporting/{program}/6/ranking/"),
        ("office", f"/reporting/{program}/6/overdue/"),
        ("office", f"/reports/{s['report'].pk}/"),
        ("office", f"/programs/{program}/responsibility/"),
        ("office", f"/programs/{program}/letters/"),
        ("office", f"/letters/{s['letter'].pk}/"),
        ("office", "/supervision/"),
        ("office", "/supervision/supervisors/"),
        ("office", "/upkeep/"),
        ("office", f"/upkeep/assets/{s['asset'].pk}/"),
        ("office", "/disclosure/"),
        ("office", "/proposals/"),
        ("office", "/orgs/"),
        ("office", "/audit/"),
        ("town_shitai", "/"),
        ("town_shitai", f"/reporting/{program}/6/fill/"),
        ("town_shitai", f"/reports/{s['report'].pk}/"),
        ("dept_health", "/"),
        ("dept_health", f"/reporting/{program}/6/review/"),
        ("supervisor", "/"),
        ("supervisor", "/supervision/"),
        ("leader", "/"),
    ]


def _login(page: Any, persona: str) -> None:
    page.context.clear_cookies()
    if persona == "anon":
        return
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", PERSONAS[persona][0])
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")


def test_every_page_family_passes_axe_wcag_aa(browser_page: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    scene = _scene()
    found: list[str] = []
    per_rule: Counter[str] = Counter()
    current = None
    for persona, url in _pages(scene):
        if persona != current:
            _login(page, persona)
            current = persona
        response = page.goto(page.base_url + url)
        assert response.status == 200, f"{persona} {url}: {response.status}"
        violations = axe_violations(page)
        for v in violations:
            per_rule[v["id"]] += len(v["nodes"])
        if violations:
            found.append(axe_report(f"{persona} {url}", violations))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-violations.json").write_text(json.dumps(per_rule, indent=1))
    assert not found, f"axe WCAG 2 A/AA violations by rule: {dict(per_rule)}\n" + "\n".join(found)


def test_api_docs_pass_axe_wcag_aa(browser_page: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, "office")
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    violations = axe_violations(page)
    assert not violations, axe_report("/api/docs/", violations)


# The navigation's items (brand, links, language box, user block, buttons): one line when their centres agree,
# none past the right edge, no label broken.
_NAV_ROWS = """() => {
  const nav = document.querySelector('nav.navbar');
  const items = nav.querySelectorAll('.navbar-brand, .navbar-nav > li, form.d-flex');
  const centres = [...items].map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
  const right = nav.getBoundingClientRect().right;
  return {height: nav.getBoundingClientRect().height, spread: Math.max(...centres) - Math.min(...centres),
          overflow: [...items].filter(e => e.getBoundingClientRect().right > right).map(e => e.textContent.trim()),
          language: nav.querySelector('select[name=language]').getBoundingClientRect().width,
          wrapped: [...nav.querySelectorAll('.nav-link, .btn, .whoami')].filter(
            e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 40).map(e => e.textContent.trim())};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_navigation_fits_one_line_at_1366_for_every_role(browser_page: Any, language: str) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 800})
    for persona in (
        "anon",
        "admin",
        "office",
        "dept_health",
        "town_shitai",
        "supervisor",
        "leader",
        "city_office",
        "city_leader",
        "province_office",
    ):  # a city's and the province's staff have one more item (逐级汇总)
        _login(page, persona)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        page.goto(page.base_url + "/")
        rows = page.evaluate(_NAV_ROWS)
        assert rows["spread"] < 8 and rows["height"] < 64 and not rows["wrapped"], f"{persona}: {rows}"
        assert not rows["overflow"] and rows["language"] > 80, f"{persona}: {rows}"


def test_phone_pages_pass_axe_wcag_aa(browser_page: Any) -> None:
    """At 390 px the navigation is collapsed and wide tables scroll: the same rules hold, menu open."""
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    scene = _scene()
    program = scene["program"].pk
    found = []
    for persona, url in (
        ("office", "/"),
        ("office", f"/programs/{program}/responsibility/"),
        ("anon", "/public/"),
    ):
        _login(page, persona)
        page.goto(page.base_url + url)
        page.click(".navbar-toggler")
        page.wait_for_selector("#nav.show")
        violations = axe_violations(page)
        if violations:
            found.append(axe_report(f"{persona} {url} (390 px)", violations))
    assert not found, "\n".join(found)
