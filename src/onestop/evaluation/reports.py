"""The evaluation report as offices use it: an .xlsx workbook (openpyxl) and a .docx document (python-docx).

Both show the same things: the ranking of the regions (the bottom flagged 末位), the first-level scores of
every region, every component's value, source and score, and the indicator tree with its bounds and
weights, so that a reader can recompute any score by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from onestop.evaluation.compare import Ranked
from onestop.evaluation.periods import Period
from onestop.evaluation.scoring import Scorecard
from onestop.evaluation.tree import IndicatorTree

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from openpyxl.worksheet.worksheet import Worksheet

SOURCE_LABELS = {"computed": "平台计算", "entered": "单位填报", "missing": "缺失"}
DIRECTION_LABELS = {"lower": "越低越好", "higher": "越高越好"}
FONT = "宋体"
METHOD = (
    "采用前沿距离法计分：越低越好的指标，得分 = (最差值 − 实际值) ÷ (最差值 − 前沿值) × 100；"
    "越高越好的指标，得分 = (实际值 − 最差值) ÷ (前沿值 − 最差值) × 100；得分限定在 0–100 之间。"
    "一级指标得分为其二级指标得分的加权平均，综合得分为一级指标得分的加权平均；缺失的指标不参与平均。"
)


@dataclass(frozen=True)
class ReportData:
    title: str
    period: Period
    tree: IndicatorTree
    cards: Sequence[Scorecard]  # one per region, in the order the regions are listed
    ranking: Sequence[Ranked]
    generated_at: datetime
    previous: Sequence[Scorecard] = ()  # the same regions in the previous period, when known
    notes: Sequence[str] = field(default_factory=tuple)

    def previous_overall(self, subject: str) -> float | None:
        for card in self.previous:
            if card.subject == subject:
                return card.overall
        return None

    def card(self, subject: str) -> Scorecard:
        for card in self.cards:
            if card.subject == subject:
                return card
        raise KeyError(subject)

    def method_notes(self) -> list[str]:
        notes = [METHOD]
        tree = self.tree
        if tree.carried_forward:
            notes.append(f"{tree.year} 年度参数尚未配置，沿用 {tree.configured_year} 年度的前沿值、最差值和权重。")
        return notes + list(self.notes)


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _coverage(card: Scorecard) -> str:
    scored, total = card.coverage
    return f"{scored}/{total}"


def ranking_rows(data: ReportData) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in data.ranking:
        card = data.card(item.subject)
        before = data.previous_overall(item.subject)
        change = None if before is None or item.score is None else item.score - before
        rows.append(
            [
                item.rank,
                item.subject,
                _r(item.score),
                _coverage(card),
                _r(before),
                _r(change),
                "末位" if item.bottom else "",
            ]
        )
    return rows


RANKING_HEADER = ["排名", "地区", "综合得分", "参评一级指标", "上期得分", "变化", "末位"]
DETAIL_HEADER = ["地区", "一级指标", "二级指标", "单位", "方向", "前沿值", "最差值", "权重", "来源", "数值", "得分"]
DETAIL_HEADER += ["办件数", "说明"]
TREE_HEADER = ["一级指标代码", "一级指标", "权重", "二级指标代码", "二级指标", "单位", "方向", "前沿值", "最差值"]
TREE_HEADER += ["二级权重", "来源", "计算方法", "说明"]


def detail_rows(data: ReportData) -> list[list[object]]:
    rows: list[list[object]] = []
    for card in data.cards:
        for indicator in card.indicators:
            for item in indicator.components:
                c, v = item.component, item.value
                rows.append(
                    [
                        card.subject,
                        indicator.indicator.name,
                        c.name,
                        c.unit,
                        DIRECTION_LABELS[c.direction.value],
                        c.frontier,
                        c.worst,
                        c.weight,
                        SOURCE_LABELS.get(v.source, v.source),
                        _r(v.value, 4),
                        _r(item.score),
                        v.case_count,
                        v.note,
                    ]
                )
    return rows


def tree_rows(tree: IndicatorTree) -> list[list[object]]:
    rows: list[list[object]] = []
    for indicator in tree:
        for c in indicator.components:
            rows.append(
                [
                    indicator.code,
                    indicator.name,
                    indicator.weight,
                    c.code,
                    c.name,
                    c.unit,
                    DIRECTION_LABELS[c.direction.value],
                    c.frontier,
                    c.worst,
                    c.weight,
                    c.source.label,
                    c.measure or "",
                    c.note,
                ]
            )
    return rows


def write_xlsx(data: ReportData, path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    _ranking_sheet(sheet, data)
    _table_sheet(
        workbook.create_sheet("一级指标得分"),
        ["地区", "综合得分", *(i.name for i in data.tree)],
        [[card.subject, _r(card.overall), *(_r(i.score) for i in card.indicators)] for card in data.cards],
        [18, 10, *([12] * len(data.tree.indicators))],
    )
    _table_sheet(
        workbook.create_sheet("二级指标明细"),
        DETAIL_HEADER,
        detail_rows(data),
        [18, 18, 26, 12, 10, 8, 8, 6, 10, 10, 8, 8, 40],
    )
    _table_sheet(
        workbook.create_sheet("指标体系"),
        TREE_HEADER,
        tree_rows(data.tree),
        [22, 18, 6, 26, 26, 12, 10, 8, 8, 8, 10, 36, 40],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _ranking_sheet(sheet: Worksheet, data: ReportData) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill

    flagged = PatternFill("solid", fgColor="F8D7DA")
    sheet.title = "综合排名"
    sheet.append([f"{data.title}（{data.period.label}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"生成时间：{data.generated_at.strftime('%Y-%m-%d %H:%M')}；指标体系：{data.tree.title}"])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(RANKING_HEADER)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in ranking_rows(data):
        sheet.append(row)
        if row[-1]:
            for cell in sheet[sheet.max_row]:
                cell.fill = flagged
    last = sheet.max_row
    for note in data.method_notes():
        sheet.append([])
        sheet.append([note])
    sheet.freeze_panes = f"A{header_row + 1}"
    _widths(sheet, [6, 18, 10, 12, 10, 8, 6])
    if last == header_row:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = "综合得分"
    chart.y_axis.title = "得分"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.add_data(Reference(sheet, min_col=3, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=header_row + 1, max_row=last))
    chart.height = max(7.5, 0.6 * (last - header_row))
    sheet.add_chart(chart, "I4")


def _table_sheet(
    sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]
) -> None:
    from openpyxl.styles import Font

    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    _widths(sheet, widths)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


REGIONS_PER_TABLE = 6


def write_docx(data: ReportData, path: Path) -> Path:
    import docx

    document = docx.Document()
    _docx_setup(document)
    document.add_heading(f"{data.title}", level=0)
    document.add_paragraph(
        f"评价期间：{data.period.label}　　生成时间：{data.generated_at.strftime('%Y-%m-%d %H:%M')}　　"
        f"指标体系：{data.tree.title}（{data.tree.configured_year} 年度参数）"
    )
    document.add_heading("一、评价方法", level=1)
    for note in data.method_notes():
        document.add_paragraph(note)
    document.add_heading("二、综合排名", level=1)
    _docx_ranking(document, data)
    document.add_heading("三、一级指标得分", level=1)
    _docx_scores(document, data)
    document.add_heading("四、指标体系", level=1)
    _docx_tree(document, data.tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _docx_setup(document: DocxDocument) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.styles.style import ParagraphStyle

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        assert isinstance(style, ParagraphStyle)
        style.font.name = FONT
        # East Asian text takes its font from w:eastAsia, not from w:ascii: without it Word falls back.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    normal.font.size = Pt(10.5)


def _docx_table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table: Table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for table_row, row in zip(table.rows, [header, *rows], strict=True):
        for cell, text in zip(table_row.cells, row, strict=True):
            cell.text = text
    return table


def _docx_ranking(document: DocxDocument, data: ReportData) -> None:
    from docx.shared import RGBColor

    rows = ranking_rows(data)
    table = _docx_table(document, RANKING_HEADER, [[_text(v) for v in row] for row in rows])
    for table_row, row in zip(table.rows[1:], rows, strict=True):
        if row[-1]:
            for paragraph in table_row.cells[-1].paragraphs:
                for run in paragraph.runs:
                    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
                    run.font.bold = True


def _docx_scores(document: DocxDocument, data: ReportData) -> None:
    cards = list(data.cards)
    for start in range(0, len(cards), REGIONS_PER_TABLE):
        chunk = cards[start : start + REGIONS_PER_TABLE]
        rows = [["综合得分", *(_text(_r(card.overall)) for card in chunk)]]
        for index, indicator in enumerate(data.tree):
            rows.append([indicator.name, *(_text(_r(card.indicators[index].score)) for card in chunk)])
        _docx_table(document, ["一级指标", *(card.subject for card in chunk)], rows)
        document.add_paragraph()


def _docx_tree(document: DocxDocument, tree: IndicatorTree) -> None:
    header = ["一级指标", "二级指标", "单位", "方向", "前沿值", "最差值", "权重", "来源"]
    rows = [
        [
            indicator.name,
            c.name,
            c.unit,
            DIRECTION_LABELS[c.direction.value],
            f"{c.frontier:g}",
            f"{c.worst:g}",
            f"{c.weight:g}",
            c.source.label,
        ]
        for indicator in tree
        for c in indicator.components
    ]
    _docx_table(document, header, rows)


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.2f}"
    return str(value)
