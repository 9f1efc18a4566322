"""Templates decide nothing by role: no role names, no Actor attributes — they ask the policy (templatetags/policy)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROLE_CHECK = re.compile(
    r"\{%[^%]*(\bactor\.|is_manager|is_staff_wide|org_ids|membership\.role"
    r"|role\s*(==|!=|in)\s*['\"](admin|office|department|town|supervisor|leader|public)['\"])[^%]*%\}"
)


def test_no_template_branches_on_a_role() -> None:
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}: {m.group(0)}"
        for path in root.glob("*/templates/**/*.html")
        if ".venv" not in path.parts
        for m in ROLE_CHECK.finditer(path.read_text(encoding="utf-8"))
    ] + [
        f"{path.relative_to(root)}: {m.group(0)}"
        for path in (root / "templates").glob("**/*.html")
        for m in ROLE_CHECK.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
