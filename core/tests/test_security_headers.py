"""Every page family is served with the strict CSP; production mode passes `check --deploy`; idle sessions."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from orgs.models import Organisation

ROOT = Path(__file__).resolve().parents[2]


def _assert_strict_csp(response: Any, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, url


@pytest.mark.django_db
def test_every_page_family_has_a_strict_csp(client_for: Any, month: dict[str, Any]) -> None:
    program, project = month["program"], month["project"]
    org = Organisation.objects.get(code="shitai")
    office_pages = [
        "/",
        "/programs/",
        f"/programs/{program.pk}/",
        f"/programs/{program.pk}/diff/",
        f"/programs/{program.pk}/responsibility/",
        f"/programs/{program.pk}/letters/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/projects/{project.pk}/targets/",
        f"/projects/{project.pk}/rename/",
        "/proposals/",
        "/orgs/",
        f"/orgs/{org.pk}/",
        "/reporting/",
        f"/reporting/{program.pk}/periods/",
        f"/reporting/{program.pk}/6/fill/",
        f"/reporting/{program.pk}/6/review/",
        f"/reporting/{program.pk}/6/excel/",
        f"/reporting/{program.pk}/6/progress/",
        f"/reporting/{program.pk}/6/ranking/",
        f"/reporting/{program.pk}/6/overdue/",
        "/supervision/",
        "/supervision/supervisors/",
        "/upkeep/",
        "/disclosure/",
        "/audit/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/",
        "/no-such-page/",
    ]
    client = client_for("office")
    for url in office_pages:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        _assert_strict_csp(response, url)
    town = client_for("town_shitai")
    for url in [f"/reporting/{program.pk}/6/excel/", f"/reporting/{program.pk}/6/fill/"]:
        response = town.get(url)
        assert response.status_code == 200, url
        _assert_strict_csp(response, url)
    admin = client_for("admin")
    for url in ["/admin/", "/admin/catalogue/program/", f"/admin/catalogue/program/{program.pk}/change/"]:
        response = admin.get(url)
        assert response.status_code == 200, url
        _assert_strict_csp(response, url)
    anon = client_for("anon")
    for url in ["/login/", "/public/", f"/public/programs/{program.pk}/", f"/public/projects/{project.pk}/"]:
        response = anon.get(url)
        assert response.status_code == 200, url
        _assert_strict_csp(response, url)


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    import re

    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|\shx-on|javascript:", re.IGNORECASE
    )
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if any(part in {".venv", "node_modules"} for part in path.parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def _session(client: Any) -> Any:
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_session_ends_after_idle_time_and_at_browser_close(client: Any) -> None:
    from django.utils import timezone

    from conftest import PASSWORD, PERSONAS

    response = client.post("/login/", {"username": PERSONAS["office"][0], "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    left = _session(client).expire_date - timezone.now()
    assert settings.SESSION_COOKIE_AGE - 60 < left.total_seconds() <= settings.SESSION_COOKIE_AGE <= 3600
    _session(client).__class__.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/reporting/").status_code == 302  # back to the login page


@pytest.mark.django_db
def test_activity_pushes_the_session_end_back(client: Any) -> None:
    from django.utils import timezone

    from conftest import PASSWORD, PERSONAS
    from core.security import IDLE_KEY

    client.post("/login/", {"username": PERSONAS["office"][0], "password": PASSWORD})
    session = client.session
    session[IDLE_KEY] -= 120  # last pushed back two minutes ago
    session.save()
    _session(client).__class__.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get("/reporting/").status_code == 200
    left = _session(client).expire_date - timezone.now()
    assert left.total_seconds() > settings.SESSION_COOKIE_AGE - 60


def _manage(*args: str, production: bool, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINSHENG_"))}
    env.update({"MINSHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "minsheng.settings"})
    if production:
        env["MINSHENG_PRODUCTION"] = "1"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", production=True, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_switch_turns_on_https_settings(tmp_path: Path) -> None:
    names = "SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_HSTS_SECONDS SECURE_PROXY_SSL_HEADER"
    code = f"from django.conf import settings; print([bool(getattr(settings, n)) for n in {names.split()!r}])"
    on = _manage("shell", "--no-imports", "-c", code, production=True, tmp_path=tmp_path)
    off = _manage("shell", "--no-imports", "-c", code, production=False, tmp_path=tmp_path)
    assert on.stdout.strip() == str([True] * 5), on.stderr
    assert off.stdout.strip() == str([False] * 5), off.stderr
