"""Targets beside actuals: a task's quantitative targets mapped to the platform's measures, and the actuals
computed from fixture cases opened through the action layer.

The window and hotline kinds are built in parallel; the evaluation sources' roles are pointed at the generic
kinds here (application and hotline → generic_application), which is how the lead points them at the real ones.

葛店开发区, 2021 so far (the clock stands at Fri 23 April):
  A  企业开办 bundle, accepted Wed 21 April 09:10, finished 16:00 the same day      0 working days
  B  企业开办 bundle, accepted Wed 21 April 10:10, finished Thu 22 April 10:00     1 working day
  C  opened Thu 22 April, never accepted
开办时间 = (0 + 1) / 2 = 0.5 ≤ 0.5 → met; 办结率 (opened this year, finished) = 2 / 3 = 66.7 % < 97 % → not met.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from onestop.actions import ledger as actions
from onestop.actions.cases import open_case, perform
from onestop.actions.org import create_user
from onestop.cases.errors import NotFound
from onestop.evaluation.sources import ROLES, kinds_configured
from onestop.ledger import parse_text
from onestop.ledger.metrics import HOURS_PER_WORKDAY, match_measure, target_met
from onestop.ledger.model import Target
from onestop.org.roles import Role
from onestop.org.users import User
from onestop.worktime import TZ
from tests.ledger.conftest import Zone
from tests.ledger.test_ledger_seeds import ALL, parsed

PLAN = """葛店开发区2021年营商环境重点任务
一、重点任务
1.推行企业开办“一网通办”,开办时间压缩至0.5个工作日。(牵头单位:市场监管分局;配合单位:公安局、税务局;完成时限:2021年5月底)
2.提升12345热线服务质量,办结率达到97%以上,申请材料不超过8件。(牵头单位:行政审批局;完成时限:长期推进)
"""
GENERIC = {"application": "generic_application", "approval": "generic_approval", "hotline": "generic_application"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2021, 4, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def generic_sources() -> Iterator[None]:
    with kinds_configured(GENERIC):
        yield


def _cases(zone: Zone) -> None:
    clerk = create_user(
        zone.rt, User(0, "clerk", "受理员", zone.unit_id("XZSP"), frozenset({Role.WINDOW_CLERK})), None
    ).as_actor()
    bundle = {"limit": "5d", "target": "qykb"}
    for opened, accepted, finished in (
        (at(21, 9), at(21, 9, 10), at(21, 16)),
        (at(21, 10), at(21, 10, 10), at(22, 10)),
    ):
        zone.clock.set(opened)
        case = open_case(zone.rt, "generic_application", clerk, unit_id=zone.unit_id("XZSP"), payload=bundle)
        zone.clock.set(accepted)
        perform(zone.rt, case.number, "accept", clerk)
        zone.clock.set(finished)
        perform(zone.rt, case.number, "finish", clerk)
    zone.clock.set(at(22, 11))
    open_case(zone.rt, "generic_application", clerk, unit_id=zone.unit_id("XZSP"), payload={"limit": "5d"})


@pytest.mark.usefixtures("generic_sources")
def test_targets_beside_actuals(zone: Zone) -> None:
    actions.import_plan(zone.rt, parse_text(PLAN), zone.supervisor, supervisor="YHB")
    _cases(zone)
    zone.clock.set(at(23, 9))
    start, hotline = (r.case_number for r in actions.ledger_rows(zone.rt, 1))
    (time,) = actions.task_targets(zone.rt, start, actor=zone.handlers["SCJG"])
    assert (time.metric, time.comparator, time.value, time.unit) == ("开办时间", "<=", 0.5, "工作日")
    assert time.measure == "window.starting_business.time"
    assert time.actual == pytest.approx(0.5)
    assert (time.met, time.case_count, time.actual_unit) == (True, 2, "工作日")
    assert "2021年度" in time.period
    assert "葛店开发区管理委员会" in time.period
    closure, materials = actions.task_targets(zone.rt, hotline, actor=zone.supervisor)
    assert closure.measure == "hotline.closure_rate"
    assert closure.actual == pytest.approx(200 / 3)
    assert (closure.met, closure.case_count, closure.comparator_label) == (False, 3, "不低于")
    assert (materials.metric, materials.measure, materials.actual) == ("申请材料", None, None)
    assert materials.note == "平台暂不采集该项数据"


def test_actuals_wait_for_the_modules_and_respect_visibility(zone: Zone) -> None:
    actions.import_plan(zone.rt, parse_text(PLAN), zone.supervisor, supervisor="YHB")
    start = actions.ledger_rows(zone.rt, 1)[0].case_number
    with kinds_configured(dict.fromkeys(ROLES, "not_installed")):
        (time,) = actions.task_targets(zone.rt, start)
    assert (time.measure, time.actual, time.met) == ("window.starting_business.time", None, None)
    assert time.note == "相关业务模块尚未接入"
    with pytest.raises(NotFound):  # a unit outside the task does not see it
        actions.task_targets(zone.rt, start, actor=zone.handlers["ZSJ"])


@pytest.mark.parametrize(
    ("target", "text", "measure"),
    [
        (Target("开办企业的时限", "<=", 0.5, "工作日"), "", "window.starting_business.time"),
        (Target("企业开办全流程", "<=", 1, "工作日"), "", "window.starting_business.time"),
        (Target("设立登记时限", "<=", 0.5, "工作日"), "全面推行企业开办全程网上办", "window.starting_business.time"),
        (Target("企业开办申请", "<=", 7, "件"), "", None),  # materials: not measured
        (Target("不动产登记环节", "<=", 3, "个"), "", "window.property.procedures"),
        (Target("抵押登记业务", "<=", 2, "小时"), "不动产抵押登记", "window.property.time"),
        (Target("办结率", ">=", 97, "%"), "12345热线…办结率达到97%以上", "hotline.closure_rate"),
        (Target("群众满意率", ">=", 92, "%"), "12345热线", "hotline.satisfaction_rate"),
        (Target("群众满意率", ">=", 92, "%"), "窗口服务", None),  # not the hotline: no measure says which
        (Target("“好差评”实名差评回访整改率", ">=", 100, "%"), "", "ratings.rectified_rate"),
        (Target("即办比例", ">=", 80, "%"), "", "generic_application.immediate_share"),
        (Target("全程网办率", ">=", 90, "%"), "", "window.online_rate"),
        (Target("全区用户平均停电时间", "reduce_by", 20, "%"), "", None),
        (Target("审批时限", "<=", 60, "工作日"), "工程建设项目", None),
    ],
)
def test_target_to_measure(target: Target, text: str, measure: str | None) -> None:
    found = match_measure(target, text)
    assert (found.measure if found else None) == measure


def test_hours_compare_at_eight_a_day_and_comparators() -> None:
    found = match_measure(Target("抵押登记业务", "<=", 2, "小时"), "不动产")
    assert found is not None
    assert found.factor * 2 == pytest.approx(2 / HOURS_PER_WORKDAY)
    assert (target_met("<=", 0.5, 0.5), target_met("<", 0.5, 0.5), target_met(">=", 97, 96.9)) == (True, False, False)
    assert target_met("reduce_by", 20, 10) is None


def test_seed_targets_the_platform_measures() -> None:
    """Across the five seeds, the targets the platform can show an actual for (read from the plans by hand)."""
    found = {}
    for seed in ALL:
        for task in parsed(seed).tasks:
            for target in task.targets:
                match = match_measure(target, task.text)
                if match is not None:
                    found[(seed.file[:3], target.metric)] = match.measure
    assert found[("003", "开办企业的时限")] == "window.starting_business.time"
    assert found[("003", "“好差评”实名差评回访整改率")] == "ratings.rectified_rate"
    assert found[("003", "即办比例")] == "generic_application.immediate_share"
    assert found[("002", "办结率")] == "hotline.closure_rate"
    assert found[("002", "群众满意率")] == "hotline.satisfaction_rate"
    assert found[("002", "不动产登记环节")] == "window.property.procedures"
    assert found[("002", "企业开办全流程")] == "window.starting_business.time"
    assert ("000", "养老保险参保率") not in found
