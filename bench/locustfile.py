"""Locust users of the deadline-day rush (started by bench/rush.py, which writes the plan; not for hand use).

- ``Unit``: one per simulated unit: opens its fill page, types a value into every indicator and a 情况说明,
  saves (``fill``), then submits (``submit``) — the form posted back as served (hidden fields, versions, CSRF);
  then only re-reads its page now and then (``fill page``).
- ``Reviewer``: one per district's lead department: lists the submitted reports (API, ``review queue``) and
  approves them (``approve``).
- ``Reader``: the 民生办 reading the 进度表, the ranking and the program page (``dashboard``).

Answered writes are recorded and written to RUSH_RESULTS at the end, for the lost-write check.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

from locust import HttpUser, between, events, task

from bench.forms import form_fields

PLAN = json.loads(open(os.environ["RUSH_PLAN"], encoding="utf-8").read())
PHASE = os.environ.get("RUSH_PHASE", "rush")
# The baseline (unloaded) run uses the first unit; the rush the others.
UNITS = PLAN["units"][:1] if PHASE == "baseline" else PLAN["units"][1:]
_unit_queue = iter(UNITS)
_reviewer_queue = itertools.cycle(PLAN["reviewers"][:1] if PHASE == "baseline" else PLAN["reviewers"])
RESULTS: dict[str, Any] = {
    "units": [],
    "approved": [],
    "submitted_reports": 0,
    "submit_times": [],
    "fill_times": [],
}


class Unit(HttpUser):
    wait_time = between(0.5, 2)
    fixed_count = len(UNITS)

    def on_start(self) -> None:
        self.unit = next(_unit_queue)
        self.client.cookies.set(PLAN["session_cookie"], self.unit["session"])
        self.done = False

    def _post(self, fields: list[tuple[str, str]], action: str, name: str) -> bool:
        csrf = self.client.cookies.get("csrftoken", "")
        data = [*fields, ("action", action)]
        with self.client.post(
            self.unit["fill"],
            data=data,
            headers={"X-CSRFToken": csrf, "Referer": self.host + self.unit["fill"]},
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
                return True
            response.failure(f"{name}: HTTP {response.status_code} (form errors or refused)")
            return False

    @task
    def rush(self) -> None:
        page = self.client.get(self.unit["fill"], name="fill page")
        if self.done or page.status_code != 200:
            return
        fields = form_fields(page.text)
        value = str(random.randint(100, 999))
        typed = []
        for name, current in fields:
            if "-v" in name and name.split("-v")[-1].isdigit():
                typed.append((name, value))
            elif name.endswith("-explanation"):
                typed.append((name, "示例（截止日压力测试）"))
            elif name.endswith("-progress"):
                typed.append((name, current or "示例进展"))
            else:
                typed.append((name, current))
        saving = time.time()
        if not self._post(typed, "save", "fill"):
            return
        entry = [self.unit["code"], value, False]  # other users append meanwhile (gevent): keep our own
        RESULTS["units"].append(entry)
        again = self.client.get(self.unit["fill"], name="fill page")
        started = time.time()
        if self._post(form_fields(again.text), "submit", "submit"):
            entry[2] = True
            RESULTS["submitted_reports"] += sum(1 for n, _ in typed if n.endswith("-version"))
            ended = time.time()
            RESULTS["submit_times"] += [started, ended]
            RESULTS["fill_times"] += [saving, ended]  # the same work as the raw-SQL limit: save, then submit
        self.done = True


class Reviewer(HttpUser):
    wait_time = between(1, 2)
    fixed_count = 1 if PHASE == "baseline" else len(PLAN["reviewers"])

    def on_start(self) -> None:
        self.reviewer = next(_reviewer_queue)
        self.headers = {"Authorization": f"Token {self.reviewer['token']}"}

    @task
    def review(self) -> None:
        listing = self.client.get(
            f"/api/reports/?period={self.reviewer['period']}&status=submitted&limit=20",
            headers=self.headers,
            name="review queue",
        )
        if listing.status_code != 200:
            return
        for report in listing.json().get("results", [])[:10]:
            with self.client.post(
                f"/api/reports/{report['id']}/transition/",
                json={"action": "approve"},
                headers=self.headers,
                name="approve",
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    RESULTS["approved"].append(report["id"])
                    response.success()
                else:
                    response.failure(f"approve: HTTP {response.status_code} {response.text[:200]}")


class Reader(HttpUser):
    wait_time = between(0.5, 1.5)
    fixed_count = 1 if PHASE == "baseline" else max(2, len(PLAN["readers"]) // 2)

    def on_start(self) -> None:
        self.client.cookies.set(PLAN["session_cookie"], PLAN["office_session"])

    @task(3)
    def progress(self) -> None:
        self.client.get(random.choice(PLAN["readers"])["progress"], name="进度表")

    @task(1)
    def ranking(self) -> None:
        self.client.get(random.choice(PLAN["readers"])["ranking"], name="ranking")

    @task(2)
    def dashboard(self) -> None:
        self.client.get(random.choice(PLAN["readers"])["dashboard"], name="dashboard")


@events.test_stop.add_listener
def _write_results(**_: Any) -> None:
    times = RESULTS.pop("submit_times")
    RESULTS["submit_span"] = (max(times) - min(times)) if times else 0.0
    times = RESULTS.pop("fill_times")
    RESULTS["fill_span"] = (max(times) - min(times)) if times else 0.0
    with open(os.environ["RUSH_RESULTS"], "w", encoding="utf-8") as handle:
        json.dump(RESULTS, handle)
