"""Shared test set-up: the reference data and the named personas are loaded once per test session.

Personas (see DEVELOPERS guide): office, dept_health, town_shitai, supervisor, leader, anon — plus
admin, dept_edu and town_duanyuan as the "other unit" in the scoping matrix; office_b, leader_b, town_b (another
district, 相山区), city_office, city_leader (淮北市) and province_office (安徽省) for the matrix across governments.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from django.conf import settings

PERSONAS: dict[str, tuple[str, str, str]] = {
    # name: (username, organisation code, role)
    "admin": ("t_admin", "msb", "admin"),
    "office": ("t_office", "msb", "office"),
    "dept_health": ("t_dept_health", "wjw", "department"),
    "dept_edu": ("t_dept_edu", "jtj", "department"),
    "town_shitai": ("t_town_shitai", "shitai", "town"),
    "town_duanyuan": ("t_town_duanyuan", "duanyuan", "town"),
    "supervisor": ("t_supervisor", "supervisors", "supervisor"),
    "leader": ("t_leader", "gov", "leader"),
    # tenancy: another district's office and leader (相山区, a test district under 淮北市), the city's and the
    # province's offices and the city's leader
    "office_b": ("t_office_b", "xiangshan-msb", "office"),
    "leader_b": ("t_leader_b", "xiangshan-gov", "leader"),
    "town_b": ("t_town_b", "xiangshan-town", "town"),
    "city_office": ("t_city_office", "huaibei-msb", "office"),
    "city_leader": ("t_city_leader", "huaibei", "leader"),
    "province_office": ("t_province_office", "anhui-msb", "office"),
}
#: District B of the tenancy personas (not reference data): code, name, kind, parent, level.
DISTRICT_B = [
    ("xiangshan", "相山区", "district", "huaibei", "district"),
    ("xiangshan-gov", "相山区人民政府", "government", "xiangshan", ""),
    ("xiangshan-msb", "相山区民生工程管理中心", "office", "xiangshan-gov", ""),
    ("xiangshan-town", "渠沟镇", "town", "xiangshan", ""),
]
PASSWORD = "persona-pass-1"


def pytest_configure(config: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _flushes(item: Any) -> bool:
    """Browser tests and other transactional tests (real commits, threads) end with a flushed database."""
    marker = item.get_closest_marker("django_db")
    return bool(
        item.get_closest_marker("browser")
        or (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests that flush the database run last, so the others keep the world loaded once per session."""
    items.sort(key=_flushes)


def load_world() -> None:
    """Reference data plus one user per persona (idempotent, so a flushed database can be refilled)."""
    from django.contrib.auth import get_user_model

    from catalogue.reference_data import reference_data_load
    from orgs.models import Organisation
    from orgs.services import membership_grant

    reference_data_load()
    for code, name, kind, parent, level in DISTRICT_B:
        if not Organisation.objects.filter(code=code).exists():
            Organisation.objects.create(
                code=code, name=name, kind=kind, level=level, parent=Organisation.objects.get(code=parent)
            )
    User = get_user_model()
    for username, code, role in PERSONAS.values():
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": username})
        if created:
            user.set_password(PASSWORD)
            user.is_superuser = role == "admin"
            user.save()
        membership_grant(actor=None, user=user, organisation=Organisation.objects.get(code=code), role=role)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_world()


def _persona(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=PERSONAS[name][0])


@pytest.fixture
def world_reloaded(transactional_db: Any) -> None:
    """For transactional tests: the previous one flushed the database; load the world again. List it first."""
    load_world()


@pytest.fixture
def persona(db: Any) -> Any:
    """persona("town_shitai") → that user; persona("anon") → AnonymousUser."""
    from django.contrib.auth.models import AnonymousUser

    def get(name: str) -> Any:
        return AnonymousUser() if name == "anon" else _persona(name)

    return get


@pytest.fixture
def office(db: Any) -> Any:
    return _persona("office")


@pytest.fixture
def dept_health(db: Any) -> Any:
    return _persona("dept_health")


@pytest.fixture
def town_shitai(db: Any) -> Any:
    return _persona("town_shitai")


@pytest.fixture
def supervisor(db: Any) -> Any:
    return _persona("supervisor")


@pytest.fixture
def leader(db: Any) -> Any:
    return _persona("leader")


@pytest.fixture
def client_for(client: Any, persona: Any) -> Any:
    """client_for("office") → a Django test client logged in as that persona (anon: not logged in)."""

    def get(name: str) -> Any:
        client.logout()
        if name != "anon":
            client.force_login(persona(name))
        return client

    return get


@pytest.fixture
def month(office: Any) -> dict[str, Any]:
    """Reporting scene: 2021 with monthly periods; 农村危房改造 with targets for 石台镇 and 段园镇 and their budgets."""
    from decimal import Decimal

    from catalogue.models import Program, Project
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from reporting import services
    from responsibility import services as rs

    program = Program.objects.get(year=2021)
    periods = services.periods_open(actor=office, program=program)
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    started, finished, invested = rs.indicators_apply_defaults(actor=office, project=project)
    for ind, a, b in ((started, 10, 20), (finished, 10, 20), (invested, 100, 200)):
        rs.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(a))
        rs.target_set(actor=office, indicator=ind, unit=duanyuan, value=Decimal(b))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="600000")
    funding_line_create(actor=office, project=project, unit=duanyuan, source="province", original="1200000")
    return {
        "program": program,
        "periods": {p.month: p for p in periods},
        "project": project,
        "shitai": shitai,
        "duanyuan": duanyuan,
        "indicators": (started, finished, invested),
    }


# --- browser -------------------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server: Any, world_reloaded: None) -> Any:
    """A Playwright page in Debian's Chromium against the live server, with the world loaded."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run must install it")
        pytest.skip(f"SKIPPED browser test: no Chromium at {CHROMIUM} (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(locale="zh-CN")
        page.base_url = live_server.url  # type: ignore[attr-defined]
        violations = _collect_csp_violations(page)
        page.csp_violations = violations  # type: ignore[attr-defined]
        yield page
        browser.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


# Runs in every document before the page's own scripts; init scripts are not subject to the page's CSP.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.documentURI + (e.sample ? " (" + e.sample + ")" : ""));
});
"""


def _collect_csp_violations(page: Any) -> list[str]:
    """Every CSP violation of the page (securitypolicyviolation events and the console's reports)."""
    found: list[str] = []
    page.add_init_script(_CSP_LISTENER)

    def on_console(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            found.append(text)

    page.on("console", on_console)
    return found
