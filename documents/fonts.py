"""Resolve the official font names to font files through fontconfig (documents/fontconfig/minsheng-fonts.conf).

Licensed fonts in ``MINSHENG_FONT_DIR`` (default ``var/fonts``) win: that folder is scanned first, so a font
whose family is the official name is matched before the free substitutes."""

from __future__ import annotations

import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings

CONF = Path(__file__).resolve().parent / "fontconfig" / "minsheng-fonts.conf"
PACKAGES = {
    "仿宋_GB2312": "fonts-arphic-uming",
    "方正小标宋简体": "fonts-arphic-uming",
    "宋体": "fonts-arphic-uming",
    "楷体_GB2312": "fonts-arphic-ukai",
    "黑体": "fonts-wqy-zenhei",
}
TRUETYPE = (".ttf", ".ttc")


class FontMissing(RuntimeError):
    pass


def font_dir() -> Path:
    return Path(os.environ.get("MINSHENG_FONT_DIR") or Path(settings.VAR_DIR) / "fonts")


@cache
def _config() -> str:
    """A fontconfig file: the licensed-font folder first, then our aliases (which include the system config)."""
    folder = font_dir()
    text = CONF.read_text(encoding="utf-8")
    if folder.is_dir():
        text = text.replace("<fontconfig>", f"<fontconfig>\n  <dir>{folder}</dir>", 1)
    path = Path(tempfile.gettempdir()) / f"minsheng-fonts-{os.getuid()}.conf"
    path.write_text(text, encoding="utf-8")
    return str(path)


@cache
def resolve_font_file(official: str) -> tuple[str, int]:
    """(file, face index) of the TrueType font that renders ``official`` (e.g. "仿宋_GB2312")."""
    env = dict(os.environ, FONTCONFIG_FILE=_config())
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", f"{official}:lang=zh-cn"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FontMissing("找不到 fc-match（请安装 Debian 软件包 fontconfig）") from exc
    path, index = out[0].strip(), int(out[1] or 0) if len(out) > 1 and out[1].strip().isdigit() else 0
    if not path.lower().endswith(TRUETYPE) or not _has_cjk(path):
        package = PACKAGES.get(official, "fonts-arphic-uming")
        raise FontMissing(
            f"找不到可用于“{official}”的中文 TrueType 字体，请安装 Debian 软件包 {package}，"
            f"或把授权字体放入 {font_dir()}"
        )
    return path, index


def _has_cjk(path: str) -> bool:
    name = Path(path).name.lower()
    return any(
        k in name for k in ("uming", "ukai", "wqy", "zenhei", "fang", "song", "kai", "hei", "simsun", "fz")
    ) or Path(path).is_relative_to(font_dir())
