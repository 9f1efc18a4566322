"""One labelled demo account (示例账号) per role, for trying the system. Never run by `make run`."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.files import write_private
from orgs.models import Organisation, Role
from orgs.services import membership_grant

#: username, display name, organisation code, role
DEMO_ACCOUNTS = [
    ("demo_admin", "示例·系统管理员", "msb", Role.ADMIN),
    ("demo_office", "示例·民生办", "msb", Role.OFFICE),
    ("demo_dept_health", "示例·区卫健委", "wjw", Role.DEPARTMENT),
    ("demo_town_shitai", "示例·石台镇", "shitai", Role.TOWN),
    ("demo_supervisor", "示例·特邀监督员", "supervisors", Role.SUPERVISOR),
    ("demo_leader", "示例·区领导", "gov", Role.LEADER),
]


class Command(BaseCommand):
    help = "为每个角色创建一个示例账号（示例数据，仅供试用；生产环境请勿使用）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", help="示例账号的共同密码（默认随机生成）")

    @transaction.atomic
    def handle(self, *args: Any, password: str | None, **options: Any) -> None:
        if os.environ.get("MINSHENG_PRODUCTION", "").lower() in {"1", "true", "yes"}:
            raise CommandError("生产环境（MINSHENG_PRODUCTION=1）不创建示例账号。")
        password = password or secrets.token_urlsafe(9)
        User = get_user_model()
        lines = []
        for username, label, org_code, role in DEMO_ACCOUNTS:
            try:
                org = Organisation.objects.get(code=org_code)
            except Organisation.DoesNotExist as exc:
                raise CommandError(f"找不到单位 {org_code}：请先运行 load_reference_data") from exc
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = label
            user.is_superuser = role == Role.ADMIN
            user.set_password(password)
            user.save()
            membership_grant(
                actor=None, user=user, organisation=org, role=role, is_demo=True, reason="创建示例账号"
            )
            lines.append(f"  {username:<18} {label}（{org.name}）")
        path = settings.VAR_DIR / "demo-accounts.txt"
        write_private(path, "示例账号（仅供试用）\n" + "\n".join(lines) + f"\n密码 password: {password}\n")
        self.stdout.write(self.style.WARNING("已创建示例账号（示例数据，仅供试用）："))
        self.stdout.write("\n".join(lines))
        self.stdout.write(f"  共同密码 password: {password}\n  （已保存到 {path}）")
