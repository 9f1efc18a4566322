"""Load (or refresh) the default organisations and the reference programs of 杜集区."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from catalogue.reference_data import reference_data_load
from catalogue.reference_lineage import lineage_load

LABELS = {
    "organisations": "组织机构",
    "programs": "年度计划",
    "projects": "项目",
    "content_items": "建设内容",
    "changes": "项目变化",
    "derivations": "逐项采纳情况",
}


class Command(BaseCommand):
    help = "装入参考数据：杜集区默认组织机构、2021年民生工程（淮杜政〔2021〕21号）和推定重建的2020年计划，以及推定重建的安徽省、淮北市计划（杜集区计划由其逐项生成）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_data_load()
        upper = lineage_load()
        self.stdout.write(self.style.SUCCESS("参考数据已装入（可重复执行，未变化的记录不会改写）："))
        self._counts(counts)
        self.stdout.write("安徽省、淮北市计划（推定重建）及杜集区计划的逐项采纳情况：")
        self._counts(upper)

    def _counts(self, counts: dict[str, dict[str, int]]) -> None:
        for key, label in LABELS.items():
            if key not in counts:
                continue
            c = counts[key]
            self.stdout.write(
                f"  {label}：新建 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}"
                f"  ({key}: created={c['created']} updated={c['updated']} unchanged={c['unchanged']})"
            )
