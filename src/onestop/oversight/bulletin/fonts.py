"""Finding a Chinese TrueType font on the system, for the PDF (embedded) and the charts.

Order: ``ONESTOP_CJK_FONT`` (a path), then what fontconfig knows for Chinese (``fc-list :lang=zh``, the
known good families first), then well-known paths (Debian's fonts-wqy-microhei, which CI installs). The PDF
needs TrueType outlines: OpenType/CFF fonts (.otf, Noto CJK) cannot be embedded by reportlab, so they are
not offered. No font is an error that says what to install, never a PDF of empty boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from onestop.oversight.errors import FontNotFound

ENV = "ONESTOP_CJK_FONT"
KNOWN_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)
PREFERRED = ("wqy-microhei", "wqy-zenhei", "simhei", "simsun", "uming", "droidsansfallback")
TRUETYPE = (".ttf", ".ttc")


def _fontconfig() -> list[Path]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]

    def preference(path: Path) -> tuple[int, str]:
        name = path.name.lower()
        found = [i for i, word in enumerate(PREFERRED) if word in name]
        return (found[0] if found else len(PREFERRED), name)

    return sorted(files, key=preference)


def candidates() -> list[Path]:
    """Existing TrueType files that may hold Chinese, best first (the environment's choice first)."""
    found: list[Path] = []
    chosen = os.environ.get(ENV)
    if chosen:
        found.append(Path(chosen))
    found += _fontconfig()
    found += [Path(p) for p in KNOWN_PATHS]
    out: list[Path] = []
    for path in found:
        if path.suffix.lower() in TRUETYPE and path.is_file() and path not in out:
            out.append(path)
    return out


@cache
def cjk_font() -> Path:
    """The Chinese TrueType font to use; ``FontNotFound`` if the system has none."""
    chosen = os.environ.get(ENV)
    if chosen and not Path(chosen).is_file():
        raise FontNotFound(f"环境变量 {ENV} 指定的字体文件不存在：{chosen}", field=ENV)
    found = candidates()
    if not found:
        raise FontNotFound(
            "未找到中文 TrueType 字体（.ttf/.ttc），无法生成带中文的 PDF 和图表。"
            f"请安装 fonts-wqy-microhei（apt-get install fonts-wqy-microhei），或用环境变量 {ENV} 指定字体文件。",
            field=ENV,
        )
    return found[0]
