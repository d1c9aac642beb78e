"""The ledger through the action layer: import with review and unit mapping, reports, consolidation, 月调度,
overdue after a tick, review by the 营商办, and who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from onestop.actions import ledger as actions
from onestop.actions.tick import tick
from onestop.cases.errors import ActionNotAllowed, InvalidAction
from onestop.db import cases_repo as repo
from onestop.db.engine import read
from onestop.db.tables import cases, ledger_tasks
from onestop.ledger import parse_text
from onestop.worktime import TZ
from tests.ledger.conftest import Zone
from tests.ledger.test_ledger_seeds import SEED_003, parsed

SMALL = """葛店开发区2021年营商环境重点任务
一、重点任务
1.推行企业开办“一网通办”,开办时间压缩至0.5个工作日。(牵头单位:市场监管分局;配合单位:公安局、税务局;完成时限:2021年5月底)
2.持续优化纳税服务。(牵头单位:税务局;配合单位:财金局;完成时限:长期推进)
3.梳理惠企政策清单。(牵头单位:区直各有关部门;完成时限:2021年6月底)
"""


def _plan():  # type: ignore[no-untyped-def]
    return parse_text(SMALL)


def _case(zone: Zone, number: str):  # type: ignore[no-untyped-def]
    with read(zone.rt.engine) as conn:
        return repo.load_case(conn, number)


def _children(zone: Zone, number: str):  # type: ignore[no-untyped-def]
    case = _case(zone, number)
    with read(zone.rt.engine) as conn:
        return repo.load_children(conn, case.id)


def _imported(zone: Zone) -> list[str]:
    actions.import_plan(zone.rt, _plan(), zone.supervisor, supervisor="YHB", source="small.txt")
    return [row.case_number for row in actions.ledger_rows(zone.rt, 1)]


def test_review_lists_owners_and_collective_leads(zone: Zone) -> None:
    review = actions.review_plan(zone.rt, _plan(), supervisor="YHB")
    assert review.ready
    owners = [t.owner_name for t in review.tasks]
    assert owners == ["葛店开发区市场监督管理分局", "国家税务总局葛店开发区税务局", "葛店开发区优化营商环境办公室"]
    assert review.tasks[0].co_ids == [zone.unit_id("GAJ"), zone.unit_id("SWJ")]
    assert review.unmatched == []
    # without a supervising office, a task led by 区直各有关部门 has no owner
    assert not actions.review_plan(zone.rt, _plan()).ready


def test_import_creates_one_case_per_task_with_clocks(zone: Zone) -> None:
    numbers = _imported(zone)
    assert len(numbers) == 3
    rows = actions.ledger_rows(zone.rt, 1)
    dated, ongoing, collective = rows
    assert dated.owner == "葛店开发区市场监督管理分局"
    assert dated.due_at is not None
    assert dated.due_at.astimezone(TZ).date().isoformat() == "2021-05-31"
    assert dated.lead_units == ["市场监管分局"]
    assert dated.cooperating_units == ["公安局", "税务局"]
    assert dated.targets == [{"metric": "开办时间", "comparator": "<=", "value": 0.5, "unit": "工作日"}]
    assert ongoing.due_at is None  # no deadline clock, a monthly report instead
    (report,) = _children(zone, ongoing.case_number)
    assert report.kind == "ledger_report"
    assert report.payload["month"] == "2021-04"
    assert report.due_at is not None
    assert report.due_at.astimezone(TZ).date().isoformat() == "2021-04-25"
    assert collective.owner == "葛店开发区优化营商环境办公室"
    with read(zone.rt.engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ledger_tasks)).scalar_one() == 3
    ledger = actions.list_ledgers(zone.rt)[0]
    assert (ledger.title, ledger.task_count, ledger.source) == ("葛店开发区2021年营商环境重点任务", 3, "small.txt")


def test_report_consolidates_co_unit_inputs_and_files_the_month(zone: Zone) -> None:
    numbers = _imported(zone)
    tax = numbers[1]
    actions.contribute(zone.rt, tax, zone.handlers["CJJ"], text="财金局已完成退税资金保障", evidence=["拨付单.pdf"])
    task = _case(zone, tax)
    assert task.payload["co_inputs"][str(zone.unit_id("CJJ"))]["consolidated"] is False
    zone.clock.set(zone.clock.current + timedelta(days=1))
    new = actions.file_report(
        zone.rt, tax, zone.handlers["SWJ"], text="4月办税时间压缩至90小时", status="on_track", percent=40
    )
    progress = new.payload["progress"]
    assert progress["percent"] == 40
    assert [c["text"] for c in progress["consolidated"]] == ["财金局已完成退税资金保障"]
    assert new.payload["co_inputs"][str(zone.unit_id("CJJ"))]["consolidated"] is True
    (report,) = _children(zone, tax)
    assert report.state == "filed"
    actions.accept_report(zone.rt, report.number, zone.supervisor)
    assert _children(zone, tax)[0].state == "accepted"
    history = [r.action for r in actions.task_reports(zone.rt, tax)]
    assert history == ["contribute", "report"]


def test_who_may_act(zone: Zone) -> None:
    numbers = _imported(zone)
    start = numbers[0]
    with pytest.raises(ActionNotAllowed):  # a co-unit does not report for the lead
        actions.file_report(zone.rt, start, zone.handlers["GAJ"], text="x")
    with pytest.raises(ActionNotAllowed):  # a unit outside the task does not contribute
        actions.contribute(zone.rt, start, zone.handlers["ZSJ"], text="x")
    with pytest.raises(ActionNotAllowed):  # the lead does not mark its own task done
        actions.complete(zone.rt, start, zone.handlers["SCJG"])
    with pytest.raises(actions.LedgerError):
        actions.file_report(zone.rt, start, zone.handlers["SCJG"], text="x", percent=120)


def test_completion_review_send_back_and_done(zone: Zone) -> None:
    numbers = _imported(zone)
    start = numbers[0]
    lead = zone.handlers["SCJG"]
    actions.submit_completion(zone.rt, start, lead, text="已实现0.5个工作日办结", evidence=["验收报告.docx"])
    assert _case(zone, start).state == "review"
    actions.send_back(zone.rt, start, zone.supervisor, reason="请补充办件数据")
    assert _case(zone, start).state == "in_progress"
    actions.review_report(zone.rt, start, zone.supervisor, verdict="returned", comment="数据不全")
    actions.submit_completion(zone.rt, start, lead, text="补充了数据")
    done = actions.complete(zone.rt, start, zone.supervisor, comment="同意销号")
    assert done.state == "done"
    with pytest.raises(InvalidAction):
        actions.file_report(zone.rt, start, lead, text="再报")
    # closing an ongoing task closes its open monthly report
    tax = numbers[1]
    actions.cancel(zone.rt, tax, zone.supervisor, reason="并入其他任务")
    assert [c.state for c in _children(zone, tax)] == ["closed"]


def test_overdue_task_and_missed_report_raise_supervision_events(zone: Zone) -> None:
    numbers = _imported(zone)
    zone.clock.set(datetime(2021, 4, 26, 9, 0, tzinfo=TZ))  # the April report was due on Sunday the 25th (调休)
    tick(zone.rt)
    zone.clock.set(datetime(2021, 6, 1, 9, 0, tzinfo=TZ))  # task 1 was due on 31 May
    tick(zone.rt)
    events = actions.supervision_events(zone.rt)
    kinds = {(e.kind, e.title) for e in events}
    assert ("report_missed", "持续优化纳税服务") in kinds
    title = "推行企业开办“一网通办”,开办时间压缩至0.5个工作日"
    assert ("task_overdue", title) in kinds
    rows = actions.ledger_rows(zone.rt, 1, overdue=True)
    assert [r.case_number for r in rows] == [numbers[0]]
    assert rows[0].status_label == "已超期"
    assert actions.ledger_rows(zone.rt, 1)[1].status_label == "逾期未报"


def test_monthly_dispatch_is_idempotent(zone: Zone) -> None:
    numbers = _imported(zone)
    zone.clock.set(datetime(2021, 5, 6, 9, 0, tzinfo=TZ))
    opened = actions.dispatch_reports(zone.rt)
    assert len(opened) == 1
    assert actions.dispatch_reports(zone.rt) == []
    months = sorted(c.payload["month"] for c in _children(zone, numbers[1]))
    assert months == ["2021-04", "2021-05"]
    may = next(c for c in _children(zone, numbers[1]) if c.payload["month"] == "2021-05")
    assert may.due_at is not None
    assert may.due_at.astimezone(TZ).date().isoformat() == "2021-05-25"


def test_filter_by_unit(zone: Zone) -> None:
    _imported(zone)
    tax_unit = zone.unit_id("SWJ")
    assert [r.seq for r in actions.ledger_rows(zone.rt, 1, unit_id=tax_unit)] == [1, 2]  # co-unit of 1, lead of 2
    assert [r.seq for r in actions.ledger_rows(zone.rt, 1, state="done")] == []


def test_seed_003_import_needs_mapping_once(zone: Zone) -> None:
    plan = parsed(SEED_003)
    review = actions.review_plan(zone.rt, plan, supervisor="YHB")
    unmatched = {m.name for m in review.unmatched}
    assert {"生态环境分局", "综合执法局", "区优化办"} <= unmatched
    missing = {t.task.number for t in review.without_owner}
    # 综合执法局 (20), 生态环境分局 (34), 区优化办 (51; 54 with 党政办公室 and 纪工委, none of them known)
    assert missing == {"20.", "34.", "51.", "54."}
    with pytest.raises(actions.UnmatchedUnits):
        actions.import_plan(zone.rt, plan, zone.supervisor, supervisor="YHB")
    mapping = {"生态环境分局": "HBJ", "综合执法局": "CGJ", "区优化办": "YHB"}
    ledger = actions.import_plan(zone.rt, plan, zone.supervisor, supervisor="YHB", mapping=mapping)
    assert ledger.task_count == 54
    # remembered: the next review matches them without being told
    again = actions.review_plan(zone.rt, plan, supervisor="YHB")
    assert {"生态环境分局", "综合执法局", "区优化办"}.isdisjoint({m.name for m in again.unmatched})
    assert ("区优化办", "YHB", "葛店开发区优化营商环境办公室") in actions.unit_aliases_list(zone.rt)
    rows = actions.ledger_rows(zone.rt, ledger.id)
    assert rows[33].owner == "葛店开发区环保分局"
    with read(zone.rt.engine) as conn:
        reports = conn.execute(sa.select(sa.func.count()).select_from(cases).where(cases.c.kind == "ledger_report"))
        assert reports.scalar_one() == sum(1 for t in plan.tasks if "ongoing" in str(t.deadline))


def test_unknown_unit_code_in_mapping(zone: Zone) -> None:
    with pytest.raises(actions.LedgerError):
        actions.review_plan(zone.rt, _plan(), mapping={"区优化办": "NOPE"})
