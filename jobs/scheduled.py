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
from django.db import DatabaseError, connection, transaction
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


#: Consistency queries run on every database (each returns offending rows as (a, b, c) for the message): the
#: summaries against the reports they count, and rows linked across programs.
CONSISTENCY: list[tuple[str, str]] = [
    (
        "汇总表合计行的已确认报表数与报表不符：项目{0}，期次{1}（汇总{2}份）",
        """SELECT s.project_id, s.period_id, s.reports_confirmed FROM reporting_summary s
           WHERE s.unit_id IS NULL AND s.reports_confirmed <> (
               SELECT COUNT(*) FROM reporting_report r
               WHERE r.project_id = s.project_id AND r.period_id = s.period_id AND r.status = 'confirmed')""",
    ),
    (
        "报表{0}的项目与期次不属于同一年度计划（项目{1}，期次{2}）",
        """SELECT r.id, r.project_id, r.period_id FROM reporting_report r
           JOIN catalogue_project p ON p.id = r.project_id JOIN reporting_period d ON d.id = r.period_id
           WHERE p.program_id <> d.program_id""",
    ),
    (
        "汇总行{0}的项目与期次不属于同一年度计划（项目{1}，期次{2}）",
        """SELECT s.id, s.project_id, s.period_id FROM reporting_summary s
           JOIN catalogue_project p ON p.id = s.project_id JOIN reporting_period d ON d.id = s.period_id
           WHERE p.program_id <> d.program_id""",
    ),
]


def _btree_check(cursor: Any) -> tuple[list[str], str]:
    """PostgreSQL: every B-tree index of the project's schema through amcheck's ``bt_index_check`` (shared lock
    only; the extension is created once by the DBA: ``CREATE EXTENSION amcheck``). Without it, a note."""
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")
    if cursor.fetchone() is None:
        return [], "未安装 amcheck 扩展，未检查索引"
    cursor.execute(
        """SELECT c.oid, c.relname FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE a.amname = 'btree' AND n.nspname = current_schema() AND c.relpersistence <> 't'
             AND i.indisvalid AND i.indisready"""
    )
    problems = []
    indexes = cursor.fetchall()
    for oid, name in indexes:
        try:
            with transaction.atomic():  # a failed check must not abort the rest
                cursor.execute("SELECT bt_index_check(%s)", [oid])
        except DatabaseError as exc:
            problems.append(f"索引“{name}”损坏：{str(exc).splitlines()[0]}")
    return problems, f"已检查{len(indexes)}个索引"


@scheduled("integrity", _("夜间数据完整性检查"))
def integrity(job: Job, progress: Progress) -> dict[str, Any]:
    """SQLite: the file's own check and foreign keys. PostgreSQL (which enforces foreign keys itself): the
    B-tree indexes through amcheck. Both: the consistency queries of ``CONSISTENCY``."""
    problems: list[str] = []
    notes: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA quick_check")
            problems += [f"数据库文件检查：{row[0]}" for row in cursor.fetchall() if row[0] != "ok"]
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"表“{row[0]}”第{row[1]}行引用了不存在的“{row[2]}”" for row in cursor.fetchall()]
        elif connection.vendor == "postgresql":
            found, note = _btree_check(cursor)
            problems += found
            notes.append(note)
        for n, (message, sql) in enumerate(CONSISTENCY, 1):
            cursor.execute(sql)
            problems += [message.format(*row) for row in cursor.fetchmany(50)]
            progress(n, len(CONSISTENCY))
    if problems:
        raise ValidationError(problems[:50])
    return {"message": "；".join(["数据完整性检查通过", *notes])}


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
    for job in Job.objects.filter(finished_at__lt=keep).exclude(output=""):
        job.output.delete(save=False)  # a large export's file (jobs.exports)
        Job.objects.filter(pk=job.pk).update(output="")
    return {"message": f"已清理过期会话{sessions}个、API令牌{tokens}个、旧任务记录{results}条"}


@scheduled("backup", _("备份数据库和上传文件"))
def backup(job: Job, progress: Progress) -> dict[str, Any]:
    from core.backup import backup_write

    path, manifest = backup_write(output=None)
    rows = sum(manifest["tables"].values())
    return {
        "message": f"已备份{len(manifest['tables'])}个表共{rows}行、{len(manifest['files'])}个上传文件：{path.name}"
    }
