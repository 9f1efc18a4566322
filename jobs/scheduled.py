"""The scheduled jobs (see jobs.schedule): reminders before deadlines, the nightly summary rebuild and integrity
check, session and API token clean-up, the backup. Each returns a short result shown on the 定时任务 page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.schedule import scheduled
from jobs.services import write_once

Progress = Callable[[int, int], None]


@scheduled("reminders", _("截止前提醒（站内及邮件）"))
def reminders(job: Job, progress: Progress) -> dict[str, Any]:
    out = io.StringIO()
    with write_once(job) as once:  # the key first: a re-queued run of the same due time sends nothing again
        call_command("send_reminders", days=int(settings.MINSHENG_REMINDER_DAYS), stdout=out)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        once.result = {"message": f"提醒{sum('：' in line for line in lines)}条", "lines": lines[-50:]}
    return once.result


@scheduled("summaries", _("夜间重算汇总"))
def summaries(job: Job, progress: Progress) -> dict[str, Any]:
    from catalogue.models import Program, Project
    from reporting.models import Period
    from reporting.rollup import summary_refresh

    pairs = [
        (project_id, period.pk)
        for period in Period.objects.filter(is_open=True, program__status=Program.Status.PUBLISHED)
        for project_id in Project.objects.filter(program_id=period.program_id).values_list("pk", flat=True)
    ]
    for n, (project_id, period_id) in enumerate(pairs, 1):
        summary_refresh(project_id=project_id, period_id=period_id)  # one transaction per project × month
        if n % 20 == 0 or n == len(pairs):
            progress(n, len(pairs))
    return {"message": f"已重算{len(pairs)}个项目月份的汇总"}


@scheduled("integrity", _("夜间数据完整性检查"))
def integrity(job: Job, progress: Progress) -> dict[str, Any]:
    problems: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA quick_check")
            problems += [f"数据库文件检查：{row[0]}" for row in cursor.fetchall() if row[0] != "ok"]
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"表“{row[0]}”第{row[1]}行引用了不存在的“{row[2]}”" for row in cursor.fetchall()]
        else:
            cursor.execute("SELECT 1")
    if problems:
        raise ValidationError(problems[:50])
    return {"message": "数据完整性检查通过"}


@scheduled("cleanup", _("清理过期会话、API令牌和旧任务记录"))
def cleanup(job: Job, progress: Progress) -> dict[str, Any]:
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult
    from knox.models import AuthToken

    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    tokens, _ = AuthToken.objects.filter(expiry__lt=now).delete()
    keep = now - dt.timedelta(days=int(settings.JOBS_RESULTS_KEEP_DAYS))
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=keep).delete()
    Job.objects.filter(finished_at__lt=keep).exclude(input=None).update(input=None)
    return {"message": f"已清理过期会话{sessions}个、API令牌{tokens}个、旧任务记录{results}条"}


@scheduled("backup", _("备份数据库和上传文件"))
def backup(job: Job, progress: Progress) -> dict[str, Any]:
    from core.backup import backup_write

    path, manifest = backup_write(output=None)
    rows = sum(manifest["tables"].values())
    return {
        "message": f"已备份{len(manifest['tables'])}个表共{rows}行、{len(manifest['files'])}个上传文件：{path.name}"
    }
