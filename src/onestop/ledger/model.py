"""What reading a plan produces: the plan, its tasks and their quantitative targets (plain values, JSON-ready)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Target:
    metric: str
    comparator: str
    value: int | float
    unit: str

    def to_json(self) -> dict[str, object]:
        return {"metric": self.metric, "comparator": self.comparator, "value": self.value, "unit": self.unit}


@dataclass
class Task:
    number: str
    path: list[str]
    title: str
    text: str
    lead_units: list[str]
    cooperating_units: list[str]
    responsible_units: list[str]
    leader: str | None
    deadline: str | list[str] | None
    deadline_text: str | None
    targets: list[Target]

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "cooperating_units": list(self.cooperating_units),
            "responsible_units": list(self.responsible_units),
            "leader": self.leader,
            "deadline": self.deadline if not isinstance(self.deadline, list) else list(self.deadline),
            "deadline_text": self.deadline_text,
            "targets": [t.to_json() for t in self.targets],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Task:
        """Raises ValueError (or KeyError, TypeError) on anything ``to_json`` would not have written."""
        deadline = data.get("deadline")
        for value in deadline if isinstance(deadline, list) else [deadline]:
            if value is not None and value != "ongoing":
                date.fromisoformat(str(value))  # a deadline is an ISO date or "ongoing", nothing else
        return cls(
            number=str(data.get("number") or ""),
            path=[str(p) for p in data.get("path") or []],
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            lead_units=[str(u) for u in data.get("lead_units") or []],
            cooperating_units=[str(u) for u in data.get("cooperating_units") or []],
            responsible_units=[str(u) for u in data.get("responsible_units") or []],
            leader=_text(data.get("leader")),
            deadline=[str(d) for d in deadline] if isinstance(deadline, list) else _text(deadline),
            deadline_text=_text(data.get("deadline_text")),
            targets=[
                Target(str(t["metric"]), str(t["comparator"]), _number(t["value"]), str(t["unit"]))
                for t in data.get("targets") or []
            ],
        )


@dataclass
class Plan:
    title: str | None
    issuer: str | None
    date: str | None
    tasks: list[Task]

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "issuer": self.issuer,
            "date": self.date,
            "tasks": [t.to_json() for t in self.tasks],
        }

    @property
    def year(self) -> int | None:
        return plan_year(self.title, self.date)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        """The inverse of ``to_json`` (a parse carried through the review form)."""
        return cls(
            title=_text(data.get("title")),
            issuer=_text(data.get("issuer")),
            date=_text(data.get("date")),
            tasks=[Task.from_json(t) for t in data.get("tasks") or []],
        )


def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number: {value!r}")
    return value


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def plan_year(title: str | None, issued: str | None = None) -> int | None:
    """The year a plan is for, from its title ("2022年度…方案"); None when the title names none."""
    if title:
        match = re.search(r"(\d{4})年", title)
        if match:
            return int(match.group(1))
    return None


@dataclass(frozen=True)
class LedgerRow:
    """One task as the ledger table, its exports and its pages show it."""

    seq: int
    case_number: str
    number: str
    title: str
    text: str
    lead_units: list[str]
    cooperating_units: list[str]
    owner: str
    leader: str | None
    deadline: str | list[str] | None
    deadline_text: str | None
    state: str
    state_label: str
    alarm: str
    due_at: datetime | None
    progress_text: str = ""
    progress_status: str = ""
    progress_percent: int | None = None
    progress_at: str = ""
    report_number: str | None = None
    report_state: str | None = None
    report_alarm: str | None = None
    targets: list[dict[str, object]] = field(default_factory=list)

    @property
    def deadline_label(self) -> str:
        """完成时限 as offices write it: the plan's words, else the date."""
        if self.deadline_text:
            return self.deadline_text
        if isinstance(self.deadline, list):
            return "、".join("长期" if d == "ongoing" else d for d in self.deadline)
        if self.deadline == "ongoing":
            return "长期"
        return self.deadline or ""

    @property
    def status_label(self) -> str:
        """状态 as offices write it: 已完成, 已超期, 推进中 …"""
        if self.state in ("done", "cancelled"):
            return self.state_label
        if self.alarm == "overdue":
            return "已超期"
        if self.report_alarm == "overdue" and self.report_state == "待报送":
            return "逾期未报"
        return self.state_label
