"""Create the first system administrator once, with a random password printed once and kept under var/."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.files import write_private


class Command(BaseCommand):
    help = "创建初始系统管理员（仅在没有管理员时），随机密码只显示一次并保存在 var/ 下"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        User = get_user_model()
        path = settings.VAR_DIR / "initial-admin-password.txt"
        if User.objects.filter(is_superuser=True).exists():
            hint = f"；初始密码保存在 {path}" if path.exists() else ""
            self.stdout.write(f"系统管理员已存在{hint}。")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, password=password, email="")
        write_private(path, f"username: {username}\npassword: {password}\n")
        self.stdout.write(self.style.SUCCESS("已创建初始系统管理员（此密码只显示这一次，并已保存到 var/）："))
        self.stdout.write(
            f"  用户名 username: {username}\n  密码   password: {password}\n  文件   file:     {path}"
        )
