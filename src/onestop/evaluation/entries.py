"""Entered indicator values (填报值): a value per region, period and component, with evidence and review.

The rules, pure (the action layer persists them):

* a unit fills in a value with its evidence (file names of the 佐证材料) and saves it as a draft (草稿);
* submitting (提交) needs at least one evidence file; the value is then locked;
* the 营商办 (a supervisor) approves it (审核通过) or returns it with a reason (退回); only approved values
  are scored. A returned value can be corrected and submitted again; an approved value can be returned
  (withdrawn) with a reason when it turns out wrong;
* nobody reviews their own entry (四眼原则);
* every step is appended to the entry's history: who, what, when, the comment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from onestop.choices import ChoiceSet
from onestop.evaluation.errors import InvalidEntry
from onestop.evaluation.tree import Component

MAX_EVIDENCE = 20
MAX_FILE_NAME = 200
MAX_TEXT = 2000


class EntryStatus(ChoiceSet, verbose_name="填报状态"):
    DRAFT = "draft", "草稿", "gray"
    SUBMITTED = "submitted", "待审核", "blue"
    APPROVED = "approved", "审核通过", "green"
    RETURNED = "returned", "已退回", "orange"


EDITABLE = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED})


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    by: str
    action: str  # save, submit, approve, return
    comment: str = ""

    def to_json(self) -> dict[str, str]:
        return {"at": self.at.isoformat(), "by": self.by, "action": self.action, "comment": self.comment}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> HistoryItem:
        return cls(datetime.fromisoformat(data["at"]), data["by"], data["action"], data.get("comment", ""))


@dataclass(frozen=True)
class Entry:
    id: int | None
    region_id: int
    period: str
    indicator: str  # component key, e.g. "gov_services.online_rate"
    value: float
    unit_id: int | None  # the unit that reported it
    evidence: tuple[str, ...]
    note: str
    status: EntryStatus
    entered_by: str
    reviewed_by: str | None
    review_comment: str
    history: tuple[HistoryItem, ...]
    version: int
    created_at: datetime
    updated_at: datetime


def validate_value(component: Component, value: float) -> float:
    """A finite number; not negative where neither bound is; at most 100 for a percentage bounded by 100."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidEntry(f"“{component.name}”的填报值须为数值", field="value")
    value = float(value)
    low, high = sorted((component.frontier, component.worst))
    if low >= 0 and value < 0:
        raise InvalidEntry(f"“{component.name}”的填报值不能为负数", field="value")
    if component.unit == "%" and high <= 100 and value > 100:
        raise InvalidEntry(f"“{component.name}”为百分比，填报值不能超过 100", field="value")
    return value


def validate_evidence(names: Iterable[str]) -> tuple[str, ...]:
    """File names of the evidence: non-empty, no folders, no control characters, no duplicates, at most 20."""
    result: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if len(name) > MAX_FILE_NAME:
            raise InvalidEntry(f"佐证材料文件名过长（最多 {MAX_FILE_NAME} 个字符）：{name[:20]}…", field="evidence")
        if "/" in name or "\\" in name or any(ord(ch) < 32 for ch in name) or name in {".", ".."}:
            raise InvalidEntry(f"佐证材料文件名无效：{name}", field="evidence")
        if name in result:
            raise InvalidEntry(f"佐证材料重复：{name}", field="evidence")
        result.append(name)
    if len(result) > MAX_EVIDENCE:
        raise InvalidEntry(f"佐证材料最多 {MAX_EVIDENCE} 个", field="evidence")
    return tuple(result)


def _text(value: str, field: str, label: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidEntry(f"{label}过长（最多 {MAX_TEXT} 个字）", field=field)
    return value


def new_entry(
    *,
    component: Component,
    region_id: int,
    period: str,
    value: float,
    unit_id: int | None,
    evidence: Iterable[str],
    note: str,
    by: str,
    now: datetime,
) -> Entry:
    return Entry(
        id=None,
        region_id=region_id,
        period=period,
        indicator=component.key,
        value=validate_value(component, value),
        unit_id=unit_id,
        evidence=validate_evidence(evidence),
        note=_text(note, "note", "说明"),
        status=EntryStatus.DRAFT,
        entered_by=by,
        reviewed_by=None,
        review_comment="",
        history=(HistoryItem(now, by, "save"),),
        version=1,
        created_at=now,
        updated_at=now,
    )


def edit(
    entry: Entry,
    component: Component,
    *,
    value: float,
    unit_id: int | None,
    evidence: Iterable[str],
    note: str,
    by: str,
    now: datetime,
) -> Entry:
    if entry.status not in EDITABLE:
        raise InvalidEntry(f"填报值{entry.status.label}，不能修改", field="status")
    return _step(
        entry,
        "save",
        by,
        now,
        value=validate_value(component, value),
        unit_id=unit_id,
        evidence=validate_evidence(evidence),
        note=_text(note, "note", "说明"),
        status=EntryStatus.DRAFT,
        entered_by=by,
    )


def submit(entry: Entry, *, by: str, now: datetime) -> Entry:
    if entry.status not in EDITABLE:
        raise InvalidEntry(f"填报值{entry.status.label}，不能提交", field="status")
    if not entry.evidence:
        raise InvalidEntry("提交前须上传至少一份佐证材料", field="evidence")
    return _step(entry, "submit", by, now, status=EntryStatus.SUBMITTED, entered_by=by)


def approve(entry: Entry, *, by: str, now: datetime, comment: str = "") -> Entry:
    if entry.status is not EntryStatus.SUBMITTED:
        raise InvalidEntry(f"填报值{entry.status.label}，不能审核", field="status")
    _not_own(entry, by)
    comment = _text(comment, "comment", "审核意见")
    return _step(
        entry, "approve", by, now, comment, status=EntryStatus.APPROVED, reviewed_by=by, review_comment=comment
    )


def return_entry(entry: Entry, *, by: str, now: datetime, comment: str) -> Entry:
    """退回: a submitted value back to the unit, or an approved one withdrawn; the reason is required."""
    if entry.status not in {EntryStatus.SUBMITTED, EntryStatus.APPROVED}:
        raise InvalidEntry(f"填报值{entry.status.label}，不能退回", field="status")
    _not_own(entry, by)
    comment = _text(comment, "comment", "退回理由")
    if not comment:
        raise InvalidEntry("退回须说明理由", field="comment")
    return _step(entry, "return", by, now, comment, status=EntryStatus.RETURNED, reviewed_by=by, review_comment=comment)


def _not_own(entry: Entry, by: str) -> None:
    if by == entry.entered_by:
        raise InvalidEntry("不能审核本人填报的数据", field="reviewer")


def _step(entry: Entry, action: str, by: str, now: datetime, comment: str = "", **changes: Any) -> Entry:
    history = (*entry.history, HistoryItem(now, by, action, comment))
    return replace(entry, history=history, version=entry.version + 1, updated_at=now, **changes)
