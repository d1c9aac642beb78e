"""The bulletin as an Excel workbook (openpyxl): numbers as numbers (rates as percentages), low values filled
red, one sheet per section, the charts on the first sheet."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from onestop.oversight.bulletin import charts
from onestop.oversight.bulletin.figures import (
    UNIT_COLUMNS,
    Bulletin,
    headline_items,
    ranking_header,
    summary_text,
    unit_header,
)
from onestop.oversight.config import MEASURES
from onestop.worktime import TZ

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

LOW_FILL = "F8D7DA"
LOW_TEXT = "C0392B"
HEADER_FILL = "DDE7F3"
TYPICAL_HEADER = ["办件编号", "类型", "承办单位", "事项", "状态", "到期时间", "超期（工作日）"]


def _header(sheet: Worksheet, row: int, labels: Sequence[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=col, value=label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _ratio(value: float | None) -> float | None:
    """A percentage as Excel stores one (0.975 shown as 97.5%)."""
    return None if value is None else round(value / 100.0, 6)


def _overview_sheet(book: Workbook, b: Bulletin) -> None:
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Font

    sheet = book.active
    assert sheet is not None
    sheet.title = "总体情况"
    sheet["A1"] = b.title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"统计期间：{b.period.label}　生成时间：{b.generated_at.astimezone(TZ):%Y-%m-%d %H:%M}"
    sheet["A3"] = summary_text(b)
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A3:F3")
    sheet.row_dimensions[3].height = 90
    _header(sheet, 5, ["指标", "数值"])
    items = headline_items(b)
    for r, (label, value) in enumerate(items, start=6):
        sheet.cell(row=r, column=1, value=label)
        sheet.cell(row=r, column=2, value=value)
    _widths(sheet, [16, 30, 12, 12, 12, 12])
    anchor = 6 + len(items) + 2
    if b.units:
        image = Image(io.BytesIO(charts.rates_chart(b)))
        image.width, image.height = 640, 320
        sheet.add_image(image, f"A{anchor}")
    if any(c.total is not None for c in b.ranking):
        image = Image(io.BytesIO(charts.ranking_chart(b.ranking)))
        image.width, image.height = 640, int(640 * image.height / max(image.width, 1))
        sheet.add_image(image, f"A{anchor + 18}")


def _units_sheet(book: Workbook, b: Bulletin) -> None:
    from openpyxl.styles import Font, PatternFill

    low = PatternFill("solid", fgColor=LOW_FILL)
    sheet = book.create_sheet("各单位情况")
    _header(sheet, 1, unit_header())
    for r, line in enumerate(b.units, start=2):
        m = line.measures
        sheet.cell(row=r, column=1, value=m.unit_name)
        for c, column in enumerate(UNIT_COLUMNS, start=2):
            value = column.value(m)
            cell = sheet.cell(row=r, column=c, value=_ratio(value) if column.percent else value)
            if column.percent:
                cell.number_format = "0.0%"
            if column.key in line.low:
                cell.fill = low
                cell.font = Font(bold=True, color=LOW_TEXT)
    sheet.freeze_panes = "B2"
    _widths(sheet, [30, *([11] * len(UNIT_COLUMNS))])


def _ranking_sheet(book: Workbook, b: Bulletin) -> None:
    from openpyxl.styles import PatternFill

    low = PatternFill("solid", fgColor=LOW_FILL)
    sheet = book.create_sheet("综合排名")
    _header(sheet, 1, ranking_header())
    for r, card in enumerate(b.ranking, start=2):
        values: list[object] = [card.rank, card.unit_name, card.total, *(card.scores.get(m) for m in MEASURES)]
        values.append("、".join(card.reasons) if card.interview else ("不参与排名" if card.total is None else ""))
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, float):
                cell.number_format = "0.00"
            if card.interview:
                cell.fill = low
    sheet.freeze_panes = "C2"
    _widths(sheet, [6, 30, 10, *([12] * len(MEASURES)), 22])


def _lists_sheets(book: Workbook, b: Bulletin) -> None:
    from openpyxl.styles import Alignment

    topics = book.create_sheet("热点问题")
    _header(topics, 1, ["序号", "类别/事项", "来源", "件数", "占比"])
    for r, t in enumerate(b.topics, start=2):
        for c, item in enumerate((r - 1, t.label, t.source, t.count, _ratio(t.share)), start=1):
            cell = topics.cell(row=r, column=c, value=item)
            if c == 5:
                cell.number_format = "0.0%"
    _widths(topics, [6, 30, 14, 8, 8])

    typical = book.create_sheet("典型案例")
    _header(typical, 1, TYPICAL_HEADER)
    for r, case in enumerate(b.typical, start=2):
        due = case.due_at.astimezone(TZ).replace(tzinfo=None)  # Excel has no time zones: Beijing time, as shown
        row = (case.number, case.kind_label, case.unit_name, case.subject, case.state_label, due, case.overdue_days)
        for c, value in enumerate(row, start=1):
            cell = typical.cell(row=r, column=c, value=value)
            if c == 6:
                cell.number_format = "yyyy-mm-dd hh:mm"
    _widths(typical, [22, 12, 30, 30, 10, 18, 14])

    notes = book.create_sheet("说明")
    for r, note in enumerate(b.notes, start=1):
        notes.cell(row=r, column=1, value=note).alignment = Alignment(wrap_text=True)
    _widths(notes, [120])


def render_xlsx(b: Bulletin) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    _overview_sheet(book, b)
    _units_sheet(book, b)
    _ranking_sheet(book, b)
    _lists_sheets(book, b)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
