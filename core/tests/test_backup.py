"""Backup → restore into a fresh var/ → backup again: every table's rows and every file's checksum identical;
a non-empty database is refused without --force; a damaged backup is refused before anything changes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.backup import BUILT_IN, backup_write
from core.tests import files
from reporting import services

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
COUNT_TABLES = (
    "import json; import django; django.setup()\n"
    "from django.db import connection\n"
    "c = connection.cursor()\n"
    "skip = {'django_session', 'django_migrations'}\n"
    "print(json.dumps({t: c.execute(f'SELECT COUNT(*) FROM \"{t}\"').fetchone()[0]\n"
    "    for t in connection.introspection.table_names()\n"
    "    if t not in skip and not t.startswith('search_entry_fts')}))\n"
)


def _manage(var: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MINSHENG_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="minsheng.settings")
    env.pop("DATABASE_URL", None)  # a fresh SQLite install (also restores a PostgreSQL backup on SQLite)
    command = [sys.executable, "-c", args[1]] if args[0] == "-c" else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=check)


def _contents(archive: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and every model's rows (content types and permissions sorted: each install numbers them)."""
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        rows = {}
        for name in manifest["data_files"]:
            data = json.load(tar.extractfile(name))  # type: ignore[arg-type]
            label = name.removeprefix("data/").removesuffix(".json")
            rows[label] = sorted(data, key=json.dumps) if label.lower() in BUILT_IN else data
    return manifest, rows


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_restore_round_trip_is_identical(
    month: dict[str, Any], town_shitai: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    for name, data in (("现场.png", files.png()), ("情况.pdf", files.pdf()), ("说明.docx", files.docx())):
        services.attachment_add(actor=town_shitai, report=report, upload=SimpleUploadedFile(name, data))
    one, manifest = backup_write(output=tmp_path / "one.tar.gz")
    assert stat.S_IMODE(one.stat().st_mode) == 0o600
    assert manifest["tables"]["reporting.Attachment"] == 3 and len(manifest["files"]) == 3
    source_files = {
        p.relative_to(settings.MEDIA_ROOT).as_posix(): _sha(p)
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    }
    assert {k: v["sha256"] for k, v in manifest["files"].items()} == source_files
    with connection.cursor() as cursor:
        skip = {"django_session", "django_migrations"}
        counts = {
            t: cursor.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in connection.introspection.table_names(cursor)
            # SQLite's full-text index (FTS5 and its shadow tables): laid out by how its rows arrived
            if t not in skip and not t.startswith("search_entry_fts")
        }

    var = tmp_path / "fresh-var"
    _manage(var, "migrate", "--noinput", "-v0")
    assert "已恢复" in _manage(var, "restore", str(one)).stdout
    _manage(var, "backup", "--output", str(tmp_path / "two.tar.gz"))
    (m1, rows1), (m2, rows2) = _contents(one), _contents(tmp_path / "two.tar.gz")
    assert m2["tables"] == m1["tables"] and m2["files"] == m1["files"]
    for label in rows1:
        for a, b in zip(rows1[label], rows2[label], strict=True):
            assert a == b, (
                label,
                {k: (v, b["fields"].get(k)) for k, v in a["fields"].items() if b["fields"].get(k) != v},
            )
    assert json.loads(_manage(var, "-c", COUNT_TABLES).stdout) == counts
    restored = {
        p.relative_to(var / "media").as_posix(): _sha(p) for p in (var / "media").rglob("*") if p.is_file()
    }
    assert restored == source_files

    refused = _manage(var, "restore", str(one), check=False)
    assert refused.returncode != 0 and "已有数据" in refused.stderr and "--force" in refused.stderr

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(one) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("media/") and member.name.endswith(".png"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    broken = _manage(var, "restore", "--force", str(damaged), check=False)
    assert broken.returncode != 0 and "校验失败" in broken.stderr
    assert json.loads(_manage(var, "-c", COUNT_TABLES).stdout) == counts  # nothing changed
    miscounted = tmp_path / "miscounted.tar.gz"
    with tarfile.open(one) as src, tarfile.open(miscounted, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                changed = json.loads(data)
                changed["tables"]["orgs.Organisation"] += 1
                data = json.dumps(changed).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    rolled_back = _manage(var, "restore", "--force", str(miscounted), check=False)
    assert rolled_back.returncode != 0 and "行数与清单不符" in rolled_back.stderr
    assert json.loads(_manage(var, "-c", COUNT_TABLES).stdout) == counts  # the flush was undone too

    _manage(var, "restore", "--force", str(one))
    assert json.loads(_manage(var, "-c", COUNT_TABLES).stdout) == counts
