"""Remind units of reports due or overdue (run daily from cron or a systemd timer).

In-app reminders appear on every user's home page anyway; this command also sends e-mail through Django's mail
settings (EMAIL_HOST …) to the users of units that still owe reports, when those settings are configured.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from catalogue.models import Program
from orgs.models import Membership
from reporting.models import Report, Status
from reporting.rollup import expected_reports


class Command(BaseCommand):
    help = "提醒尚未报送的单位（截止前N天及逾期）；配置了邮件时同时发送邮件"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=3, help="截止前几天开始提醒")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        today = timezone.localdate()
        messages = []
        for program in Program.objects.filter(
            status=Program.Status.PUBLISHED, periods__is_open=True
        ).distinct():
            for period in program.periods.filter(is_open=True, deadline__lte=today + dt.timedelta(days=days)):
                done = set(
                    Report.objects.filter(period=period)
                    .exclude(status__in=(Status.DRAFT, Status.RETURNED))
                    .values_list("project_id", "unit_id")
                )
                owing: dict[int, int] = {}
                for pair in expected_reports(program):
                    if pair not in done:
                        owing[pair[1]] = owing.get(pair[1], 0) + 1
                for membership in Membership.objects.filter(organisation_id__in=owing).select_related(
                    "user", "organisation"
                ):
                    state = "已逾期" if today > period.deadline else f"将于{period.deadline:%Y-%m-%d}截止"
                    text = f"{membership.organisation.name}：{program.year}年{period.label}还有{owing[membership.organisation_id]}份报表未提交，{state}。"
                    self.stdout.write(text)
                    if membership.user.email:
                        messages.append(
                            (f"[{settings.SITE_TITLE}] 报表提醒", text, None, [membership.user.email])
                        )
        smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        configured = bool(settings.EMAIL_HOST) or not smtp
        if messages and not dry_run and configured:
            sent = send_mass_mail(messages, fail_silently=False)
            self.stdout.write(f"已发送 {sent} 封邮件")
        elif messages:
            self.stdout.write(
                f"{len(messages)} 封邮件未发送（{'试运行' if dry_run else '未配置邮件服务器 EMAIL_HOST'}）"
            )
