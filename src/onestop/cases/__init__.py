"""The case engine: every application, approval, hotline request or task is a clocked case.

Pure domain code: no web framework, no database. See docs/architecture.md and DESIGN.md.
"""

from onestop.cases import generic as generic  # registers the sample kinds
from onestop.cases.actor import SYSTEM, Actor, SystemActor
from onestop.cases.case import AlarmLevel, Case
from onestop.cases.clock import Clock, Segment
from onestop.cases.engine import (
    check_version,
    decide,
    next_alarm_at,
    open_case,
    rederive,
    sweep,
    valid_actions,
)
from onestop.cases.errors import (
    ActionNotAllowed,
    DomainError,
    InvalidAction,
    MissingData,
    NotFound,
    UnknownKind,
    VersionConflict,
)
from onestop.cases.events import GENESIS_HASH, ChainProblem, Event, event_hash, make_event, verify_chain
from onestop.cases.join import join, join_ready
from onestop.cases.kinds import (
    ActionSpec,
    CaseKind,
    ClockMode,
    ClockPolicy,
    StateSpec,
    all_kinds,
    get_kind,
    register_kind,
)
from onestop.cases.numbering import format_number, parse_number
from onestop.cases.view import ClockView, clock_view

__all__ = [
    "GENESIS_HASH",
    "SYSTEM",
    "ActionNotAllowed",
    "ActionSpec",
    "Actor",
    "AlarmLevel",
    "Case",
    "CaseKind",
    "ChainProblem",
    "Clock",
    "ClockMode",
    "ClockPolicy",
    "ClockView",
    "DomainError",
    "Event",
    "InvalidAction",
    "MissingData",
    "NotFound",
    "Segment",
    "StateSpec",
    "SystemActor",
    "UnknownKind",
    "VersionConflict",
    "all_kinds",
    "check_version",
    "clock_view",
    "decide",
    "event_hash",
    "format_number",
    "get_kind",
    "join",
    "join_ready",
    "make_event",
    "next_alarm_at",
    "open_case",
    "parse_number",
    "rederive",
    "register_kind",
    "sweep",
    "valid_actions",
    "verify_chain",
]
