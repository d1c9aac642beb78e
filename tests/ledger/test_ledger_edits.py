"""A person's corrections on the review page: fields shown as written, read back the same way."""

from __future__ import annotations

import pytest

from onestop.ledger import parse_text
from onestop.ledger.edits import PlanEditError, co_names, deadline_field, edit_task, lead_names, units_field
from onestop.ledger.model import Task

PLAN = """测试县2022年营商环境重点任务
一、重点任务
1.企业开办时间压缩至1个工作日。(牵头单位:县市场监管局;配合单位:县公安局、各乡镇(街道);完成时限:6月底)
2.优化纳税服务。(责任单位:县税务局、县财政局;完成时限:长期坚持)
"""


def _tasks() -> list[Task]:
    return parse_text(PLAN).tasks


def _edit(task: Task, **fields: str) -> Task:
    shown = {
        "text": task.text,
        "lead": units_field(lead_names(task)),
        "co": units_field(co_names(task)),
        "deadline": deadline_field(task),
    }
    given = {**shown, **fields}
    return edit_task(
        task, seq=1, plan_year=2022, text=given["text"], lead=given["lead"], co=given["co"], deadline=given["deadline"]
    )


def test_fields_left_as_shown_change_nothing() -> None:
    first, second = _tasks()
    assert _edit(first) == first
    assert _edit(second) == second
    assert deadline_field(first) == "6月底"
    assert units_field(co_names(first)) == "县公安局、各乡镇(街道)"


def test_text_correction_rereads_targets() -> None:
    first = _tasks()[0]
    edited = _edit(first, text="企业开办时间压缩至0.5个工作日。\r\n")
    assert edited.text == "企业开办时间压缩至0.5个工作日。"
    assert [(t.metric, t.value) for t in edited.targets] == [("企业开办时间", 0.5)]


def test_units_and_deadline_corrections() -> None:
    first, second = _tasks()
    edited = _edit(first, lead="县市场监管局，县政务服务中心", deadline="2022年7月底")
    assert edited.lead_units == ["县市场监管局", "县政务服务中心"]
    assert edited.cooperating_units == ["县公安局", "各乡镇(街道)"]  # brackets kept whole
    assert (edited.deadline, edited.deadline_text) == ("2022-07-31", "2022年7月底")
    assert _edit(first, deadline="长期").deadline == "ongoing"
    assert _edit(first, deadline="").deadline is None
    # 责任单位 lead; correcting the co-units keeps them leading
    fixed = _edit(second, co="县人社局")
    assert (fixed.lead_units, fixed.cooperating_units) == (["县税务局", "县财政局"], ["县人社局"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"deadline": "尽快"}, "t1_deadline"), ({"lead": "、"}, "t1_lead"), ({"text": " "}, "t1_text")],
)
def test_bad_corrections_name_the_field(fields: dict[str, str], field: str) -> None:
    with pytest.raises(PlanEditError) as caught:
        _edit(_tasks()[0], **fields)
    assert caught.value.field == field
    assert caught.value.status == 422
