"""The daily alert digest: a scheduled job (jobs.schedule, "alert_digest" in MINSHENG_SCHEDULE) run on the task
engine. It computes each government's alerts once (on its own program), then each active staff user's share of it (alerts.rules.alert_visible), and
writes the user's digest row (shown on the home page's to-do) and, where mail is configured, an e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.schedule import scheduled


@scheduled("alert_digest", _("每日预警摘要"))
def alert_digest(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    from alerts.rules import alerts_of_own_government
    from alerts.selectors import alert_program, alerts_all, alerts_for
    from alerts.services import digest_write

    today = timezone.localdate()
    computed: dict[int, list[Any]] = {}  # each government's program computed once, whoever reads it

    def share(user: Any) -> list[Any]:
        program = alert_program(user)
        if program is None or not alerts_of_own_government(user, program):
            return []
        if program.pk not in computed:
            computed[program.pk] = alerts_all(program=program, today=today)
        return alerts_for(user=user, every=computed[program.pk])

    users = list(
        get_user_model()
        .objects.filter(is_active=True, membership__isnull=False)
        .select_related("membership")
        .order_by("pk")
    )
    written = mailed = 0
    for n, user in enumerate(users, 1):
        digest = digest_write(user=user, day=today, alerts=share(user))
        if digest is not None:
            written += 1
            mailed += int(digest.emailed)
        if n % 20 == 0 or n == len(users):
            progress(n, len(users))
    found = sum(len(alerts) for alerts in computed.values())
    return {"message": f"预警{found}项，写入摘要{written}份，发送邮件{mailed}封"}
