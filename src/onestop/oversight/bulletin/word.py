"""The bulletin as a Word document (python-docx): headline, unit table with low values in red, ranking with
its chart, hot topics, typical cases, and how the figures were computed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from onestop.worktime import TZ

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

FONT = "宋体"
RED = (0xC0, 0x39, 0x2B)


def _setup(document: DocxDocument) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = FONT
        if name == "Normal":
            style.font.size = Pt(10.5)
        # East Asian text takes its font from w:eastAsia, not from w:ascii: without it Word falls back.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def _red(table: Table, row: int, col: int) -> None:
    from docx.shared import RGBColor

    for run in table.rows[row].cells[col].paragraphs[0].runs:
        run.bold = True
        run.font.color.rgb = RGBColor(*RED)


def render_docx(b: Bulletin) -> bytes:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    _setup(document)
    document.add_heading(b.title, level=0)
    document.add_paragraph(
        f"统计期间：{b.period.label}（{b.period.start:%Y-%m-%d} 至 {b.period.end:%Y-%m-%d} 前）　"
        f"生成时间：{b.generated_at.astimezone(TZ):%Y-%m-%d %H:%M}"
    )
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(summary_text(b))
    _table(document, ["指标", "数值"], headline_items(b))

    document.add_heading("二、各单位情况", level=1)
    rows = [[u.measures.unit_name, *(cell_text(c, u.measures) for c in UNIT_COLUMNS)] for u in b.units]
    table = _table(document, unit_header(), rows)
    for r, line in enumerate(b.units, start=1):
        for c, column in enumerate(UNIT_COLUMNS, start=1):
            if column.key in line.low:
                _red(table, r, c)
    if b.units:
        document.add_picture(io.BytesIO(charts.rates_chart(b)), width=Cm(15))

    document.add_heading("三、综合考评排名", level=1)
    table = _table(document, ranking_header(), [ranking_row(card) for card in b.ranking])
    for r, card in enumerate(b.ranking, start=1):
        if card.interview:
            _red(table, r, len(ranking_header()) - 1)
    if any(c.total is not None for c in b.ranking):
        document.add_picture(io.BytesIO(charts.ranking_chart(b.ranking)), width=Cm(15))

    document.add_heading("四、热点问题", level=1)
    if b.topics:
        _table(
            document,
            ["序号", "类别/事项", "来源", "件数", "占比"],
            [[str(i), t.label, t.source, str(t.count), f"{t.share:.1f}%"] for i, t in enumerate(b.topics, 1)],
        )
    else:
        document.add_paragraph("本期无。")

    document.add_heading("五、典型案例（超期时间最长的在办件）", level=1)
    if b.typical:
        _table(
            document,
            ["办件编号", "类型", "承办单位", "事项", "状态", "到期时间", "超期（工作日）"],
            [
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
            ],
        )
    else:
        document.add_paragraph("本期无超期在办件。")

    document.add_heading("说明", level=1)
    for note in b.notes:
        document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
