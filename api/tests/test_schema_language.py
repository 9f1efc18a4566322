"""The API docs' title and description are in the reader's language (Chinese by default, English on request)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings


def _info(client: Any, url: str = "/api/schema/?format=json") -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["info"]


@pytest.mark.django_db
def test_api_docs_are_chinese_by_default(client_for: Any) -> None:
    info = _info(client_for("office"))
    assert info["title"] == "民生工程管理系统 API"
    assert "每个接口都只返回" in info["description"]


@pytest.mark.django_db
def test_api_docs_follow_the_chosen_language(client_for: Any) -> None:
    client = client_for("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    info = _info(client)
    assert info["title"] == "Livelihood Projects Management System API"
    assert "scoped" in info["description"] and not any("\u4e00" <= c <= "\u9fff" for c in info["description"])


@pytest.mark.django_db
def test_api_docs_in_english_by_query_parameter(client_for: Any) -> None:
    info = _info(client_for("office"), "/api/schema/?format=json&lang=en")
    assert info["title"] == "Livelihood Projects Management System API"
