"""The ledger's .xlsx (office layout) and .docx summary, from a ledger with progress and an overdue task."""

from __future__ import annotations

import io
from datetime import datetime

import docx
from openpyxl import load_workbook

from onestop.actions import ledger as actions
from onestop.actions.tick import tick
from onestop.ledger import parse_text
from onestop.ledger.export import XLSX_HEADERS, docx_bytes, xlsx_bytes
from onestop.worktime import TZ
from tests.ledger.conftest import Zone
from tests.ledger.test_ledger_tracking import SMALL


def _ledger(zone: Zone) -> int:
    ledger = actions.import_plan(zone.rt, parse_text(SMALL), zone.supervisor, supervisor="YHB")
    rows = actions.ledger_rows(zone.rt, ledger.id)
    actions.file_report(zone.rt, rows[0].case_number, zone.handlers["SCJG"], text="已上线一网通办", percent=60)
    zone.clock.set(datetime(2021, 6, 2, 10, 0, tzinfo=TZ))
    tick(zone.rt)
    return ledger.id


def test_xlsx_in_office_layout(zone: Zone) -> None:
    ledger_id = _ledger(zone)
    rows = actions.ledger_rows(zone.rt, ledger_id)
    data = xlsx_bytes("葛店开发区2021年营商环境重点任务", rows, generated_at=zone.clock.current)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "葛店开发区2021年营商环境重点任务工作落实台账"
    assert tuple(c.value for c in sheet[3]) == XLSX_HEADERS
    first = [c.value for c in sheet[4]]
    assert first[0] == 1
    assert str(first[1]).startswith("1.推行企业开办")
    assert first[2:6] == ["市场监管分局", "公安局、税务局", None, "2021年5月底"]
    assert first[6] == "已上线一网通办（完成 60%）"
    assert first[7] == "已超期"
    assert [c.value for c in sheet[5]][5] == "长期推进"
    assert sheet.freeze_panes == "A4"


def test_docx_summary(zone: Zone) -> None:
    ledger_id = _ledger(zone)
    rows = actions.ledger_rows(zone.rt, ledger_id)
    document = docx.Document(io.BytesIO(docx_bytes("示例台账", rows, generated_at=zone.clock.current)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本台账共有任务 3 项，其中已完成 0 项" in text
    assert "推行企业开办" in text
    assert "已超期" in text
    assert "本月进展逾期未报" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "牵头单位", "进展情况", "状态"]
    assert len(table.rows) == 4
