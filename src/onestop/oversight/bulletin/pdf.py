"""The bulletin as PDF (reportlab), with a Chinese TrueType font embedded (subset), so it prints and reads the
same on a machine without Chinese fonts, and its text can be searched and extracted (pdftotext)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Image,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from onestop.oversight.bulletin import charts
from onestop.oversight.bulletin.figures import (
    UNIT_COLUMNS,
    Bulletin,
    cell_text,
    headline_items,
    ranking_header,
    ranking_row,
    summary_text,
    unit_header,
)
from onestop.oversight.bulletin.fonts import candidates, cjk_font
from onestop.oversight.errors import FontNotFound
from onestop.worktime import TZ

FONT_NAME = "OnestopCJK"
LOW_FILL = "#F8D7DA"
LOW_TEXT = "#C0392B"
HEADER_FILL = "#DDE7F3"


@cache
def _register_font() -> str:
    """Registers the first usable Chinese TrueType font with reportlab (a .ttc: its first face)."""

    first = cjk_font()  # raises FontNotFound with what to install
    errors = []
    for path in dict.fromkeys([first, *candidates()]):
        try:
            pdfmetrics.registerFont(_ttfont(TTFont, path))
        except TTFError as exc:  # e.g. CFF outlines reportlab cannot embed
            errors.append(f"{path}: {exc}")
            continue
        return FONT_NAME
    raise FontNotFound("找到的中文字体均无法嵌入 PDF：" + "；".join(errors), field="font")


def _ttfont(cls: Any, path: Path) -> Any:
    if path.suffix.lower() == ".ttc":
        return cls(FONT_NAME, str(path), subfontIndex=0)
    return cls(FONT_NAME, str(path))


@dataclass(frozen=True)
class _Kit:
    """The styles and builders of one document."""

    font: str
    body: Any
    cell: Any
    low: Any
    heading: Any

    @classmethod
    def build(cls) -> _Kit:

        font = _register_font()
        body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
        cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
        low = ParagraphStyle("low", parent=cell, textColor=colors.HexColor(LOW_TEXT))
        heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
        return cls(font, body, cell, low, heading)

    def para(self, text: str, style: Any = None) -> Any:

        return Paragraph(text, style or self.body)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        *,
        low: Sequence[tuple[int, int]] = (),
        low_rows: Sequence[int] = (),
    ) -> Any:
        """A grid; the (column, row) cells in ``low`` in red on pink (below their threshold), ``low_rows`` pink."""

        data = [[self.para(text, self.cell) for text in header]]
        for r, values in enumerate(rows, start=1):
            data.append([self.para(text, self.low if (c, r) in low else self.cell) for c, text in enumerate(values)])
        commands: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        commands += [("BACKGROUND", (c, r), (c, r), colors.HexColor(LOW_FILL)) for c, r in low]
        commands += [("BACKGROUND", (0, r), (-1, r), colors.HexColor(LOW_FILL)) for r in low_rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(commands))
        return table


def _image(png: bytes, width: float) -> Any:

    picture = Image(io.BytesIO(png))
    picture.drawHeight = width * picture.imageHeight / picture.imageWidth
    picture.drawWidth = width
    return picture


def _head(k: _Kit, b: Bulletin) -> list[Any]:

    title = ParagraphStyle("title", parent=k.body, fontSize=16, leading=22, alignment=1, spaceAfter=6)
    sub = ParagraphStyle("sub", parent=k.body, alignment=1)
    return [
        k.para(b.title, title),
        k.para(f"统计期间：{b.period.label}　生成时间：{b.generated_at.astimezone(TZ):%Y-%m-%d %H:%M}", sub),
        k.para("一、总体情况", k.heading),
        k.para(summary_text(b)),
        k.table(["指标", "数值"], [[label, value] for label, value in headline_items(b)], [40 * mm, 80 * mm]),
    ]


def _units(k: _Kit, b: Bulletin) -> list[Any]:

    rows = [[u.measures.unit_name, *(cell_text(c, u.measures) for c in UNIT_COLUMNS)] for u in b.units]
    low = [
        (c, r)
        for r, line in enumerate(b.units, start=1)
        for c, column in enumerate(UNIT_COLUMNS, start=1)
        if column.key in line.low
    ]
    story = [
        k.para("二、各单位情况", k.heading),
        k.table(unit_header(), rows, [55 * mm] + [19 * mm] * len(UNIT_COLUMNS), low=low),
    ]
    if b.units:
        story.append(_image(charts.rates_chart(b), 170 * mm))
    rows = [ranking_row(card) for card in b.ranking]
    flagged = [r for r, card in enumerate(b.ranking, start=1) if card.interview]
    story += [k.para("三、综合考评排名", k.heading), k.table(ranking_header(), rows, low_rows=flagged)]
    if any(c.total is not None for c in b.ranking):
        story.append(_image(charts.ranking_chart(b.ranking), 150 * mm))
    return story


def _lists(k: _Kit, b: Bulletin) -> list[Any]:
    story = [k.para("四、热点问题", k.heading)]
    if b.topics:
        rows = [[str(i), t.label, t.source, str(t.count), f"{t.share:.1f}%"] for i, t in enumerate(b.topics, 1)]
        story.append(k.table(["序号", "类别/事项", "来源", "件数", "占比"], rows))
    else:
        story.append(k.para("本期无。"))
    story.append(k.para("五、典型案例（超期时间最长的在办件）", k.heading))
    if b.typical:
        rows = [
            [
                t.number,
                t.kind_label,
                t.unit_name,
                t.subject,
                t.state_label,
                f"{t.due_at.astimezone(TZ):%Y-%m-%d %H:%M}",
                str(t.overdue_days),
            ]
            for t in b.typical
        ]
        story.append(k.table(["办件编号", "类型", "承办单位", "事项", "状态", "到期时间", "超期（工作日）"], rows))
    else:
        story.append(k.para("本期无超期在办件。"))
    story.append(k.para("说明", k.heading))
    story += [k.para(note) for note in b.notes]
    return story


def render_pdf(b: Bulletin) -> bytes:

    kit = _Kit.build()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=b.title,
        author=b.region_name,
        subject=f"效能监察通报 {b.period.code}",
        creator="onestop",
        initialFontName=kit.font,  # no unembedded Helvetica in the file
    )
    doc.build(_head(kit, b) + _units(kit, b) + _lists(kit, b))
    return buffer.getvalue()
