"""Case kinds: the declaration a module writes to get a clocked case (states, actions, roles, clock policy).

A kind is data, not code, so that one engine runs every module (DESIGN.md: "everything is a clocked case").
Kinds are checked when they are built: a typo in a state code must fail at import time, not on the first
citizen who presses the button.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from onestop.cases.errors import UnknownKind
from onestop.choices import COLOURS
from onestop.worktime import Limit


class ClockMode(StrEnum):
    """What a state does to the case's clock on entry."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


# The platform's one palette (NetBox-style colour names the UI maps to badge classes).
PALETTE = COLOURS


@dataclass(frozen=True)
class StateSpec:
    code: str
    label: str
    colour: str
    clock: ClockMode
    terminal: bool = False


@dataclass(frozen=True)
class ActionSpec:
    code: str
    label: str
    from_states: frozenset[str]
    to_state: str | None  # None: the case stays in its state (a comment, an extension)
    roles: frozenset[str]
    required: tuple[str, ...] = ()
    # data["extension"] (e.g. "10d") is added to the clock, bounded by ClockPolicy.max_extension.
    extends: bool = False
    # Only the system actor (sweep, joins) may fire it, e.g. 超时默认.
    system_only: bool = False
    # Chinese labels of data fields, used in MissingData messages; falls back to FIELD_LABELS.
    field_labels: Mapping[str, str] = field(default_factory=dict)


def action(
    code: str,
    label: str,
    from_states: Iterable[str],
    to_state: str | None,
    roles: Iterable[str],
    *,
    required: tuple[str, ...] = (),
    extends: bool = False,
    system_only: bool = False,
    field_labels: Mapping[str, str] | None = None,
) -> ActionSpec:
    """An `ActionSpec` from plain collections: what kind declarations in every module are written with."""
    return ActionSpec(
        code,
        label,
        frozenset(from_states),
        to_state,
        frozenset(roles),
        required=required,
        extends=extends,
        system_only=system_only,
        field_labels=dict(field_labels or {}),
    )


@dataclass(frozen=True)
class ClockPolicy:
    limit: Limit | None
    # Payload key that overrides the limit per case, e.g. the item's committed limit "3d".
    limit_field: str | None = None
    warn_before: Limit = field(default_factory=lambda: Limit.days(1))
    # Fired once by the sweep, as the system actor, when the clock is overdue (e.g. 超时默认 auto-approval).
    timeout_action: str | None = None
    # Upper bound of the sum of all extensions; None means the kind sets no bound.
    max_extension: Limit | None = None


# Labels of data fields common to many kinds, so MissingData can say 「理由」 rather than "reason".
FIELD_LABELS: dict[str, str] = {
    "reason": "理由",
    "opinion": "审批意见",
    "extension": "延长期限",
    "items": "补正材料清单",
    "reply": "答复内容",
    "payload": "业务数据",
}


@dataclass(frozen=True)
class CaseKind:
    code: str
    label: str
    prefix: str  # case-number prefix, e.g. "SQ"
    initial_state: str
    states: Mapping[str, StateSpec]
    actions: Mapping[str, ActionSpec]
    clock: ClockPolicy
    # Fired (as the system actor) on a parent when all its children are terminal.
    join_action: str | None = None

    def __post_init__(self) -> None:
        _validate(self)

    def state(self, code: str) -> StateSpec:
        return self.states[code]

    def action(self, code: str) -> ActionSpec | None:
        return self.actions.get(code)

    def is_terminal(self, state: str) -> bool:
        return self.states[state].terminal

    def field_label(self, action: ActionSpec, name: str) -> str:
        return action.field_labels.get(name) or FIELD_LABELS.get(name) or name


def _validate(kind: CaseKind) -> None:
    where = f"case kind {kind.code!r}"
    for key, spec in kind.states.items():
        if key != spec.code:
            raise ValueError(f"{where}: state key {key!r} != its code {spec.code!r}")
        if spec.colour not in PALETTE:
            raise ValueError(f"{where}: state {key!r} colour {spec.colour!r} not in palette {sorted(PALETTE)}")
        # A finished case must not keep counting against a unit's scorecard.
        if spec.terminal and spec.clock is not ClockMode.STOPPED:
            raise ValueError(f"{where}: terminal state {key!r} must stop the clock")
    if kind.initial_state not in kind.states:
        raise ValueError(f"{where}: unknown initial state {kind.initial_state!r}")
    for key, action in kind.actions.items():
        if key != action.code:
            raise ValueError(f"{where}: action key {key!r} != its code {action.code!r}")
        if key == "open" or key.startswith("clock_") or key == "due_changed":
            raise ValueError(f"{where}: action code {key!r} is reserved for engine events")
        if not action.from_states:
            raise ValueError(f"{where}: action {key!r} has no from_states")
        for s in action.from_states:
            if s not in kind.states:
                raise ValueError(f"{where}: action {key!r} from unknown state {s!r}")
            if kind.states[s].terminal:
                raise ValueError(f"{where}: action {key!r} leaves terminal state {s!r}")
        if action.to_state is not None and action.to_state not in kind.states:
            raise ValueError(f"{where}: action {key!r} to unknown state {action.to_state!r}")
        if not action.roles:
            raise ValueError(f"{where}: action {key!r} names no role")
        if action.extends and kind.clock.limit is None and kind.clock.limit_field is None:
            raise ValueError(f"{where}: action {key!r} extends a clock the kind does not have")
    for ref_name, ref in (("join_action", kind.join_action), ("timeout_action", kind.clock.timeout_action)):
        if ref is not None and ref not in kind.actions:
            raise ValueError(f"{where}: {ref_name} {ref!r} is not an action")
    timeout = kind.clock.timeout_action
    if timeout is not None:
        timeout_spec = kind.actions[timeout]
        # The sweep fires the timeout action whenever it is valid on an overdue case; leaving its own
        # from_states is what makes it fire exactly once.
        if timeout_spec.to_state is None or timeout_spec.to_state in timeout_spec.from_states:
            raise ValueError(f"{where}: timeout action {timeout!r} must leave its from_states")
    _check_reachable(kind, where)


def _check_reachable(kind: CaseKind, where: str) -> None:
    seen = {kind.initial_state}
    frontier = [kind.initial_state]
    while frontier:
        here = frontier.pop()
        for action in kind.actions.values():
            to = action.to_state
            if here in action.from_states and to is not None and to not in seen:
                seen.add(to)
                frontier.append(to)
    unreachable = sorted(set(kind.states) - seen)
    if unreachable:
        raise ValueError(f"{where}: states unreachable from {kind.initial_state!r}: {unreachable}")


_REGISTRY: dict[str, CaseKind] = {}


def register_kind(kind: CaseKind) -> CaseKind:
    """Register a kind under its code; re-registering an equal kind is a no-op (module reloads)."""
    existing = _REGISTRY.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"case kind {kind.code!r} is already registered with a different definition")
    _REGISTRY[kind.code] = kind
    return kind


def get_kind(code: str) -> CaseKind:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownKind(f"未知的案件类型「{code}」") from None


def all_kinds() -> tuple[CaseKind, ...]:
    return tuple(_REGISTRY.values())
