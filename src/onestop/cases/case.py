"""The case value object: one row's worth of state, rebuilt from (and checked against) its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from onestop.cases._fast import build
from onestop.cases.clock import Clock


class AlarmLevel(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"
    OVERDUE = "overdue"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABEL[self]


_RANK = {AlarmLevel.NORMAL: 0, AlarmLevel.WARNING: 1, AlarmLevel.OVERDUE: 2}
_LABEL = {AlarmLevel.NORMAL: "正常", AlarmLevel.WARNING: "预警", AlarmLevel.OVERDUE: "超期"}


@dataclass(frozen=True)
class Case:
    id: int | None  # database id; None until persisted
    number: str
    kind: str
    state: str
    unit_id: int | None  # owning unit
    parent_id: int | None  # e.g. the application a department's approval belongs to
    party_id: int | None  # the applicant / caller
    payload: Mapping[str, object]  # module data, JSON-able; replaced, never mutated
    clock: Clock | None  # None for kinds (or cases) without a time limit
    alarm: AlarmLevel
    version: int  # optimistic lock; +1 per event
    created_at: datetime
    updated_at: datetime
    last_hash: str  # hash of the last event: detects truncation of the event log
    event_count: int
    # Additions: the due instant as last derived, stored so a calendar change can be noticed (rederive) and so
    # lists can sort by it without a calendar at hand.
    due_at: datetime | None = None
    due_provisional: bool = False


def new_case(**fields: object) -> Case:
    """``Case(**fields)`` for the hot path (every open): all fields must be given, none is checked."""
    missing = _FIELDS - fields.keys()
    if missing or len(fields) != len(_FIELDS):
        raise TypeError(f"Case needs exactly its fields; missing {sorted(missing)}")
    return build(Case, fields)


def evolve(case: Case, /, **changes: object) -> Case:
    """``dataclasses.replace`` for the hot path: a copy with ``changes``, without re-running ``__init__``.

    Every action makes one; ``replace`` costs several times more. Only field names may be changed.
    """
    if not _FIELDS.issuperset(changes):
        raise TypeError(f"Case has no fields {sorted(changes.keys() - _FIELDS)}")
    return build(Case, {**case.__dict__, **changes})


_FIELDS = frozenset(Case.__dataclass_fields__)
