"""Charts for the evaluation page as inline SVG: no plotting library, no script, text the browser renders in
the page's own Chinese font (so no font file has to be embedded), readable by a screen reader.

* ``bar_chart`` — horizontal bars, one per item (regions by overall score, indicators of one region), 0–100,
  the bottom-ranked items in red, a missing score drawn as a dash;
* ``compare_chart`` — two bars per item (this period and the one before).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape

ROW = 26
LABEL_WIDTH = 190
BAR_WIDTH = 380
BLUE, RED, GRAY, LIGHT = "#0b5cad", "#b42318", "#9aa5b1", "#9ec5ec"


def _number(value: float) -> str:
    return f"{value:.1f}"


def _frame(title: str, height: int, body: list[str], width: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _axis(top: int, bottom: int) -> list[str]:
    out = []
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#d9e2ec"/>')
        out.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" font-size="11" text-anchor="middle" fill="#616e7c">{tick}</text>'
        )
    return out


def bar_chart(
    items: Sequence[tuple[str, float | None]], *, title: str, highlight: Collection[str] = (), maximum: float = 100.0
) -> str:
    width = LABEL_WIDTH + BAR_WIDTH + 60
    height = ROW * len(items) + 30
    body = _axis(4, ROW * len(items) + 4)
    for index, (label, value) in enumerate(items):
        y = 6 + index * ROW
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-size="13" text-anchor="end" fill="#1f2933">'
            f"{escape(label)}</text>"
        )
        if value is None:
            body.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 15}" font-size="13" fill="{GRAY}">—</text>')
            continue
        length = BAR_WIDTH * max(0.0, min(value, maximum)) / maximum
        colour = RED if label in highlight else BLUE
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 8}" fill="{colour}" rx="2">'
            f"<title>{escape(label)}：{_number(value)}</title></rect>"
        )
        x = LABEL_WIDTH + length + 4
        body.append(f'<text x="{x:.1f}" y="{y + 15}" font-size="12" fill="#1f2933">{_number(value)}</text>')
    return _frame(title, height, body, width)


def compare_chart(
    items: Sequence[tuple[str, float | None, float | None]], *, title: str, now_label: str, before_label: str
) -> str:
    """Per item, this period's bar (blue) over the previous period's (light blue)."""
    width = LABEL_WIDTH + BAR_WIDTH + 60
    row = ROW + 10
    height = row * len(items) + 50
    body = _axis(4, row * len(items) + 4)
    for index, (label, now, before) in enumerate(items):
        y = 6 + index * row
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" font-size="13" text-anchor="end" fill="#1f2933">'
            f"{escape(label)}</text>"
        )
        for offset, value, colour, name in ((0, now, BLUE, now_label), (15, before, LIGHT, before_label)):
            if value is None:
                continue
            length = BAR_WIDTH * max(0.0, min(value, 100.0)) / 100.0
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset + 2}" width="{length:.1f}" height="12" fill="{colour}" rx="2">'
                f"<title>{escape(label)} {escape(name)}：{_number(value)}</title></rect>"
            )
    legend_y = row * len(items) + 36
    body.append(f'<rect x="{LABEL_WIDTH}" y="{legend_y - 10}" width="12" height="12" fill="{BLUE}"/>')
    body.append(f'<text x="{LABEL_WIDTH + 16}" y="{legend_y}" font-size="12">{escape(now_label)}</text>')
    body.append(f'<rect x="{LABEL_WIDTH + 140}" y="{legend_y - 10}" width="12" height="12" fill="{LIGHT}"/>')
    body.append(f'<text x="{LABEL_WIDTH + 156}" y="{legend_y}" font-size="12">{escape(before_label)}</text>')
    return _frame(title, height, body, width)
