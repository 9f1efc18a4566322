"""API tokens: issued by POST /api/token/, hashed in the database, refused once expired."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from conftest import PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db

TOWN = PERSONAS["town_shitai"][0]


def _issue(client: Client, username: str = TOWN, password: str = PASSWORD) -> Any:
    return client.post(
        "/api/token/", {"username": username, "password": password}, content_type="application/json"
    )


def test_token_is_issued_and_works(client: Client) -> None:
    response = _issue(client)
    assert response.status_code == 200
    body = response.json()
    assert body["expiry"]
    auth = {"HTTP_AUTHORIZATION": f"Token {body['token']}"}
    assert Client().get("/api/organisations/", **auth).status_code == 200
    assert Client().get("/api/organisations/", HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)


def test_token_expires(client: Client) -> None:
    token = _issue(client).json()["token"]
    assert Client().get("/api/organisations/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/organisations/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)


def test_token_has_a_limited_lifetime(client: Client) -> None:
    _issue(client)
    expiry = AuthToken.objects.get().expiry
    assert expiry is not None and expiry < timezone.now() + dt.timedelta(days=1)


def test_database_never_holds_the_raw_token(client: Client) -> None:
    token = _issue(client).json()["token"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the introspection)
            for row in cursor.fetchall():
                assert not any(isinstance(v, str) and token in v for v in row), table


def test_migration_drops_the_plain_tokens(transactional_db: Any) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("api.migrations.0001_drop_plain_tokens")
    with connection.schema_editor() as editor:
        editor.execute('CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id integer)')
        editor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', 1)")
        migration.drop_plain_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()


def test_wrong_password_gets_a_chinese_error(client: Client) -> None:
    response = _issue(client, password="wrong-password")
    assert response.status_code == 400 and "用户名或密码不正确" in response.json()["detail"]
    assert _issue(client, password="").status_code == 400


def test_revoked_token_is_refused(client: Client) -> None:
    token = _issue(client).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert Client().post("/api/token/revoke/", **auth).status_code == 204
    assert Client().get("/api/organisations/", **auth).status_code in (401, 403)
    assert not AuthToken.objects.exists()
