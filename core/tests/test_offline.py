"""Government intranets are closed: no page may point the browser at another host."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.templatetags.static import static

from catalogue.models import Program, Project

pytestmark = pytest.mark.django_db
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_pages_load_nothing_from_outside(client_for: Any) -> None:
    client = client_for("office")
    urls = [
        "/",
        "/programs/",
        "/orgs/",
        "/audit/",
        "/api/docs/",
        "/admin/",
        "/login/",
        "/reporting/",
        "/supervision/",
        "/upkeep/",
        "/disclosure/",
        "/proposals/",
        "/public/",
        "/programs/import/",
    ]
    urls += [f"/programs/{p.pk}/" for p in Program.objects.all()]
    project = Project.objects.filter(program__year=2021).first()
    urls += [
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/targets/",
        f"/public/projects/{project.pk}/",
        f"/public/programs/{project.program_id}/",
        f"/programs/{project.program_id}/responsibility/",
        f"/programs/{project.program_id}/letters/",
        f"/programs/{project.program_id}/diff/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not EXTERNAL.search(html), f"{url} refers to another host: {EXTERNAL.search(html).group(0)}"


def test_vendor_assets_are_served_locally(client: Any) -> None:
    html = client.get("/").content.decode()
    for asset in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/bootstrap.bundle.min.js",
    ):
        assert static(asset) in html  # the hashed name once collectstatic has run (make run)
