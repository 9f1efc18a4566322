"""make demo opens only the months the demo year has reached: a town's to-do shows no future month as late."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "demo-pass-42"


@pytest.mark.django_db
def test_demo_opens_only_the_months_it_has_reached(settings: Any, tmp_path: Any) -> None:
    import datetime as dt

    from reporting.demo import demo_load

    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    result = demo_load(password=PASSWORD, today=dt.date(2021, 4, 15))
    periods = {p.month: p.is_open for p in result["program"].periods.all()}
    assert [m for m, is_open in sorted(periods.items()) if is_open] == [1, 2, 3, 4]
    town = get_user_model().objects.get(username="demo_town_shitai")
    from reporting.selectors import todo_items

    fill = next(i for i in todo_items(user=town, today=dt.date(2026, 12, 1)) if i.key == "reporting.fill")
    assert {part.label for part in fill.parts} <= {"1月", "2月", "3月", "4月"}
