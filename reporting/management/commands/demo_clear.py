"""``make demo-clear``: delete exactly the rows ``make demo`` created (reference and real data stay as they are)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.sample import SampleError
from reporting import demo


class Command(BaseCommand):
    help = "删除 make demo 生成的全部示例数据（只删示例数据，参考数据和真实数据不变）；生产环境拒绝执行"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            removed = demo.demo_clear()
        except (demo.DemoRefused, SampleError) as exc:
            raise CommandError(str(exc)) from exc
        (settings.VAR_DIR / "demo-accounts.txt").unlink(missing_ok=True)
        if not removed:
            self.stdout.write("没有示例数据。")
            return
        self.stdout.write(self.style.WARNING(f"已删除示例数据 {sum(removed.values())} 条："))
        for label, n in removed.items():
            self.stdout.write(f"  {label:<28} {n}")
