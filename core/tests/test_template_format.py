"""Templates stay formatted: one element a line (djLint), in the directories already formatted.

The directories are listed in pyproject.toml ([tool.minsheng].formatted_templates); the line limit is djLint's
``max_line_length``. A longer line is allowed only when it holds one element whose text cannot be broken (a line
break between inline content shows as a space) — never a second block-level element or a form control."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DIRS = CONFIG["tool"]["minsheng"]["formatted_templates"]
LIMIT = CONFIG["tool"]["djlint"]["max_line_length"]
HARD_LIMIT = 300
BLOCK_OR_CONTROL = re.compile(
    r"<(?:address|article|aside|blockquote|caption|dd|details|div|dl|dt|fieldset|figure|footer|form|h[1-6]|header|"
    r"hr|input|legend|li|main|nav|ol|option|p|section|select|summary|table|tbody|td|textarea|tfoot|th|thead|tr|ul)\b"
)


def _templates() -> list[Path]:
    return sorted(p for d in DIRS for p in (ROOT / d).rglob("*.html"))


def test_formatted_directories_exist() -> None:
    assert DIRS and all((ROOT / d).is_dir() for d in DIRS)


def test_no_template_line_holds_more_than_one_element_past_the_limit() -> None:
    crowded = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            blocks = len(BLOCK_OR_CONTROL.findall(line))
            if len(line) > HARD_LIMIT or (len(line) > LIMIT and blocks > 1):
                crowded.append(
                    f"{path.relative_to(ROOT)}:{number}: {len(line)} characters, {blocks} elements"
                )
    assert not crowded, "reformat with `make format` (djLint), or split by hand:\n" + "\n".join(crowded)


def test_djlint_finds_the_templates_formatted_and_clean() -> None:
    pytest.importorskip("djlint")
    for mode in ("--check", "--lint"):
        result = subprocess.run(
            [sys.executable, "-m", "djlint", *DIRS, mode, "--configuration", "pyproject.toml"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-3000:]


def _split(text: str) -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("template_split", ROOT / "scripts" / "template_split.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.split(text)


def test_splitter_breaks_only_where_a_break_cannot_show() -> None:
    # between blocks and statements next to blocks: whitespace there collapses
    assert _split("<ul>{% for x in xs %}<li>{{ x }}</li>{% endfor %}</ul>") == (
        "<ul>\n{% for x in xs %}\n<li>{{ x }}</li>\n{% endfor %}\n</ul>"
    )
    # text, values and inline elements that touch stay touching (a break would show as a space)
    for text in (
        "<p>{{ a }}{% if b %}、{% endif %}{{ c }}</p>",
        "<li><a href='/x'>{{ a }}</a></li>",
        "<span>{% translate 'a' %}</span>{% if x %}<span>b</span>{% endif %}",
    ):
        assert _split(text) == text
    # blocktranslate bodies are never touched
    body = "{% blocktranslate %}<div>{{ n }}</div><div>x</div>{% endblocktranslate %}"
    assert _split(body) == body
