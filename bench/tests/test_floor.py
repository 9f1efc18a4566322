"""The rush's floor server (bench/floor_urls.py): the fill page's URL answered with the recorded page and no work,
behind the project's own middleware — so that the ceiling it measures is a real request cycle."""

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

PAGE = '<html><body><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{t}"></form></body></html>'


@pytest.fixture
def floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    page = tmp_path / "floor.html"
    page.write_text(PAGE.format(t="RECORDED-TOKEN"), encoding="utf-8")
    monkeypatch.setenv("RUSH_FLOOR_PAGE", str(page))
    monkeypatch.setenv("RUSH_FLOOR_TOKEN", "RECORDED-TOKEN")
    sys.modules.pop("bench.floor_urls", None)
    module = importlib.import_module("bench.floor_urls")
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        yield module
    sys.modules.pop("bench.floor_urls", None)


def test_the_floor_serves_the_recorded_page_with_this_clients_token(floor: Any, town_shitai: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(town_shitai)
    response = client.get("/reporting/1/12/fill/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "RECORDED-TOKEN" not in body
    token = body.split('value="')[1].split('"')[0]
    saved = client.post(
        "/reporting/1/12/fill/", {"csrfmiddlewaretoken": token, "r1-v1": "5", "action": "save"}
    )
    assert saved.status_code == 302 and saved["Location"] == "/reporting/1/12/fill/"


def test_the_floor_keeps_the_login_and_csrf_gates(floor: Any, town_shitai: Any) -> None:
    assert Client().get("/reporting/1/12/fill/").status_code == 302  # to the login page
    client = Client(enforce_csrf_checks=True)
    client.force_login(town_shitai)
    assert client.post("/reporting/1/12/fill/", {"action": "save"}).status_code == 403


def test_every_other_url_is_the_projects_own(floor: Any) -> None:
    assert Client().get("/login/").status_code == 200
