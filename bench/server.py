"""The bench's live servers: a free loopback port, and waiting until a started server answers."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, tries: int = 150) -> None:
    """Until ``base``'s login page answers (0.2 s between tries); the first timed request then finds it up."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=1)
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
