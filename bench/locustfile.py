"""Locust users of the deadline-day rush (started by bench/rush.py, which writes the plan; not for hand use).

- ``Unit``: one per simulated unit (and period): opens its fill page, types a value into every indicator and a
  情况说明, saves (``fill``), then submits (``submit``) — the form posted back as served (hidden fields, versions,
  CSRF); then only re-reads its page now and then (``fill page``, every 15–30 s).
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

import gevent
from locust import HttpUser, between, events, task

from bench.forms import form_fields

PLAN = json.loads(open(os.environ["RUSH_PLAN"], encoding="utf-8").read())
PHASE = os.environ.get("RUSH_PHASE", "rush")
# baseline: one user alone, filling its unit's few periods one after the other (the unloaded figures);
# rush: one user per unit of the rushing districts; capacity: one user per unit and period of the capacity plan,
# no pause until it has submitted (the server saturated: the submit throughput); floor: the capacity's units
# again, alone, against a fill page that does no work (bench/floor_urls.py: the ceiling)
if PHASE == "baseline":
    _assignments = [PLAN["baseline"]]
else:
    # the floor's cycle is short: each unit goes round it a few times
    rounds = int(PLAN.get("floor_rounds", 1)) if PHASE == "floor" else 1
    _assignments = [
        [entry] * rounds for entry in PLAN["capacity" if PHASE in ("capacity", "floor") else "units"]
    ]
_unit_queue = iter(enumerate(_assignments))
# the rush's units arrive one after the other at this rate (the deadline's last hour), the capacity's all at once
ARRIVALS_PER_S = float(PLAN.get("arrivals_per_s") or 0)
_reviewer_queue = itertools.cycle(PLAN["reviewers"][:1] if PHASE == "baseline" else PLAN["reviewers"])
RESULTS: dict[str, Any] = {
    "units": [],
    "approved": [],
    "submitted_reports": 0,
    "submit_times": [],
    "fill_times": [],
}
_pending = [len(_assignments)]  # users that have not submitted all their periods yet


class Unit(HttpUser):
    fixed_count = len(_assignments)

    def wait_time(self) -> float:
        if self.done:  # a unit that has submitted looks at its page now and then, not every second
            return random.uniform(15, 30)
        return 0.0 if PHASE in ("capacity", "floor") else random.uniform(0.5, 2)

    def on_start(self) -> None:
        index, todo = next(_unit_queue)
        self.todo = list(todo)
        self.client.cookies.set(PLAN["session_cookie"], self.todo[0]["session"])
        self.done = False
        if PHASE == "rush" and ARRIVALS_PER_S:
            gevent.sleep(index / ARRIVALS_PER_S)

    def _post(self, url: str, fields: list[tuple[str, str]], action: str, name: str) -> bool:
        csrf = self.client.cookies.get("csrftoken", "")
        data = [*fields, ("action", action)]
        with self.client.post(
            url,
            data=data,
            headers={"X-CSRFToken": csrf, "Referer": self.host + url},
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
        unit = self.todo[0]
        page = self.client.get(unit["fill"], name="fill page")
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
        if not self._post(unit["fill"], typed, "save", "fill"):
            return
        entry = [unit["key"], value, False]  # other users append meanwhile (gevent): keep our own
        RESULTS["units"].append(entry)
        again = self.client.get(unit["fill"], name="fill page")
        started = time.time()
        if self._post(unit["fill"], form_fields(again.text), "submit", "submit"):
            entry[2] = True
            RESULTS["submitted_reports"] += sum(1 for n, _ in typed if n.endswith("-version"))
            ended = time.time()
            RESULTS["submit_times"] += [started, ended]
            RESULTS["fill_times"] += [saving, ended]  # the same work as the raw-SQL limit: save, then submit
        if len(self.todo) > 1:  # the baseline's user: its next period
            self.todo.pop(0)
            return
        self.done = True
        _pending[0] -= 1
        if PHASE in ("capacity", "floor") and not _pending[0]:
            self.environment.runner.quit()  # every capacity unit has submitted: the span is complete


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
