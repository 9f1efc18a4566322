"""The deployment recipe in deploy/: `check --deploy` is clean with its environment file, the units name the
commands that exist, nginx accepts what the application accepts, and logs are one JSON line per event with the
request's user and unit."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from core import uploads
from core.logging import JsonFormatter, RequestContext
from orgs.models import Organisation

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"


def _recipe_env(tmp_path: Path) -> dict[str, str]:
    """The variables set (not commented out) in deploy/minsheng.env, with the placeholders filled in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MINSHENG_", "DATABASE_"))}
    for line in (DEPLOY / "minsheng.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    assert env["MINSHENG_PRODUCTION"] == "1"
    env["DJANGO_SECRET_KEY"] = "k" * 10 + "-recipe-test-" + "x" * 40
    env["MINSHENG_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_check_deploy_is_clean_with_the_recipe(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_recipe_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_units_and_nginx_fit_the_application() -> None:
    units = {p.name: p.read_text() for p in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {"minsheng-web.service", "minsheng-worker@.service", "minsheng-scheduler.service"}
    assert "gunicorn minsheng.wsgi:application" in units["minsheng-web.service"]
    assert "manage.py run_worker" in units["minsheng-worker@.service"]
    assert "manage.py run_scheduler" in units["minsheng-scheduler.service"]
    for text in units.values():
        assert "EnvironmentFile=/etc/minsheng/minsheng.env" in text and "UMask=0077" in text
    nginx = (DEPLOY / "nginx" / "minsheng.conf").read_text()
    (limit,) = re.findall(r"client_max_body_size\s+(\d+)m;", nginx)
    assert int(limit) * 1024 * 1024 >= 2 * uploads.MAX_BYTES  # a full-size file and the rest of the form
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "/media/" not in nginx.split("location /static/")[1]  # uploads only through the application


def test_environment_table_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("### 环境变量", 1)[1].split("\n### ", 1)[0]
    template = (DEPLOY / "minsheng.env").read_text()
    in_template = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, re.M))
    in_settings = set(
        re.findall(
            r'(?:environ\.get|_env_bool)\("([A-Z][A-Z0-9_]+)"', (ROOT / "minsheng/settings.py").read_text()
        )
    )
    missing = sorted(name for name in in_template | in_settings if f"`{name}`" not in table)
    assert not missing, f"README 环境变量 table lacks {missing}"


@pytest.mark.django_db
def test_json_log_line_has_user_and_unit(client_for: Any) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RequestContext())
    loggers = [logging.getLogger("minsheng.request"), logging.getLogger("django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    try:
        client = client_for("town_shitai")
        assert client.get(reverse("reporting:index")).status_code == 200
        client.get("/no-such-page/")
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    served = next(e for e in lines if e["message"] == "request" and e["path"] == "/reporting/")
    assert served["user"] == "t_town_shitai" and served["role"] == "town"
    assert served["unit"] == Organisation.objects.get(code="shitai").name  # readable: no \\u escapes
    assert served["unit_id"] and served["status"] == 200 and served["duration_ms"] >= 0
    assert (
        served["levelname"] == "INFO" and "timestamp" in served and "request" not in served.get("extra", {})
    )
    missing = next(e for e in lines if e["name"] == "django.request")
    assert missing["user"] == "t_town_shitai" and missing["path"] == "/no-such-page/"
    assert "\\u" not in stream.getvalue()


def test_production_logs_are_json_on_stdout(tmp_path: Path) -> None:
    env = _recipe_env(tmp_path)
    code = "import logging; logging.getLogger('minsheng.x').warning('测试 %s', 1)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    (line,) = [json.loads(s) for s in out.stdout.splitlines() if s.startswith("{")]
    assert line["message"] == "测试 1" and line["levelname"] == "WARNING" and line["name"] == "minsheng.x"


def test_pgbouncer_and_replica_settings(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MINSHENG_"))},
        "DATABASE_URL": "postgres://u:p@127.0.0.1:6432/minsheng",
        "MINSHENG_PGBOUNCER": "1",
        "MINSHENG_REPLICA_URL": "postgres://ro:p@10.0.0.2:6432/minsheng",
        "MINSHENG_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "minsheng.settings",
    }
    code = (
        "import json; from django.conf import settings as s; d = s.DATABASES;"
        "print(json.dumps([d['default']['DISABLE_SERVER_SIDE_CURSORS'], d['replica']['HOST'],"
        " d['replica']['DISABLE_SERVER_SIDE_CURSORS'], d['replica']['TEST'], s.DATABASE_ROUTERS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    no_cursors, host, replica_no_cursors, test, routers = json.loads(out.stdout)
    assert no_cursors is True and replica_no_cursors is True and host == "10.0.0.2"
    assert test == {"MIRROR": "default"} and routers == ["core.db_router.ReplicaRouter"]
