"""One view over every clock: open cases per unit, by clock colour (alarm level) and by kind and state.

The colour of a case is read from its stored columns the way the workbench reads it, so a clock past its
due instant shows red even before the tick has swept it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

COLOURS = ("overdue", "warning", "normal", "paused", "not_started")
COLOUR_LABELS = {
    "overdue": "超期",
    "warning": "预警",
    "normal": "正常",
    "paused": "暂停",
    "not_started": "未计时",
}


def colour_of(mode: str, alarm: str, due_passed: bool, alarm_passed: bool) -> str:
    if mode == "paused":
        return "paused"
    if mode != "running":
        return "not_started"
    if alarm == "overdue" or due_passed:
        return "overdue"
    if alarm == "warning" or alarm_passed:
        return "warning"
    return "normal"


@dataclass
class UnitOverview:
    unit_id: int
    unit_name: str
    colours: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    # (kind code, state code) -> open cases
    states: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.colours.values())


@dataclass(frozen=True)
class CountRow:
    """One grouped row of the overview query."""

    unit_id: int | None
    kind: str
    state: str
    mode: str
    alarm: str
    due_passed: bool
    alarm_passed: bool
    count: int


def build_overview(rows: Iterable[CountRow], names: dict[int, str]) -> list[UnitOverview]:
    """Per unit (most overdue first, then by name); cases of no unit are listed under id 0 「未分配」."""
    found: dict[int, UnitOverview] = {}
    for row in rows:
        unit_id = row.unit_id or 0
        item = found.get(unit_id)
        if item is None:
            item = found[unit_id] = UnitOverview(unit_id, names.get(unit_id, "未分配"))
        item.colours[colour_of(row.mode, row.alarm, row.due_passed, row.alarm_passed)] += row.count
        key = (row.kind, row.state)
        item.states[key] = item.states.get(key, 0) + row.count
    return sorted(found.values(), key=lambda u: (-u.colours["overdue"], -u.colours["warning"], u.unit_name))


def totals(units: Iterable[UnitOverview]) -> dict[str, int]:
    out = dict.fromkeys(COLOURS, 0)
    for unit in units:
        for colour, n in unit.colours.items():
            out[colour] += n
    return out
