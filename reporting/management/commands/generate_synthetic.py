"""python manage.py generate_synthetic --scale county|province  (示例 data, labelled, for benchmarks): reports,
then the newest year's assessment scheme and survey data (evaluation.synthetic)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reporting.synthetic import SCALES, generate


class Command(BaseCommand):
    help = "生成带“示例”标记的合成数据：county（一个区，5年）或 province（约100个区、约100万份报表）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="county")
        for name in ("districts", "years", "months", "units"):
            parser.add_argument(f"--{name}", type=int, help="覆盖该规模的默认值")
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args: Any, scale: str, seed: int, **options: Any) -> None:
        params = dict(SCALES[scale])
        params.update({k: options[k] for k in ("districts", "years", "months", "units") if options.get(k)})
        started = time.perf_counter()

        def progress(done: int, total: int, counts: Any) -> None:
            self.stdout.write(
                f"  {done}/{total} 个示例区，已生成报表 {counts.reports:,} 份（{time.perf_counter() - started:.0f} 秒）"
            )

        try:
            counts = generate(seed=seed, progress=progress, **params)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        from evaluation.synthetic import generate as assessment_data

        assessed = assessment_data(seed=seed)
        self.stdout.write(f"  考评和满意度调查示例数据：{assessed} 个年度计划")
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成示例数据：{counts.districts} 个区、{counts.programs} 个年度计划、{counts.projects:,} 个项目、"
                f"{counts.reports:,} 份报表，用时 {time.perf_counter() - started:.1f} 秒"
            )
        )
