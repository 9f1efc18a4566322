"""var/ is the owner's only: the database, the secret key, the password files, uploads and backups."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from core.files import private_dir

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_settings_database_and_uploads_are_owner_only(tmp_path: Path) -> None:
    """A fresh var/: settings create the secret key, SQLite its database (and WAL), storage the uploads."""
    var = tmp_path / "var"
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "connection.cursor().execute('CREATE TABLE t (x int)')\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "default_storage.save('reports/2021/06/a.png', ContentFile(b'x'))\n"
    )
    env = dict(os.environ, MINSHENG_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="minsheng.settings")
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, umask=0o022)
    assert _mode(var) == 0o700
    assert (var / "minsheng.sqlite3").exists()
    for path in [var / "secret_key", *var.glob("minsheng.sqlite3*")]:
        assert _mode(path) == 0o600, path.name
    for folder in ("media", "media/reports", "media/reports/2021/06"):
        assert _mode(var / folder) == 0o700, folder
    assert _mode(var / "media/reports/2021/06/a.png") == 0o600


@pytest.mark.django_db
def test_password_files_are_owner_only(settings: Any, tmp_path: Path) -> None:
    from django.contrib.auth import get_user_model

    settings.VAR_DIR = tmp_path
    get_user_model().objects.filter(is_superuser=True).update(is_superuser=False)
    (tmp_path / "demo-accounts.txt").write_text("old")
    (tmp_path / "demo-accounts.txt").chmod(0o644)
    call_command("ensure_admin", username="t_first_admin", stdout=open(os.devnull, "w"))
    call_command("create_demo_accounts", stdout=open(os.devnull, "w"))
    assert _mode(tmp_path / "initial-admin-password.txt") == 0o600
    assert _mode(tmp_path / "demo-accounts.txt") == 0o600


def test_an_old_world_readable_var_is_tightened(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir(mode=0o755)
    (tmp_path / "minsheng.sqlite3").write_bytes(b"")
    (tmp_path / "minsheng.sqlite3").chmod(0o644)
    tmp_path.chmod(0o755)
    private_dir(tmp_path)
    assert (_mode(tmp_path), _mode(tmp_path / "media"), _mode(tmp_path / "minsheng.sqlite3")) == (
        0o700,
        0o700,
        0o600,
    )


def test_a_shared_folder_given_as_var_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    (shared / "other-users-file").write_bytes(b"")
    (shared / "other-users-file").chmod(0o644)
    private_dir(shared)
    assert _mode(shared) == 0o1777 and _mode(shared / "other-users-file") == 0o644
