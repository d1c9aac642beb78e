"""The monthly bulletin of the fixture month, rendered and read back: .docx with python-docx, .xlsx with
openpyxl, PDF through poppler (pdftotext for the Chinese title, pdftoppm to a PNG); and by the command line."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from oversight_scenario import County, build_october
from typer.testing import CliRunner

from onestop.actions.oversight import bulletin, render_bulletin
from onestop.cli import app
from onestop.oversight.bulletin import Bulletin
from onestop.oversight.bulletin.charts import ranking_chart, svg_text
from tests.conftest import require

TITLE = "测试县人民政府政务服务效能监察通报（2026年10月）"
# 单位 受理量 办结量 办结率 按期办结率 评价数 满意率 差评 差评整改率 督办 挂牌督办 退回 (by hand: the scenario)
ROW_A = ["测试县甲局", "4", "4", "75.0%", "25.0%", "3", "33.3%", "2", "50.0%", "1", "1", "0"]
ROW_B = ["测试县乙局", "2", "2", "100.0%", "100.0%", "2", "100.0%", "0", "—", "0", "0", "0"]


@pytest.fixture
def figures(county: County) -> Bulletin:
    build_october(county)
    return bulletin(county.rt, county.staff["supervisor"], "2026-10")


def test_docx_reads_back_with_its_numbers_and_red_low_values(figures: Bulletin) -> None:
    from docx import Document

    document = Document(io.BytesIO(render_bulletin(figures, "docx")))
    assert document.paragraphs[0].text == TITLE
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共受理办件 7 件，办结 7 件，办结率 85.7%，按期办结率 57.1%" in text
    assert "综合考评需约谈的单位：测试县甲局。" in text
    units = next(t for t in document.tables if t.rows[0].cells[0].text == "单位")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in units.rows[1:]}
    assert rows["测试县甲局"] == ROW_A
    assert rows["测试县乙局"] == ROW_B
    # 办结率 (column 3) of 甲局 is below 97 %: red; 乙局's is not.
    a_row = next(r for r in units.rows if r.cells[0].text == "测试县甲局")
    b_row = next(r for r in units.rows if r.cells[0].text == "测试县乙局")
    assert str(a_row.cells[3].paragraphs[0].runs[0].font.color.rgb) == "C0392B"
    assert b_row.cells[3].paragraphs[0].runs[0].font.color.rgb is None
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "排名")
    assert [(r.cells[0].text, r.cells[1].text, r.cells[2].text) for r in ranking.rows[1:]] == [
        ("1", "测试县丙局", "100.00"),
        ("1", "测试县乙局", "100.00"),
        ("3", "测试县甲局", "45.50"),
    ]
    assert ranking.rows[3].cells[-1].text == "排名末位、综合得分低于60分"
    assert len(document.inline_shapes) == 2  # the rates chart and the ranking chart


def test_xlsx_reads_back_with_numbers_as_numbers(figures: Bulletin) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render_bulletin(figures, "xlsx")))
    assert book.sheetnames == ["总体情况", "各单位情况", "综合排名", "热点问题", "典型案例", "说明"]
    assert book["总体情况"]["A1"].value == TITLE
    units = book["各单位情况"]
    rows = {row[0].value: row for row in units.iter_rows(min_row=2)}
    a = [c.value for c in rows["测试县甲局"]]
    assert a == ["测试县甲局", 4, 4, 0.75, 0.25, 3, pytest.approx(1 / 3), 2, 0.5, 1, 1, 0]
    assert rows["测试县甲局"][3].number_format == "0.0%"
    assert rows["测试县甲局"][3].fill.fgColor.rgb.endswith("F8D7DA")  # 75 % < 97 %
    assert rows["测试县乙局"][3].fill.fgColor.rgb in {"00000000", None}
    ranking = [[c.value for c in row[:3]] for row in book["综合排名"].iter_rows(min_row=2)]
    assert ranking == [[1, "测试县丙局", 100.0], [1, "测试县乙局", 100.0], [3, "测试县甲局", 45.5]]
    topics = [[c.value for c in row[1:4]] for row in book["热点问题"].iter_rows(min_row=2)]
    assert [(label, n) for label, _, n in topics] == [("企业开办", 4), ("食品经营许可", 2), ("个体工商户登记", 1)]
    assert all("通用申请" in str(source) for _, source, _ in topics)
    (typical,) = book["典型案例"].iter_rows(min_row=2, values_only=True)
    assert typical[2] == "测试县甲局"
    assert typical[6] == 1


def test_pdf_embeds_a_chinese_font_and_renders(figures: Bulletin, tmp_path: Path) -> None:
    for tool in ("pdftotext", "pdftoppm", "pdffonts"):
        require(shutil.which(tool) is not None, f"{tool} is not installed (Debian: apt-get install poppler-utils)")
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(render_bulletin(figures, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert TITLE in text
    assert "测试县甲局" in text
    assert "45.50" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines
    assert all(line.split()[-5] == "yes" for line in font_lines)
    assert any("TrueType" in line for line in font_lines)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5000


def test_ranking_chart_as_svg(figures: Bulletin) -> None:
    svg = svg_text(ranking_chart(figures.ranking, "svg"))
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "<path" in svg
    assert "#c0392b" in svg


def test_cli_bulletin_and_rules(county: County, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_october(county)
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    runner = CliRunner()
    out = tmp_path / "october.xlsx"
    result = runner.invoke(
        app,
        [
            "oversight",
            "bulletin",
            "--month",
            "2026-10",
            "--format",
            "xlsx",
            "--out",
            str(out),
            "--at",
            "2026-11-02T10:00+08:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{TITLE}：3 个单位，受理 7 件，办结 7 件，督办 1 件" in result.stdout
    from openpyxl import load_workbook

    assert load_workbook(out)["总体情况"]["A1"].value == TITLE
    bad = runner.invoke(app, ["oversight", "bulletin", "--month", "2026-13", "--format", "pdf", "--out", str(out)])
    assert bad.exit_code == 1
    assert "月份无效" in bad.stderr
    elsewhere = runner.invoke(
        app, ["oversight", "bulletin", "--month", "2026-10", "--region", "110101", "--format", "pdf", "--out", "x"]
    )
    assert elsewhere.exit_code == 1
    assert "地区 110101 不存在" in elsewhere.stderr
    # On Nov 2 10:00 the open A3 (due Thu Oct 29 17:30) is overdue 1 working day (Fri 30): not yet 3; the
    # rectification of A4's 差评 (due Fri Oct 30 17:30) is overdue: rule rectification_overdue raises an order.
    run = runner.invoke(app, ["oversight", "rules", "run", "--at", "2026-11-02T10:00+08:00"])
    assert run.exit_code == 0, run.output
    assert "rectification_overdue: 命中 1 件" in run.stdout
    assert "共发出督办单 1 件" in run.stdout
    again = runner.invoke(app, ["oversight", "rules", "run", "--at", "2026-11-02T10:05+08:00"])
    assert "共发出督办单 0 件" in again.stdout
    listed = runner.invoke(app, ["oversight", "rules", "list"])
    assert "overdue_3d\t办件超期满3个工作日" in listed.stdout
