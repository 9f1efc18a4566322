"""Keeping the search index in step with the data: every save or delete of a searchable object (or of a row its
text comes from) queues the object; once the transaction commits, the queued objects are re-indexed together
(``transaction.on_commit`` — a rolled-back transaction queues nothing, and no page view ever writes the index).
``search_rebuild`` rewrites the whole index (after bulk loads that bypass the model signals)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

from search.models import SearchEntry
from search.sources import SOURCES, Source
from search.tokens import index_text

BATCH = 2000


class _PendingIndex:
    """The objects one transaction must re-index after it commits (registered once per transaction)."""

    def __init__(self) -> None:
        self.items: dict[str, set[int]] = defaultdict(set)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        for kind, pks in self.items.items():
            search_index_refresh(kind=kind, pks=pks)


def search_index_on_commit(*, kind: str, pk: int) -> None:
    """Re-index one object once the current transaction commits (at once outside a transaction)."""
    conn = transaction.get_connection()
    pending = next(
        (e[1] for e in conn.run_on_commit if isinstance(e[1], _PendingIndex) and not e[1].done), None
    )
    if pending is None:
        pending = _PendingIndex()
        pending.items[kind].add(pk)
        transaction.on_commit(pending)
        return
    pending.items[kind].add(pk)


def _entry(source: Source, obj: Any) -> SearchEntry:
    return SearchEntry(kind=source.kind, object_id=obj.pk, tokens=index_text(source.texts(obj)))


def _rows(source: Source, pks: Iterable[int] | None = None) -> models.QuerySet:
    qs = source.model._default_manager.all()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.prefetch_related(*source.prefetch).order_by("pk")  # the indexed texts are the row's own


@transaction.atomic
def search_index_refresh(*, kind: str, pks: Iterable[int]) -> int:
    """Rewrite the index rows of these objects of ``kind`` (those deleted meanwhile lose theirs)."""
    from search.sources import BY_KIND

    source = BY_KIND[kind]
    pks = set(pks)
    SearchEntry.objects.filter(kind=kind, object_id__in=pks).delete()
    entries = [_entry(source, obj) for obj in _rows(source, pks)]
    SearchEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


@transaction.atomic
def search_index_rebuild(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rewrite the index of every object (of ``kinds``, default all); returns the count per kind."""
    wanted = set(kinds) if kinds else None
    counts: dict[str, int] = {}
    for source in SOURCES:
        if wanted is not None and source.kind not in wanted:
            continue
        SearchEntry.objects.filter(kind=source.kind).delete()
        batch: list[SearchEntry] = []
        n = 0
        for obj in _rows(source).iterator(chunk_size=BATCH):
            batch.append(_entry(source, obj))
            if len(batch) >= BATCH:
                SearchEntry.objects.bulk_create(batch)
                n += len(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
        counts[source.kind] = n + len(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('optimize')")
    return counts


def _queue(kind: str, attribute: str):  # type: ignore[no-untyped-def]
    def handler(sender: Any, instance: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):  # loaddata (restore): search_rebuild afterwards
            return
        pk = getattr(instance, attribute, None)
        if pk is not None:
            search_index_on_commit(kind=kind, pk=pk)

    return handler


_handlers: list[Any] = []  # signals hold their receivers weakly


def connect_signals() -> None:
    """Saves of a source re-index it; saves and deletes of a row its text comes from re-index the source. Deleting
    a source leaves its index row behind, found by no one (hits are the source rows that still exist) and dropped
    at its next refresh or rebuild: a delete receiver would cost every bulk delete of reports Django's fast path."""
    for source in SOURCES:
        watched = [(source.model_label, "pk", False)] + [(m, a, True) for m, a in source.dependants]
        for label, attribute, on_delete in watched:
            model = apps.get_model(label)
            handler = _queue(source.kind, attribute)
            _handlers.append(handler)
            uid = f"search:{source.kind}:{label}"
            post_save.connect(handler, sender=model, dispatch_uid=uid + ":save")
            if on_delete:
                post_delete.connect(handler, sender=model, dispatch_uid=uid + ":delete")
