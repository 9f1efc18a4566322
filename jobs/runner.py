"""Who runs a job: host, process id and the process's start time, so that a job whose process has ended (a
restart, a killed worker) is recognised at once — a pid alone can be reused by a later process."""

from __future__ import annotations

import os
import socket
from functools import cache


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux /proc), None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # the command name (field 2) may contain spaces and parentheses: fields after the last ")" are fixed
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


def current() -> str:
    """This process, as recorded on the jobs it runs (computed per pid: a forked worker is another runner)."""
    return _describe(os.getpid())


@cache
def _describe(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def is_alive(runner: str) -> bool | None:
    """True/False for a runner on this host; None when it cannot be told (another host, or no /proc)."""
    try:
        host, pid_text, started = runner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname() or started == "?":
        return None
    return _start_ticks(pid) == started
