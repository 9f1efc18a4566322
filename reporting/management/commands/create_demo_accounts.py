"""Only the labelled demo accounts (示例账号), without the demo year; ``make demo`` makes both."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import sample
from reporting import demo


class Command(BaseCommand):
    help = "只创建示例账号（每个角色、每个牵头部门、每个镇街一个；示例数据，仅供试用；生产环境拒绝执行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", help="示例账号的共同密码（默认随机生成）")

    @transaction.atomic
    def handle(self, *args: Any, password: str | None, **options: Any) -> None:
        try:
            demo.refuse_in_production()
            program = demo.reference_program()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        password = password or secrets.token_urlsafe(9)
        with sample.recording():
            demo.accounts_create(program=program, password=password)
        path = demo.accounts_save(program, password)
        self.stdout.write(self.style.WARNING("已创建示例账号（示例数据，仅供试用）："))
        self.stdout.write("\n".join(demo.accounts_listing(program)))
        self.stdout.write(f"  共同密码 password: {password}\n  （已保存到 {path}）")
