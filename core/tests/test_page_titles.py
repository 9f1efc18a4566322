"""Every main page's <title> is short plain text (a whole form once ended up inside /upkeep/'s title)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from core.tests.test_browser_a11y import _pages

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.fixture
def scene(month: dict[str, Any], office: Any, town_shitai: Any) -> dict[str, Any]:
    from reporting import services
    from responsibility import services as rs
    from responsibility.models import Letter
    from upkeep.services import asset_save

    program, project = month["program"], month["project"]
    report = services.report_open(
        actor=town_shitai, project=project, unit=month["shitai"], period=month["periods"][6]
    )
    rs.letters_draft_all(actor=office, program=program)
    asset = asset_save(
        actor=office,
        data={
            "project": project,
            "name": "石台镇危房改造档案",
            "location": "石台镇",
            "owner": "石台镇人民政府",
            "custodian": month["shitai"],
            "period_start": dt.date(2021, 1, 1),
        },
    )
    letter = Letter.objects.filter(program=program).first()
    return {"program": program, "project": project, "report": report, "letter": letter, "asset": asset}


def test_every_main_page_has_a_short_plain_text_title(client_for: Any, scene: dict[str, Any]) -> None:
    bad = []
    for persona, url in _pages(scene):
        response = client_for(persona).get(url)
        assert response.status_code == 200, f"{persona} {url}: {response.status_code}"
        html = response.content.decode()
        titles = TITLE.findall(html)
        assert len(titles) == 1, f"{url}: {len(titles)} <title> elements"
        title = " ".join(titles[0].split())
        if "<" in title or ">" in title or not title or len(title) > 80:
            bad.append(f"{persona} {url}: {title[:200]!r}")
    assert not bad, "titles that are not short plain text:\n" + "\n".join(bad)
