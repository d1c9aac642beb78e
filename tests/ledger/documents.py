"""Writing a plan as .docx (python-docx) and as a text PDF (reportlab), the way offices' files look.

The PDF is laid out line by line at a fixed width, so long paragraphs break inside words as real PDFs do. Its
font is an embedded CJK TrueType font when the machine has one (WenQuanYi Micro Hei, Noto Sans CJK — Debian's
fonts-wqy-microhei / fonts-noto-cjk); otherwise reportlab's built-in STSong-Light CID font, which is not
embedded but which pdfplumber reads the same way.
"""

from __future__ import annotations

import io
from pathlib import Path

CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
LINE_CHARS = 36


def make_docx(text: str, *, table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def cjk_font() -> tuple[str, bool]:
    """Registers a CJK font with reportlab; returns its name and whether it is embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in CJK_FONTS:
        if path.exists():
            name = "PlanCJK"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            return name, True
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light", False


def make_pdf(text: str, *, line_chars: int = LINE_CHARS) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font, _ = cjk_font()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    _width, height = A4
    y = height - 60
    for paragraph in text.splitlines():
        pieces = [paragraph[i : i + line_chars] for i in range(0, len(paragraph), line_chars)] or [""]
        for piece in pieces:
            if y < 60:
                page.showPage()
                y = height - 60
            page.setFont(font, 11)
            page.drawString(50, y, piece)
            y -= 16
    page.save()
    return out.getvalue()
