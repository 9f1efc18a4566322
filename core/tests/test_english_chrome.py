"""Every main page rendered in English has no Chinese left in its chrome (labels, headings, buttons, titles).

Chrome is told from data by subtraction: every text value stored in the database (organisation and project
names, the notice's official text, user-typed text, audit values — every CharField, TextField and the strings
inside every JSONField of every model) is data, and is removed from the page's visible text before looking for
Chinese. What is left was written by the code, so it must be translated. See docs/i18n.md.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test.utils import override_settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
#: Han ideographs.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Attributes a reader or a screen reader meets.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "data-confirm"}
#: The Excel templates' sheet names are the files' own identifiers (Chinese whatever the page's language).
SHEET_NAMES = {"目标", "资金", "说明"}
#: The stored strings behind each data pattern (for text shown cut short).
STORED: dict[re.Pattern[str], list[str]] = {}
SKIPPED_APPS = {"sessions", "axes", "admin", "contenttypes", "auth"}


class _Chrome(HTMLParser):
    """The visible text nodes and shown attributes of a page, outside <script> and <style> and outside elements
    that declare themselves Chinese (``lang="zh-hans"``, e.g. the language menu's 简体中文)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped)

    @property
    def _skip(self) -> bool:
        return any(skipped for _, skipped in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = dict(attrs)
        skipped = tag in ("script", "style") or (shown.get("lang") or "").lower().startswith("zh")
        if tag not in VOID:
            self._open.append((tag, skipped))
        if skipped or self._skip:
            return
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or (name == "value" and tag in ("button", "input"))):
                self.texts.append(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def data_strings() -> re.Pattern[str]:
    """One pattern matching every stored text value that holds a Chinese character (longest first)."""
    found: set[str] = set()
    chrome = {entry.msgid for entry in polib.pofile(str(PO))}
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS and model._meta.model_name != "user":
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
        ]
        if not fields:
            continue
        json = [isinstance(model._meta.get_field(name), models.JSONField) for name in fields]
        for row in model._base_manager.values_list(*fields):
            for value, is_json in zip(row, json, strict=True):
                for text in _strings(value):
                    if is_json and text in chrome:
                        continue  # a label the code stored in a snapshot or an audit payload (牵头, 镇)
                    # Stored text shows as typed, one line at a time, or with its whitespace collapsed.
                    for piece in [text, " ".join(text.split()), *text.splitlines()]:
                        piece = piece.strip()
                        if HAN.search(piece):
                            found.add(piece)
    from catalogue.models import Program

    for program in Program.objects.all():
        # The program's name and the notice's official title are official text, built from the stored data.
        found |= {program.display_title, f"{program.issuer_name}关于{program.display_title}的通知"}
    from evaluation.models import Scheme

    for bands in Scheme.objects.values_list("bands", flat=True):
        # 档次 names are the office's configured data even when they read like a label of the code (优秀).
        found |= {str(b.get("label", "")) for b in bands or [] if HAN.search(str(b.get("label", "")))}
    found |= SHEET_NAMES
    ordered = sorted(found, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in ordered))
    STORED[pattern] = ordered
    return pattern


def _without_truncated_data(text: str, data: re.Pattern[str]) -> str:
    """Takes off a long stored text cut short for display ("…") after its label: ``开头语： 为全面贯彻…``."""
    if not text.endswith("…"):
        return text
    for i in range(len(text)):
        if i and text[i - 1] not in " ：:":
            continue
        start = text[i:-1].strip()
        if len(start) >= 10 and any(stored.startswith(start) for stored in STORED.get(data, ())):
            return text[:i]
    return text


WIDE_COLON = re.compile(r"[A-Za-z]：")  # an English label glued to the Chinese separator: use {% colon %}


def chinese_chrome(html: str, data: re.Pattern[str]) -> list[str]:
    """The pieces of visible text that still hold Chinese once the stored data is taken out."""
    parser = _Chrome()
    parser.feed(html)
    left = []
    for text in parser.texts:
        text = " ".join(text.split())
        if not HAN.search(text) and not WIDE_COLON.search(text):
            continue
        rest = data.sub("", _without_truncated_data(text, data))
        if HAN.search(rest) or WIDE_COLON.search(rest):
            left.append(text if len(text) < 160 else text[:160] + "…")
    return left


def _assessment_run(program: Any) -> int:
    """The demo year's assessment run (the 考评 demo made on first use when the reporting demo has none)."""
    from evaluation.demo import assessment_demo
    from evaluation.models import Run

    run = Run.objects.filter(scheme__program=program).first()
    if run is None:
        assessment_demo(program=program, office=get_user_model().objects.get(username="demo_office"))
        run = Run.objects.get(scheme__program=program)
    return run.pk


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The living 示例 year (make demo, as of mid-July 2021) plus a finished job — rolled back at the end."""
    from jobs.models import Job
    from reporting.demo import demo_load
    from reporting.models import Report
    from responsibility.models import Letter
    from supervision.models import Finding, Inspection
    from upkeep.models import Asset

    var = tmp_path_factory.mktemp("english-var")
    override = override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media")
    with django_db_blocker.unblock():
        override.enable()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            loaded = demo_load(password="english-pass-1", today=dt.date(2021, 7, 15))
            program = loaded["program"]
            office = get_user_model().objects.get(username="t_office")
            job = Job.objects.create(
                kind="reporting.excel",
                title="Excel",
                status=Job.Status.SUCCEEDED,
                done=3,
                total=3,
                created_by=office,
                return_url=f"/reporting/{program.pk}/6/fill/",
            )
            project = program.projects.filter(name="农村危房改造").first() or program.projects.first()
            yield {
                "p": program.pk,
                "project": project.pk,
                "report": Report.objects.filter(period__program=program, period__month=6, unit__code="shitai")
                .first()
                .pk,
                "letter": Letter.objects.get(program=program, organisation__code="shitai").pk,
                "finding": Finding.objects.first().pk,
                "inspection": Inspection.objects.first().pk,
                "asset": Asset.objects.first().pk,
                "job": job.pk,
                "org": project.lead_department_id,
                "run": _assessment_run(program),
                "data": data_strings(),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            override.disable()


PAGES: dict[str, list[str]] = {
    "anon": [
        "/public/",
        "/public/programs/{p}/",
        "/public/projects/{project}/",
        "/public/bulletins/",
        "/login/",
    ],
    "admin": [
        "/",
        "/users/",
        "/users/new/",
        "/users/import/",
        "/audit/",
        "/orgs/",
        "/orgs/{org}/",
        "/reporting/tree/2021/6/",
    ],
    "office": [
        "/",
        "/programs/",
        "/programs/{p}/",
        "/programs/{p}/diff/",
        "/programs/{p}/derivation/",
        "/programs/derive/",
        "/projects/{project}/levels/",
        "/programs/{p}/fiscal/",
        "/programs/{p}/responsibility/",
        "/programs/{p}/letters/",
        "/programs/{p}/assessment/",
        "/assessment/runs/{run}/incentives/",
        "/programs/{p}/targets/import/",
        "/projects/{project}/",
        "/projects/{project}/targets/",
        "/letters/{letter}/",
        "/reporting/",
        "/reporting/{p}/periods/",
        "/reporting/{p}/6/progress/",
        "/reporting/{p}/6/ranking/",
        "/reporting/{p}/6/overdue/",
        "/reporting/{p}/6/review/",
        "/reports/{report}/",
        "/supervision/",
        "/supervision/supervisors/",
        "/supervision/inspections/{inspection}/",
        "/supervision/findings/{finding}/",
        "/upkeep/",
        "/upkeep/assets/{asset}/",
        "/disclosure/",
        "/alerts/",
        "/alerts/rules/",
        "/surveys/",
        "/proposals/",
        "/users/",
        "/audit/",
        "/jobs/{job}/",
        "/bulletins/",
        "/password/",
    ],
    "dept_health": [
        "/",
        "/reporting/{p}/6/review/",
        "/reporting/{p}/6/fill/",
        "/projects/{project}/targets/",
    ],
    "town_shitai": [
        "/",
        "/reporting/{p}/6/fill/",
        "/reports/{report}/",
        "/programs/{p}/letters/",
        "/programs/{p}/assessment/",
        "/letters/{letter}/",
        "/supervision/",
        "/upkeep/",
        "/disclosure/",
    ],
    "supervisor": ["/", "/supervision/", "/supervision/inspections/new/"],
    "leader": [
        "/",
        "/programs/{p}/",
        "/reporting/{p}/6/progress/",
        "/reporting/{p}/6/ranking/",
        "/dashboard/{p}/6/",
    ],
    "city_office": ["/dashboard/"],  # the city's dashboard of its districts
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", PAGES)
def test_main_pages_in_english_have_no_chinese_chrome(
    world: dict[str, Any], client_for: Any, who: str
) -> None:
    client = client_for(who)
    if who == "supervisor":  # the demo's supervisor is the one on the roster (may file an inspection)
        client.force_login(get_user_model().objects.get(username="demo_supervisor"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    found = []
    for pattern in PAGES[who]:
        url = pattern.format(**world)
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        assert response.headers["Content-Language"] == "en"
        found += [f"{url}: {text!r}" for text in chinese_chrome(response.content.decode(), world["data"])]
    assert not found, f"Chinese left in the English chrome ({who}):\n" + "\n".join(dict.fromkeys(found))


def test_the_check_finds_chinese_chrome_and_spares_data() -> None:
    data = re.compile(re.escape("石台镇"))
    page = (
        '<title>Fill – 石台镇</title><p title="保存">Saved</p><script>var a = "中文";</script><td>2021年</td>'
    )
    assert chinese_chrome(page, data) == ["保存", "2021年"]
    assert chinese_chrome("<p>Lead unit：石台镇</p><p>Lead unit: 石台镇</p>", data) == ["Lead unit：石台镇"]
