"""Chinese word segmentation for the search index and the query: jieba's search mode (``cut_for_search``: a long
word also yields its dictionary sub-words, so 农作物秸秆综合利用 is found by 秸秆 and by 综合利用)."""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable

_WORD = re.compile(r"^\w+$")
_lock = threading.Lock()
_ready = False

#: at most this many words of a query are matched (all of them must occur)
QUERY_WORDS = 8
QUERY_CHARS = 100


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, its dictionary loaded once per process (about a second), on the first search or index write."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


@functools.lru_cache(maxsize=8192)
def _cut(text: str) -> tuple[str, ...]:
    """One text's words (cached: reports repeat their texts month after month)."""
    out = []
    for word in _jieba().cut_for_search(text):
        word = word.strip().lower()
        if word and _WORD.match(word):
            out.append(word)
    return tuple(out)


def words(texts: Iterable[str]) -> list[str]:
    """The distinct lower-cased words of ``texts`` (punctuation and spaces dropped), in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            for word in _cut(str(text)):
                seen.setdefault(word, None)
    return list(seen)


def index_text(texts: Iterable[str]) -> str:
    return " ".join(words(texts))


def query_words(query: str) -> list[str]:
    """The words a query must match (each as a prefix). Single characters are dropped when the query also has
    longer words (的, 镇 …), so that a query is not narrowed by how jieba happened to cut a name."""
    found = words([query[:QUERY_CHARS]])
    longer = [w for w in found if len(w) > 1]
    return (longer or found)[:QUERY_WORDS]
