"""Default indicator sets per project kind (domain.md: how measures depend on the project type).

They are starting points that users adapt; each created indicator is marked ``is_default``.
"""

from __future__ import annotations

from catalogue.models import ProjectKind
from responsibility.models import Category

# name, unit, category, cumulative, additive
DEFAULT_INDICATORS: dict[str, list[tuple[str, str, str, bool, bool]]] = {
    ProjectKind.WORKS: [
        ("开工项目数", "个", Category.QUANTITY, True, True),
        ("完工项目数", "个", Category.QUANTITY, True, True),
        ("完成投资", "万元", Category.COST, True, True),
    ],
    ProjectKind.SUBSIDY: [
        ("补助人数", "人", Category.QUANTITY, True, True),
        ("补助资金发放", "万元", Category.COST, True, True),
    ],
    ProjectKind.INSURANCE: [
        ("参保人数", "人", Category.QUANTITY, False, True),
        ("筹集保费", "万元", Category.COST, True, True),
    ],
    ProjectKind.TRAINING: [("培训人数", "人", Category.QUANTITY, True, True)],
    ProjectKind.SERVICE: [("服务人数", "人", Category.QUANTITY, True, True)],
}
