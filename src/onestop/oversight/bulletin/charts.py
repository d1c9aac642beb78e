"""The bulletin's charts, drawn by matplotlib with an explicit Chinese font (never a guessed default).

The Agg canvas is used directly (no pyplot, no global backend switch), so drawing is safe in a web worker
thread and leaves the process's matplotlib state alone. Each chart comes as PNG (docx, pdf) or SVG (pages;
text drawn as paths, so the browser needs no Chinese font).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from onestop.oversight.bulletin.figures import Bulletin
from onestop.oversight.bulletin.fonts import cjk_font
from onestop.oversight.scorecard import Scorecard

Format = Literal["png", "svg"]
RED, BLUE, GREEN, GRAY = "#c0392b", "#2e6fb7", "#3c8d40", "#999999"


def _font(size: float = 9) -> FontProperties:
    return FontProperties(fname=str(cjk_font()), size=size)


def _short(name: str, limit: int = 10) -> str:
    """Unit names are long (和平县人力资源和社会保障局); the county prefix says nothing within one county."""
    short = re.sub(r"^.{1,6}?[县区市](?=.{2,})", "", name)
    return short if len(short) <= limit else short[: limit - 1] + "…"


def _save(fig: Figure, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    metadata = {"Date": None} if fmt == "svg" else None  # reproducible SVG: no timestamp inside
    fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def ranking_chart(cards: Sequence[Scorecard], fmt: Format = "png", *, title: str = "综合考评得分") -> bytes:
    """Horizontal bars of the ranked units' totals, best at the top; units flagged for 约谈 in red."""
    ranked = [c for c in cards if c.total is not None]
    fig = Figure(figsize=(6.4, max(1.6, 0.34 * len(ranked) + 0.9)))
    ax = fig.add_subplot()
    names = [_short(c.unit_name) for c in reversed(ranked)]
    totals = [c.total or 0.0 for c in reversed(ranked)]
    colours = [RED if c.interview else BLUE for c in reversed(ranked)]
    bars = ax.barh(range(len(ranked)), totals, color=colours)
    ax.set_yticks(range(len(ranked)), names, fontproperties=_font())
    ax.set_xlim(0, 105)
    for bar, value in zip(bars, totals, strict=True):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{value:.1f}", va="center", fontsize=8)
    ax.set_title(title, fontproperties=_font(11))
    ax.set_xlabel("得分（红色：约谈）", fontproperties=_font())
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def rates_chart(b: Bulletin, fmt: Format = "png") -> bytes:
    """办结率 and 满意率 per unit, with the two threshold lines."""
    lines = [u for u in b.units if u.measures.finish_rate is not None or u.measures.satisfaction_rate is not None]
    fig = Figure(figsize=(6.4, 3.2))
    ax = fig.add_subplot()
    x = list(range(len(lines)))
    width = 0.38
    finish = [u.measures.finish_rate or 0.0 for u in lines]
    satisfied = [u.measures.satisfaction_rate or 0.0 for u in lines]
    ax.bar([i - width / 2 for i in x], finish, width, color=BLUE, label="办结率")
    ax.bar([i + width / 2 for i in x], satisfied, width, color=GREEN, label="满意率")
    t = b.config.thresholds
    ax.axhline(t.finish_rate_min, color=BLUE, linestyle="--", linewidth=0.8)
    ax.axhline(t.satisfaction_min, color=GREEN, linestyle=":", linewidth=0.8)
    ax.set_xticks(x, [_short(u.measures.unit_name, 6) for u in lines], fontproperties=_font(8), rotation=30)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%", fontproperties=_font())
    ax.set_title(
        f"各单位办结率与满意率（虚线：{t.finish_rate_min:g}% / {t.satisfaction_min:g}%）", fontproperties=_font(11)
    )
    ax.legend(prop=_font(8), loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def svg_text(data: bytes) -> str:
    """An SVG for inlining in a page: without the XML prologue and doctype."""
    text = data.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
