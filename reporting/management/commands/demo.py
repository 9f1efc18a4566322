"""``make demo``: a living, labelled 示例 year on the reference program (see reporting.demo). Never run by `make run`."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from evaluation.demo import evaluation_demo
from reporting import demo
from surveys.demo import surveys_demo


class Command(BaseCommand):
    help = "在参考年度计划上生成一整年的示例数据（示例账号、目标、资金、填报、监督、管护、公示）；生产环境拒绝执行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", help="示例账号的共同密码（默认随机生成）")
        parser.add_argument(
            "--prepare", action="store_true", help="先执行 migrate 和 load_reference_data（make demo 使用）"
        )

    def handle(self, *args: Any, password: str | None, prepare: bool, **options: Any) -> None:
        try:
            demo.refuse_in_production()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if prepare:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_reference_data", stdout=self.stdout)
        started = time.monotonic()
        try:
            result = demo.demo_load(password=password)
        except demo.DemoRefused as exc:
            path = settings.VAR_DIR / "demo-accounts.txt"
            self.stdout.write(self.style.WARNING(str(exc)))
            if path.exists():
                self.stdout.write(f"示例账号和密码见 {path}")
            return
        program = result["program"]
        result["counts"] = evaluation_demo(program=program)  # the performance tables (evaluation/demo.py)
        result["counts"] = surveys_demo(program=program)  # the survey waves (surveys/demo.py)
        path = demo.accounts_save(program, result["password"])
        self.stdout.write(
            self.style.WARNING(
                f"已生成示例数据（{program.year}年，1—{result['months']}月，全部标注“示例”，"
                f"用 make demo-clear 删除），用时 {time.monotonic() - started:.1f} 秒："
            )
        )
        for label, n in result["counts"].items():
            self.stdout.write(f"  {label:<28} {n}")
        self.stdout.write("示例账号：")
        self.stdout.write("\n".join(demo.accounts_listing(program)))
        self.stdout.write(f"  共同密码 password: {result['password']}\n  （已保存到 {path}）")
