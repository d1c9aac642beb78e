"""Reading a plan file into lines: .txt (UTF-8, GB18030), .docx (python-docx) and text-based .pdf (pdfplumber).

A .docx is read paragraph by paragraph; a table whose header names 牵头/责任/配合 columns (the 台账 layout many
offices send) is read row by row as numbered items with an attribution, so it parses like the prose form. A
PDF is read line by line as laid out; the parser rejoins lines broken inside words. A scanned PDF (no text
layer) is refused with a message rather than read as an empty plan.
"""

from __future__ import annotations

import io
from pathlib import Path

from onestop.errors import DomainError
from onestop.ledger.text import normalise_line


class UnreadablePlan(DomainError):
    code = "unreadable_plan"
    status = 422


SUFFIXES = (".txt", ".docx", ".pdf")


def read_plan_lines(path: Path | str, data: bytes | None = None) -> list[str]:
    """The lines of a plan file; ``data`` (e.g. an upload) is read instead of the file when given."""
    path = Path(path)
    suffix = path.suffix.lower()
    raw = path.read_bytes() if data is None else data
    if suffix == ".docx":
        return docx_lines(raw)
    if suffix == ".pdf":
        return pdf_lines(raw)
    if suffix in (".txt", ".text", ""):
        return decode_text(raw).splitlines()
    raise UnreadablePlan(f"不支持的文件类型「{suffix}」：请上传 .txt、.docx 或 .pdf", field="file")


def decode_text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadablePlan("无法识别文件编码：请另存为 UTF-8 文本", field="file")


_ROLE_COLUMNS = {
    "牵头单位": "牵头单位",
    "牵头部门": "牵头单位",
    "牵头责任单位": "牵头单位",
    "责任单位": "责任单位",
    "责任部门": "责任单位",
    "配合单位": "配合单位",
    "配合部门": "配合单位",
    "责任领导": "责任领导",
    "完成时限": "完成时限",
    "完成时间": "完成时限",
    "时间节点": "完成时限",
}
_TASK_COLUMNS = ("任务内容", "工作任务", "重点任务", "主要任务", "具体措施", "工作措施", "改革任务", "任务", "措施")


def docx_lines(raw: bytes) -> list[str]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - a deployment without the optional reader
        raise UnreadablePlan("未安装 python-docx，无法读取 .docx", field="file") from exc
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several unrelated types for a damaged file
        raise UnreadablePlan("无法打开该 Word 文件", field="file") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(Paragraph(child, document).text.splitlines() or [""])
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document)))
    return lines


def _table_lines(table: object) -> list[str]:
    from docx.table import Table

    assert isinstance(table, Table)
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    if not rows:
        return []
    header = [normalise_line(h) for h in rows[0]]
    roles = {i: _ROLE_COLUMNS[h] for i, h in enumerate(header) if h in _ROLE_COLUMNS}
    task_col = next((i for i, h in enumerate(header) if h in _TASK_COLUMNS), None)
    if not roles or task_col is None:
        return [" ".join(dict.fromkeys(cell for cell in row if cell)) for row in rows]
    out: list[str] = []
    number = 0
    for row in rows[1:]:
        task = row[task_col].replace("\n", "") if task_col < len(row) else ""
        if not task:
            continue
        number += 1
        fields = ";".join(f"{roles[i]}:{row[i]}" for i in sorted(roles) if i < len(row) and row[i].strip())
        out.append(f"{number}.{task}({fields})")
    return out


def pdf_lines(raw: bytes) -> list[str]:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover
        raise UnreadablePlan("未安装 pdfplumber，无法读取 .pdf", field="file") from exc
    lines: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for page in pdf.pages:
                text = page.extract_text() or ""
                lines.extend(text.splitlines())
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise UnreadablePlan("无法读取该 PDF 文件", field="file") from exc
    if not any(line.strip() for line in lines):
        raise UnreadablePlan("该 PDF 没有文字层（可能是扫描件），请提供文字版", field="file")
    return lines
