"""Backup and restore: one .tar.gz file with the whole database and every uploaded file, checked on restore.

Layout of the archive::

    manifest.json            format, time, database vendor, applied migrations, per-model row counts,
                             per-file size and SHA-256 (data files and uploads)
    data/<app>.<Model>.json  every row of one model, Django's JSON serialization ordered by primary key;
                             foreign keys to content types, permissions and users by natural key, content
                             types and permissions without their ids (each install numbers them itself)
    media/<path>             every file under MEDIA_ROOT

Serialization goes through Django (``dumpdata``/``loaddata``), so a backup taken on SQLite restores on
PostgreSQL and back. Restore checks every checksum before touching anything, loads the database in one
transaction (rolled back if a row count differs from the manifest), then moves the files into MEDIA_ROOT.
Sessions are not backed up (everyone logs in again after a restore)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from core.files import PRIVATE_FILE, private_dir

FORMAT = 1
SKIPPED = {"sessions.session"}
#: Rows every migrated install has already (created by migrate); matched by natural key, not counted as data.
BUILT_IN = {"contenttypes.contenttype", "auth.permission"}
CHUNK = 1024 * 1024
EXACT_JSON = "exactjson"


class BackupError(Exception):
    """A backup that cannot be restored here; the message is for the operator (Chinese)."""


def backed_up_models() -> list[type[Model]]:
    return [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in SKIPPED
    ]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def dump_model(model: type[Model], path: Path, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """One model's rows as Django JSON (microseconds kept, see core.backup_json), ordered by primary key."""
    if EXACT_JSON not in serializers.get_public_serializer_formats():
        serializers.register_serializer(EXACT_JSON, "core.backup_json")
    call_command(
        "dumpdata",
        model._meta.label,
        format=EXACT_JSON,
        indent=None,
        database=using,
        natural_foreign=True,
        natural_primary=model._meta.label_lower in BUILT_IN,
        output=str(path),
        verbosity=0,
    )


def backup_write(*, output: Path | None = None, using: str = DEFAULT_DB_ALIAS) -> tuple[Path, dict[str, Any]]:
    """Write the backup file (owner-only) and return its path and manifest."""
    now = dt.datetime.now(dt.UTC)
    if output is None:
        output = private_dir(Path(settings.VAR_DIR) / "backups") / f"minsheng-{now:%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database_vendor": connections[using].vendor,
        "migrations": _migrations(using),
        "tables": {},
        "data_files": {},
        "files": {},
    }
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        data_dir = Path(work) / "data"
        data_dir.mkdir()
        # One snapshot of the whole database: a transaction (repeatable read on PostgreSQL, the read lock of
        # a transaction on SQLite) so the counts and the rows agree.
        outermost = not connections[using].in_atomic_block
        with transaction.atomic(using=using):
            if connections[using].vendor == "postgresql" and outermost:
                with connections[using].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backed_up_models():
                path = data_dir / f"{model._meta.label}.json"
                dump_model(model, path, using=using)
                manifest["tables"][model._meta.label] = model._default_manager.using(using).count()
        for path in sorted(data_dir.iterdir()):
            manifest["data_files"][f"data/{path.name}"] = {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
        media = list(_media_files(media_root))
        for path in media:
            rel = path.relative_to(media_root).as_posix()
            manifest["files"][rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(body), int(now.timestamp()), PRIVATE_FILE
            tar.addfile(info, io.BytesIO(body))
            for path in sorted(data_dir.iterdir()):
                tar.add(path, arcname=f"data/{path.name}", recursive=False, filter=_private)
            for path in media:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}", filter=_private)
        partial.chmod(PRIVATE_FILE)
        partial.replace(output)
    return output, manifest


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = PRIVATE_FILE
    return info


def _is_empty(using: str) -> bool:
    return not any(
        m._default_manager.using(using).exists()
        for m in backed_up_models()
        if m._meta.label_lower not in BUILT_IN
    )


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份文件中有不安全的路径：{name}")
    return path


def backup_read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember("manifest.json")
        handle = tar.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError) as exc:
        raise BackupError("不是本系统的备份文件：缺少或无法读取 manifest.json") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("备份文件格式不受支持")
    return manifest


def _extract_checked(tar: tarfile.TarFile, manifest: dict[str, Any], target: Path) -> None:
    """Extract data and media into ``target``, checking size and SHA-256 of each against the manifest."""
    expected = {**manifest["data_files"], **{f"media/{k}": v for k, v in manifest["files"].items()}}
    seen: set[str] = set()
    for member in tar:
        if member.name == "manifest.json":
            continue
        rel = _safe_member(member.name)
        if not member.isfile() or rel.as_posix() not in expected:
            raise BackupError(f"备份文件中有清单里没有的内容：{member.name}")
        want = expected[rel.as_posix()]
        dest = target.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        source = tar.extractfile(member)
        assert source is not None
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as out:
            while block := source.read(CHUNK):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != want["sha256"] or dest.stat().st_size != want["size"]:
            raise BackupError(f"校验失败：{member.name} 与清单中的校验和不符，备份文件已损坏")
        seen.add(rel.as_posix())
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"备份文件不完整，缺少：{'、'.join(missing[:5])}")


def backup_restore(*, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Restore a backup into this install (migrated). Refuses a database with data unless ``force``."""
    media_root = Path(settings.MEDIA_ROOT)
    try:
        tar = tarfile.open(path, mode="r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法打开备份文件 {path}：{exc}") from exc
    with tar:
        manifest = backup_read_manifest(tar)
        here = _migrations(using)
        unknown = sorted(
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if name not in here.get(app, [])
        )
        if unknown:
            raise BackupError(
                "备份来自更新的版本（本系统缺少迁移 "
                + "、".join(unknown[:5])
                + "）：请先升级本系统并运行 migrate，再恢复"
            )
        if not force and not _is_empty(using):
            raise BackupError(
                "数据库中已有数据：只能恢复到空的系统（已 migrate、无数据）；确需覆盖请加 --force"
            )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # staged beside MEDIA_ROOT (same file system: the files are moved, not copied); the folder is 0700
        with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
            staging = Path(work)
            _extract_checked(tar, manifest, staging)
            fixtures = [
                staging / "data" / f"{label}.json"
                for label, count in sorted(manifest["tables"].items())
                if count
            ]
            with transaction.atomic(using=using):
                if force:
                    call_command(
                        "flush", database=using, interactive=False, verbosity=0, inhibit_post_migrate=False
                    )
                if fixtures:
                    call_command("loaddata", *map(str, fixtures), database=using, verbosity=0)
                wrong = {
                    label: (count, apps.get_model(label)._default_manager.using(using).count())
                    for label, count in manifest["tables"].items()
                    if label.lower() not in BUILT_IN
                    and apps.get_model(label)._default_manager.using(using).count() != count
                }
                if wrong:
                    raise BackupError(
                        "恢复后行数与清单不符，已撤销："
                        + "；".join(f"{k} 应为 {a} 行，实为 {b} 行" for k, (a, b) in list(wrong.items())[:5])
                    )
            # The database is committed: move the checked files into place.
            source = staging / "media"
            if source.is_dir():
                media_root.mkdir(parents=True, exist_ok=True, mode=0o700)
                for file in _media_files(source):
                    dest = media_root / file.relative_to(source)
                    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    shutil.move(str(file), dest)
    return manifest
