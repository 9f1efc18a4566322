"""The demo's ledger (示例数据): record every row created while the demo runs; remove exactly those rows again.

``recording()`` listens to ``post_save`` while it is open and writes one ``SampleRecord`` per created row (audit
rows, transitions, steps … included, whichever service made them). ``sample_clear()`` deletes the recorded rows
newest first — children before the rows they point at, so PROTECT never gets in the way — after checking that
no row outside the ledger would go with them (real data refers to a demo row: nothing is deleted). Rows written
with ``bulk_create`` send no signal: the caller names such derived models (e.g. summaries) in ``derived`` and
rebuilds them afterwards. Files stored by demo rows are deleted with them.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_save

from core.models import SampleRecord

#: Created as a side effect (content types, permissions, groups, sessions): shared with real data, never removed.
SHARED_APPS = frozenset({"contenttypes", "sessions", "admin"})
SHARED_MODELS = frozenset({("auth", "permission"), ("auth", "group")})

_state = threading.local()


class SampleError(Exception):
    """Removing the demo rows would take real rows with them: nothing was deleted."""


def _shared(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        model is SampleRecord
        or meta.app_label in SHARED_APPS
        or (meta.app_label, meta.model_name) in SHARED_MODELS
    )


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **_: Any) -> None:
    rows = getattr(_state, "rows", None)
    if rows is None or not created or raw or _shared(sender):
        return
    rows.append((sender._meta.concrete_model, str(instance.pk)))


@contextmanager
def recording() -> Iterator[None]:
    """Record every row created inside the block (this thread) as a demo row; written when the block ends."""
    if getattr(_state, "rows", None) is not None:
        yield  # nested: the outer block records
        return
    _state.rows = []
    post_save.connect(_on_save, weak=False, dispatch_uid="core.sample.recording")
    try:
        yield
        rows, types = _state.rows, {}
        for model, _pk in rows:
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
        SampleRecord.objects.bulk_create(
            [SampleRecord(content_type=types[model], object_id=pk) for model, pk in rows], batch_size=2000
        )
    finally:
        post_save.disconnect(dispatch_uid="core.sample.recording")
        _state.rows = None


def sample_exists() -> bool:
    return SampleRecord.objects.exists()


def sample_ids(model: type[models.Model]) -> list[Any]:
    """Primary keys of the demo rows of ``model`` (as the field's Python type)."""
    ct = ContentType.objects.get_for_model(model)
    field = model._meta.pk
    return [
        field.to_python(v)
        for v in SampleRecord.objects.filter(content_type=ct).values_list("object_id", flat=True)
    ]


def sample_counts() -> dict[str, int]:
    """Demo rows per model, as ``app_label.ModelName`` → count."""
    counts: dict[str, int] = defaultdict(int)
    for ct_id, n in SampleRecord.objects.values_list("content_type").annotate(n=models.Count("id")):
        model = ContentType.objects.get_for_id(ct_id).model_class()
        counts[model._meta.label if model else str(ct_id)] += n
    return dict(sorted(counts.items()))


def _ledger() -> tuple[list[tuple[type[models.Model], list[Any]]], dict[type[models.Model], set[Any]]]:
    """Runs of (model, pks) newest first, and every model's set of demo pks."""
    runs: list[tuple[type[models.Model], list[Any]]] = []
    by_model: dict[type[models.Model], set[Any]] = defaultdict(set)
    models_of: dict[int, type[models.Model] | None] = {}
    for ct_id, object_id in SampleRecord.objects.order_by("-id").values_list("content_type", "object_id"):
        if ct_id not in models_of:
            models_of[ct_id] = ContentType.objects.get_for_id(ct_id).model_class()
        model = models_of[ct_id]
        if model is None:
            continue
        pk = model._meta.pk.to_python(object_id)
        by_model[model].add(pk)
        if runs and runs[-1][0] is model:
            runs[-1][1].append(pk)
        else:
            runs.append((model, [pk]))
    return runs, by_model


def _foreign_dependents(
    by_model: dict[type[models.Model], set[Any]], derived: Iterable[type[models.Model]]
) -> dict[str, int]:
    """Rows outside the ledger that hold on to a demo row (PROTECT/RESTRICT: a real report in a demo period, a real
    inspection of the demo supervisor). Rows that CASCADE are parts of their demo row (its values, transitions,
    steps) and go with it."""
    allowed = set(derived)
    found: dict[str, int] = {}
    for model, pks in by_model.items():
        for rel in model._meta.related_objects:
            related = rel.related_model
            if rel.many_to_many or related in allowed or related._meta.auto_created:
                continue
            if rel.on_delete not in (models.PROTECT, models.RESTRICT):
                continue
            qs = related._base_manager.filter(**{f"{rel.field.name}__in": list(pks)})
            own = by_model.get(related)
            if own:
                qs = qs.exclude(pk__in=list(own))
            n = qs.count()
            if n:
                label = str(related._meta.verbose_name)
                found[label] = found.get(label, 0) + n
    return found


def _files_of(model: type[models.Model], pks: list[Any]) -> list[Any]:
    fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if not fields:
        return []
    files = []
    for obj in model._base_manager.filter(pk__in=pks).only("pk", *fields):
        files += [getattr(obj, name) for name in fields if getattr(obj, name)]
    return files


@transaction.atomic
def sample_clear(
    *,
    derived: Iterable[type[models.Model]] = (),
    adopted: Iterable[tuple[type[models.Model], Any]] = (),
) -> dict[str, int]:
    """Delete every demo row (and only those); returns the rows removed per model. ``adopted``: rows made later by
    the demo accounts (newest first), removed first. Raises SampleError, deleting nothing, if real rows hold on to
    demo rows."""
    runs, by_model = _ledger()
    extra: list[tuple[type[models.Model], list[Any]]] = []
    for model, pk in adopted:
        if pk in by_model.get(model, set()):
            continue
        by_model[model].add(pk)
        if extra and extra[-1][0] is model:
            extra[-1][1].append(pk)
        else:
            extra.append((model, [pk]))
    runs = extra + runs
    derived = list(derived)
    foreign = _foreign_dependents(by_model, derived)
    if foreign:
        listing = "、".join(f"{name}{n}条" for name, n in sorted(foreign.items()))
        raise SampleError(f"有非示例数据引用了示例数据（{listing}），未删除任何数据")
    removed: dict[str, int] = defaultdict(int)
    files: list[Any] = []
    for model, pks in runs:
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            files += _files_of(model, chunk)
            _total, per_model = model._base_manager.filter(pk__in=chunk).delete()
            for label, n in per_model.items():
                if n:
                    removed[label] += n
    SampleRecord.objects.all().delete()
    storage_files = [(f.storage, f.name) for f in files]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in storage_files])
    return dict(sorted(removed.items()))
