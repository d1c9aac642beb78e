"""The ledger as offices exchange it: an .xlsx 工作落实台账 and a .docx 进展情况汇总.

The workbook has the columns offices use (序号, 任务内容, 牵头单位, 配合单位, 责任领导, 完成时限, 进展情况, 状态),
a title row, frozen headers, wrapped text and column widths for A4 landscape printing. The summary counts tasks
by status, lists the overdue ones and the reports not filed, then gives every task's progress.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from onestop.ledger.model import LedgerRow

XLSX_HEADERS = ("序号", "任务内容", "牵头单位", "配合单位", "责任领导", "完成时限", "进展情况", "状态")
_WIDTHS = (6, 60, 18, 28, 12, 14, 40, 10)


def _task_content(row: LedgerRow) -> str:
    label = f"{row.number}" if row.number else ""
    return f"{label}{row.text}" if row.text else f"{label}{row.title}"


def _progress(row: LedgerRow) -> str:
    if not row.progress_text:
        return ""
    parts = [row.progress_text]
    if row.progress_percent is not None:
        parts.append(f"（完成 {row.progress_percent}%）")
    return "".join(parts)


def xlsx_bytes(title: str, rows: Sequence[LedgerRow], *, generated_at: datetime | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工作落实台账"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_HEADERS))
    sheet.cell(1, 1, f"{title}工作落实台账")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    if generated_at is not None:
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(XLSX_HEADERS))
        sheet.cell(2, 1, f"截至 {generated_at:%Y年%m月%d日}")
        sheet.cell(2, 1).alignment = Alignment(horizontal="right")
    header_row = 3
    for col, (name, width) in enumerate(zip(XLSX_HEADERS, _WIDTHS, strict=True), start=1):
        cell = sheet.cell(header_row, col, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
        sheet.column_dimensions[get_column_letter(col)].width = width
    for i, row in enumerate(rows, start=header_row + 1):
        values: tuple[int | str, ...] = (
            row.seq,
            _task_content(row),
            "、".join(row.lead_units),
            "、".join(row.cooperating_units),
            row.leader or "",
            row.deadline_label,
            _progress(row),
            row.status_label,
        )
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(i, col, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if col in (1, 8) else None)
            cell.border = border
            if col == 8 and row.status_label in ("已超期", "逾期未报"):
                cell.font = Font(color="C00000", bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(title: str, rows: Sequence[LedgerRow], *, generated_at: datetime) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    style.font.size = Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{title}\n工作进展情况汇总")
    run.bold = True
    run.font.size = Pt(18)
    document.add_paragraph(f"截至{generated_at:%Y年%m月%d日}").alignment = WD_ALIGN_PARAGRAPH.RIGHT

    counts = Counter(row.status_label for row in rows)
    done = counts.get("已完成", 0)
    summary = (
        f"本台账共有任务 {len(rows)} 项，其中已完成 {done} 项，"
        + "，".join(f"{label} {n} 项" for label, n in sorted(counts.items()) if label != "已完成")
        + "。"
    )
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(summary)

    overdue = [row for row in rows if row.status_label == "已超期"]
    missing = [row for row in rows if row.status_label == "逾期未报"]
    document.add_heading("二、超期及逾期未报任务", level=1)
    if not overdue and not missing:
        document.add_paragraph("无。")
    for row in overdue:
        document.add_paragraph(
            f"{row.seq}. {row.title}（牵头单位：{'、'.join(row.lead_units)}；完成时限：{row.deadline_label}）已超期。",
            style="List Bullet",
        )
    for row in missing:
        document.add_paragraph(
            f"{row.seq}. {row.title}（牵头单位：{'、'.join(row.lead_units)}）本月进展逾期未报。", style="List Bullet"
        )

    document.add_heading("三、各项任务进展", level=1)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ("序号", "任务", "牵头单位", "进展情况", "状态"), strict=True):
        cell.text = name
        for paragraph in cell.paragraphs:
            for r in paragraph.runs:
                r.bold = True
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = str(row.seq)
        cells[1].text = row.title
        cells[2].text = "、".join(row.lead_units)
        cells[3].text = _progress(row) or "未报送"
        cells[4].text = row.status_label
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
