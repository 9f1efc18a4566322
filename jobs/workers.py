"""Worker processes: who a process is (host, pid and the process's start time — a pid alone can be reused) and
the heartbeat each worker and the scheduler writes while it lives (``WorkerBeat``), read by the sweeper
(``jobs.services.jobs_sweep``) and the health endpoint."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from functools import cache

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from jobs.models import WorkerBeat

log = logging.getLogger(__name__)


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


def current_process() -> str:
    """This process as ``host:pid:start`` (computed per pid: a forked process is another one)."""
    return _describe(os.getpid())


@cache
def _describe(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def process_alive(process: str) -> bool | None:
    """True/False for a process on this host; None when it cannot be told (another host, or no /proc)."""
    try:
        host, pid_text, started = process.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname() or started == "?":
        return None
    return _start_ticks(pid) == started


def new_worker_id(role: str) -> str:
    return f"{role}-{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


def dead_after() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.JOBS_WORKER_DEAD_AFTER))


def beat_is_dead(beat: WorkerBeat, now: dt.datetime | None = None) -> bool:
    """Stopped, its process gone (same host), or no heartbeat for JOBS_WORKER_DEAD_AFTER."""
    if beat.stopped_at is not None:
        return True
    if process_alive(beat.process) is False:
        return True
    return beat.seen_at < (now or timezone.now()) - dead_after()


class Heartbeat:
    """Registers a worker and keeps its ``WorkerBeat`` fresh from a daemon thread (its own connection) until
    ``stop``. A heartbeat that cannot be written (SQLite busy with a long write) is retried at the next beat.

    The thread is deliberate and is not a job runner (jobs run only in the task engine's worker): it is a
    liveness ping that must keep beating *while* the worker's main thread is busy with one long task — which is
    exactly when the sweeper has to tell a slow worker from a dead one. It writes one row and does nothing else.

    The rows are our own table, written by our code, so liveness does not depend on the task backend: with the
    database backend ``run_worker`` starts the heartbeat and hands its id to the library's worker loop; with any
    other backend (its own worker processes) the first job a process runs starts one (``process_worker_id``)."""

    def __init__(self, role: str, worker_id: str | None = None) -> None:
        self.role = role
        self.worker_id = worker_id or new_worker_id(role)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Heartbeat:
        now = timezone.now()
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "role": self.role,
                "process": current_process(),
                "started_at": now,
                "seen_at": now,
                "stopped_at": None,
            },
        )
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{self.role}", daemon=True)
        self._thread.start()
        if self.role == WorkerBeat.Role.WORKER:
            _PROCESS[os.getpid()] = self
        return self

    def beat(self) -> None:
        WorkerBeat.objects.filter(worker_id=self.worker_id).update(seen_at=timezone.now())

    def _loop(self) -> None:
        interval = float(settings.JOBS_HEARTBEAT_SECONDS)
        try:
            while not self._stop.wait(interval):
                try:
                    self.beat()
                except OperationalError:  # the database is busy or away: try again at the next beat
                    log.warning("heartbeat of %s not written", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        if _PROCESS.get(os.getpid()) is self:
            del _PROCESS[os.getpid()]
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            self._mark_stopped()
        except Exception:  # the connection was left broken (an interrupted query): a new one writes the mark
            connection.close()
            self._mark_stopped()

    def _mark_stopped(self) -> None:
        WorkerBeat.objects.filter(worker_id=self.worker_id).update(stopped_at=timezone.now())


#: The running worker heartbeat of each process (by pid: a forked child is another worker).
_PROCESS: dict[int, Heartbeat] = {}


def process_worker_id() -> str:
    """The worker id of this process's heartbeat, started now if the process has none: a task backend other
    than the database one runs ``jobs.tasks.run_job`` in its own worker processes, which never went through
    ``run_worker``; their jobs get a heartbeat all the same, so the sweeper works on every backend."""
    beat = _PROCESS.get(os.getpid())
    if beat is None or beat._stop.is_set():
        beat = Heartbeat(WorkerBeat.Role.WORKER).start()
    return beat.worker_id


def runner_id(reported: str) -> str:
    """The worker id to record on a job: the backend's when it is a live heartbeat of ours (``run_worker``),
    else this process's heartbeat (``process_worker_id``)."""
    if reported and WorkerBeat.objects.filter(worker_id=reported, stopped_at__isnull=True).exists():
        return reported
    return process_worker_id()
