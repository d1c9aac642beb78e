"""The case engine: every application, approval, hotline request or task is a clocked case.

Pure domain code: no web framework, no database. See docs/architecture.md and DESIGN.md.

Modules: ``kinds`` (declarations and registry), ``clock`` (the budget), ``events`` (hash chain), ``case``
(the value), ``engine`` (open/decide/sweep/rederive), ``alarm`` (levels), ``join`` (parallel approval),
``view`` (the 时限 column), ``numbering``, ``errors``.

Adding a case kind (a module's own, e.g. a hotline request):

1. Declare ``StateSpec``s: a code, a Chinese label, a palette colour and what entering the state does to the
   clock (``RUNNING`` starts or resumes it, ``PAUSED`` pauses it — 补正, hearings under §45 —, ``STOPPED``
   stops it; terminal states must stop it).
2. Declare ``ActionSpec``s: from which states, to which state (None: stay), which roles, which data fields
   are required (named in ``MissingData``), whether it extends the clock (``extends``) or only the system
   may fire it (``system_only``).
3. A ``ClockPolicy``: the limit (or a payload field that carries the item's own), when to warn, an optional
   timeout action (超时默认; it must leave its from-states, so it fires once) and the extension cap.
4. ``register_kind(CaseKind(...))`` at import of the module; ``CaseKind`` checks every reference and that
   every state is reachable, so a typo fails at import. ``generic.py`` is a worked example.
"""

from onestop.cases import generic as generic  # registers the sample kinds
from onestop.cases.actor import SYSTEM, Actor, SystemActor
from onestop.cases.case import AlarmLevel, Case, evolve
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
    "evolve",
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
