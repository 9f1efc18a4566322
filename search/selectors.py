"""Search: the query cut into words by jieba, matched (every word, as a prefix) by the database's full-text index,
then each kind's hits narrowed by ``core.policy.restrict(..., "view")`` on the source rows — a user finds only what
their own pages would show them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from core.policy import restrict
from search.models import SearchEntry
from search.sources import SOURCES, Source
from search.tokens import query_words

#: hits shown per kind (the count says how many there are)
SHOWN = 20
#: counted up to this many per kind ("1000+"): a word found in every report must not count a million rows
COUNT_CAP = 1000
SNIPPET = 36


@dataclass
class Hit:
    title: str
    context: str
    url: str
    snippet: str = ""

    @property
    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet cut into (text, is a searched word) pieces, for <mark>."""
        return _parts(self.snippet, self.words)

    words: tuple[str, ...] = ()


@dataclass
class Group:
    kind: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def more(self) -> bool:
        """There are more than ``COUNT_CAP`` (the count shows "1000+")."""
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"{COUNT_CAP}+" if self.more else str(self.count)


def match_expression(words: list[str]) -> tuple[str, str]:
    """(SQL selecting the ids of the index rows holding every word as a prefix, its one parameter) — FTS5 on
    SQLite, the GIN-indexed tsvector on PostgreSQL. Words are ``\\w+`` only, so quoting them is safe."""
    if connection.vendor == "postgresql":
        query = " & ".join(f"'{w}':*" for w in words)
        return (
            "SELECT id FROM search_entry WHERE array_to_tsvector(string_to_array(tokens, ' ')) @@ %s::tsquery",
            query,
        )
    query = " AND ".join(f'"{w}"*' for w in words)
    return "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s", query


def matching(source: Source, words: list[str], user: Any) -> QuerySet:
    """The source rows of this kind matching ``words`` that ``user`` may view."""
    sql, param = match_expression(words)
    ids = SearchEntry.objects.filter(kind=source.kind, id__in=RawSQL(sql, [param])).values("object_id")
    return restrict(source.model._default_manager.filter(pk__in=ids), user, "view")


def _parts(text: str, words: tuple[str, ...]) -> list[tuple[str, bool]]:
    if not text or not words:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], False))
        out.append((m.group(), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def _snippet(texts: list[str], words: list[str]) -> str:
    for text in texts:
        if not text:
            continue
        low = text.lower()
        for w in words:
            at = low.find(w)
            if at >= 0:
                start = max(0, at - SNIPPET // 2)
                piece = text[start : start + SNIPPET * 2].replace("\n", " ")
                return ("…" if start else "") + piece + ("…" if start + SNIPPET * 2 < len(text) else "")
    return ""


def kinds_matching(words: list[str]) -> dict[str, int]:
    """How many index rows of each kind hold every word (before the policy) — one query, so that the kinds
    without a match cost nothing more."""
    sql, param = match_expression(words)
    rows = (
        SearchEntry.objects.filter(id__in=RawSQL(sql, [param]))
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def search(*, user: Any, query: str) -> tuple[list[str], list[Group]]:
    """(the words searched for, the non-empty groups of hits in the order of ``SOURCES``)."""
    words = query_words(query)
    if not words:
        return [], []
    present = kinds_matching(words)
    groups = []
    for source in SOURCES:
        if not present.get(source.kind):
            continue
        qs = matching(source, words, user)
        rows = list(
            qs.select_related(*source.related)
            .prefetch_related(*source.prefetch)
            .order_by(*(source.order or source.model._meta.ordering), "pk")[: SHOWN + 1]
        )
        if not rows:
            continue
        count = len(rows) if len(rows) <= SHOWN else qs.order_by()[: COUNT_CAP + 1].count()
        hits = []
        for obj in rows[:SHOWN]:
            title = source.title(obj)
            snippet = "" if any(w in title.lower() for w in words) else _snippet(source.texts(obj), words)
            hits.append(
                Hit(
                    title=title,
                    context=source.context(obj),
                    url=source.url(obj),
                    snippet=snippet,
                    words=tuple(words),
                )
            )
        groups.append(Group(kind=source.kind, label=str(source.label), count=count, hits=hits))
    return words, groups
