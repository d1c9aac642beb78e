"""Entered values: the rules (pure) and the actions (one transaction each, permissions, optimistic versions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from onestop.actions.evaluation import approve_entry, return_entry, save_entry, submit_entry
from onestop.actions.evaluation_reads.store import list_entries, load_entry
from onestop.actions.runtime import Runtime
from onestop.db.engine import read
from onestop.evaluation import entries as rules
from onestop.evaluation.access import can_enter, can_review
from onestop.evaluation.entries import EntryStatus
from onestop.evaluation.errors import EntryConflict, EntryForbidden, EntryNotFound, InvalidEntry, UnknownIndicator
from onestop.evaluation.tree import load_tree
from onestop.org.users import Actor
from onestop.worktime import TZ
from tests.evaluation.conftest import Prefecture

NOW = datetime(2026, 10, 20, 10, tzinfo=TZ)
TREE = load_tree(2026)
ONLINE = TREE.component("gov_services.online_rate")  # %, 100 / 50
GROWTH = TREE.component("inclusive_innovation.new_entities_growth")  # %, 20 / −10
STEPS = TREE.component("getting_electricity.procedures")  # 个, 2 / 9


def _entry(value: float = 95.0, evidence: tuple[str, ...] = ("清单.xlsx",)) -> rules.Entry:
    return rules.new_entry(
        component=ONLINE,
        region_id=3,
        period="2026Q3",
        value=value,
        unit_id=4,
        evidence=evidence,
        note="  按省平台统计  ",
        by="clerk",
        now=NOW,
    )


def test_values_are_checked_against_the_component() -> None:
    assert rules.validate_value(ONLINE, 97) == 97.0
    assert rules.validate_value(GROWTH, -3.5) == -3.5  # a growth rate may fall
    assert rules.validate_value(STEPS, 12) == 12.0  # beyond the worst value: allowed, scored 0
    for component, value, message in [
        (ONLINE, 101, "不能超过 100"),
        (ONLINE, -1, "不能为负数"),
        (STEPS, -1, "不能为负数"),
        (ONLINE, float("nan"), "须为数值"),
        (ONLINE, True, "须为数值"),
    ]:
        with pytest.raises(InvalidEntry, match=message):
            rules.validate_value(component, value)


def test_evidence_names() -> None:
    assert rules.validate_evidence([" 清单.xlsx ", "", "说明.pdf"]) == ("清单.xlsx", "说明.pdf")
    for names, message in [
        (["../etc/passwd"], "无效"),
        (["a\\b.pdf"], "无效"),
        (["a\nb.pdf"], "无效"),
        (["a.pdf", "a.pdf"], "重复"),
        ([f"{i}.pdf" for i in range(21)], "最多 20 个"),
        (["x" * 201], "过长"),
    ]:
        with pytest.raises(InvalidEntry, match=message):
            rules.validate_evidence(names)


def test_the_review_cycle() -> None:
    entry = _entry()
    assert (entry.status, entry.version, entry.note) == (EntryStatus.DRAFT, 1, "按省平台统计")
    submitted = rules.submit(entry, by="clerk", now=NOW)
    assert submitted.status is EntryStatus.SUBMITTED
    with pytest.raises(InvalidEntry, match="待审核，不能修改"):
        rules.edit(submitted, ONLINE, value=1, unit_id=4, evidence=(), note="", by="clerk", now=NOW)
    with pytest.raises(InvalidEntry, match="本人"):
        rules.approve(submitted, by="clerk", now=NOW)
    returned = rules.return_entry(submitted, by="boss", now=NOW, comment="缺少统计口径说明")
    assert (returned.status, returned.reviewed_by, returned.review_comment) == (
        EntryStatus.RETURNED,
        "boss",
        "缺少统计口径说明",
    )
    corrected = rules.edit(
        returned, ONLINE, value=93, unit_id=4, evidence=["清单.xlsx", "口径.docx"], note="", by="clerk", now=NOW
    )
    approved = rules.approve(rules.submit(corrected, by="clerk", now=NOW), by="boss", now=NOW, comment="同意")
    assert (approved.status, approved.value, approved.version) == (EntryStatus.APPROVED, 93.0, 6)
    assert [h.action for h in approved.history] == ["save", "submit", "return", "save", "submit", "approve"]
    withdrawn = rules.return_entry(approved, by="boss", now=NOW, comment="口径有误，撤回")
    assert withdrawn.status is EntryStatus.RETURNED


def test_steps_out_of_order_are_refused() -> None:
    entry = _entry()
    with pytest.raises(InvalidEntry, match="不能审核"):
        rules.approve(entry, by="boss", now=NOW)
    with pytest.raises(InvalidEntry, match="不能退回"):
        rules.return_entry(entry, by="boss", now=NOW, comment="x")
    with pytest.raises(InvalidEntry, match="佐证材料"):
        rules.submit(_entry(evidence=()), by="clerk", now=NOW)
    submitted = rules.submit(entry, by="clerk", now=NOW)
    with pytest.raises(InvalidEntry, match="理由"):
        rules.return_entry(submitted, by="boss", now=NOW, comment="  ")
    with pytest.raises(InvalidEntry, match="不能提交"):
        rules.submit(submitted, by="clerk", now=NOW)


# -- through the action layer ------------------------------------------------------------------------------------


def test_permissions(prefecture: Prefecture) -> None:
    from onestop.db.org_repo import load_unit_tree

    with read(prefecture.rt.engine) as conn:
        units = load_unit_tree(conn)
    u, a = prefecture.units, prefecture.actors
    hp, dy = u["HPX"].id, u["DYX"].id
    assert can_enter(a["approver_hp"], units, hp)
    assert not can_enter(a["approver_hp"], units, dy)  # another county
    assert can_enter(a["supervisor"], units, dy)  # the prefecture's 营商办
    assert can_enter(a["admin"], units, dy)
    assert can_review(a["supervisor"], units, hp)
    assert not can_review(a["approver_hp"], units, hp)
    assert can_review(a["admin"], units, hp)
    outsider = Actor(user_id=99, username="x", roles=frozenset({"approver"}), unit_id=None)
    assert not can_enter(outsider, units, hp)
    assert not can_review(outsider, units, hp)


def _save(p: Prefecture, actor: str = "approver_hp", **changes: Any) -> rules.Entry:
    values: dict[str, Any] = {
        "region_id": p.units["HPX"].id,
        "period": "2026Q3",
        "indicator": "gov_services.online_rate",
        "value": 88.5,
        "evidence": ["网办事项清单.xlsx"],
        "note": "省平台导出",
    }
    values.update(changes)
    return save_entry(p.rt, p.actors[actor], **values)


def test_enter_submit_review_and_approve(prefecture: Prefecture, rt: Runtime) -> None:
    p = prefecture
    p.at(NOW)
    entry = _save(p)
    assert entry.id is not None
    assert (entry.status, entry.unit_id, entry.entered_by) == (EntryStatus.DRAFT, p.units["HPX-SCJ"].id, "approver_hp")
    corrected = _save(p, value=89.0, expected_version=1)
    assert (corrected.id, corrected.value, corrected.version) == (entry.id, 89.0, 2)
    with pytest.raises(EntryConflict):
        _save(p, value=90.0, expected_version=1)  # someone saw version 1; it is 2 now
    submitted = submit_entry(rt, p.actors["approver_hp"], entry.id, expected_version=2)
    assert submitted.status is EntryStatus.SUBMITTED
    with pytest.raises(EntryForbidden):
        approve_entry(rt, p.actors["approver_hp"], entry.id)  # not the 营商办
    returned = return_entry(rt, p.actors["supervisor"], entry.id, comment="请附统计口径说明")
    assert returned.status is EntryStatus.RETURNED
    _save(p, evidence=["网办事项清单.xlsx", "统计口径.docx"])
    submit_entry(rt, p.actors["approver_hp"], entry.id)
    approved = approve_entry(rt, p.actors["supervisor2"], entry.id, comment="同意")
    assert approved.status is EntryStatus.APPROVED
    with read(rt.engine) as conn:
        stored = load_entry(conn, entry.id)
        assert stored == approved
        assert stored.evidence == ("网办事项清单.xlsx", "统计口径.docx")
        assert [h.action for h in stored.history] == ["save", "save", "submit", "return", "save", "submit", "approve"]
        assert [e.id for e in list_entries(conn, period="2026Q3", status=EntryStatus.APPROVED)] == [entry.id]
        with pytest.raises(EntryNotFound):
            load_entry(conn, 9999)


def test_the_reviewer_cannot_approve_their_own_entry(prefecture: Prefecture, rt: Runtime) -> None:
    entry = _save(prefecture, actor="supervisor", region_id=prefecture.units["DYX"].id)
    submit_entry(rt, prefecture.actors["supervisor"], entry.id or 0)
    with pytest.raises(InvalidEntry, match="本人"):
        approve_entry(rt, prefecture.actors["supervisor"], entry.id or 0)
    assert approve_entry(rt, prefecture.actors["supervisor2"], entry.id or 0).status is EntryStatus.APPROVED


def test_entries_are_refused_where_they_do_not_belong(prefecture: Prefecture) -> None:
    p = prefecture
    with pytest.raises(EntryForbidden):
        _save(p, region_id=p.units["DYX"].id)  # 和平县's approver for 东源县
    with pytest.raises(InvalidEntry, match="不是行政区"):
        _save(p, actor="admin", region_id=p.units["HPX-SCJ"].id)
    with pytest.raises(InvalidEntry, match="不在"):
        _save(p, actor="supervisor", unit_id=p.units["DYX-ZWFW"].id)
    with pytest.raises(InvalidEntry, match="由平台根据办件数据计算"):
        _save(p, indicator="gov_services.on_time_rate")  # computed by a registered measure
    with pytest.raises(UnknownIndicator):
        _save(p, indicator="gov_services.nothing")
    with pytest.raises(InvalidEntry, match="不能超过 100"):
        _save(p, value=120)
    with pytest.raises(EntryConflict):
        _save(p, expected_version=3)  # there is nothing to be at version 3
