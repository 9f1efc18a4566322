"""The records of the home page's to-do list (the workbench).

Each domain app offers ``todo_items(user=...)`` in its ``selectors.py``: a list of :class:`TodoItem` for the
queues that apply to the user — an item with ``count == 0`` means "this queue is yours, and it is empty"; an app
returns no item at all for a queue that is not the user's. The project package (``minsheng.views.home``)
composes them; core knows no domain app. Each app counts its queues in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Severities, from the most urgent: overdue work, work sent back or waiting long, ordinary work.
DANGER, WARNING, INFO = "danger", "warning", "info"


@dataclass(frozen=True, slots=True)
class TodoPart:
    """One part of an item (a month, a letter): its own count and link."""

    label: str
    count: int
    url: str
    severity: str = INFO


@dataclass(frozen=True, slots=True)
class TodoItem:
    """One queue of work waiting for the user: what, how many, where it is done."""

    key: str  # stable name of the queue, e.g. "reporting.fill"
    label: str
    count: int
    url: str
    severity: str = INFO
    note: str = ""  # a short remark shown after the count (e.g. "3个月已逾期")
    place: str = ""  # the name of the page the link opens (e.g. "填报页"), for the way forward
    parts: tuple[TodoPart, ...] = field(default_factory=tuple)

    @property
    def waiting(self) -> bool:
        return self.count > 0


_RANK = {DANGER: 0, WARNING: 1, INFO: 2}


def todo_compose(items: list[TodoItem]) -> dict[str, object]:
    """What the home page shows: the non-empty queues, most urgent first, and — when every queue is empty —
    the first queue's page as the way forward. ``applies`` is False when no queue is the user's (no to-do)."""
    waiting = sorted((i for i in items if i.waiting), key=lambda i: _RANK.get(i.severity, 9))
    return {
        "applies": bool(items),
        "items": waiting,
        "forward": None if waiting or not items else items[0],
    }
