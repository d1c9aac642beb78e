"""效能监察 actions: the supervision rules on the tick, supervision orders, and the read models of oversight.

* ``on_tick(rt, now)`` — runs every enabled rule (``onestop.oversight.rules``) and raises one supervision order
  (``supervision_order``, owned by the case's unit) per new hit; returns how many it raised. Each order is
  opened in its own transaction together with its ``supervision_hits`` row; the unique (rule, case, seq) of
  that row makes two tick workers that find the same hit collide, so at most one order is raised.
* ``raise_order`` (a supervisor, by hand), ``answer_order`` (the unit), ``accept_order``, ``return_order``,
  ``escalate_order`` (挂牌督办), ``cancel_order`` (the supervisor): the order's own actions, with the case guard.
  Escalation when the answer is late is the kind's timeout action, fired by the engine's tick.
* Reads, scoped by ``onestop.oversight.access``: ``overview`` (every open clock per unit by colour, kind and
  state), ``scorecards`` (per unit per period, ranked, 约谈), ``bulletin`` (the monthly bulletin's figures) and
  ``render_bulletin`` (.docx/.xlsx/.pdf), ``orders``.
* Settings: ``current_rules`` / ``current_config`` (bundled data with the deployment's overrides),
  ``settings`` (both in force, with who overrode them when: supervisors and administrators),
  ``set_rules`` / ``set_config`` and their TOML-text forms ``set_rules_text`` / ``set_config_text`` (an
  administrator; checked whole before they are stored; every change and reset written to the audit log).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.access import NOT_FOUND_MESSAGE, access_case_by_number, access_case_guard
from onestop.actions.cases import open_case, perform
from onestop.actions.runtime import Runtime
from onestop.auth import audit
from onestop.cases.case import Case
from onestop.cases.errors import NotFound, UnknownKind
from onestop.cases.kinds import get_kind
from onestop.db import oversight_repo as repo
from onestop.db.engine import read, write
from onestop.db.org_repo import load_unit_tree
from onestop.org.roles import Role
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.oversight import config as config_data
from onestop.oversight import rules as rules_data
from onestop.oversight import settings as settings_data
from onestop.oversight.access import (
    Region,
    access_oversight,
    access_raise,
    access_raise_on,
    access_region,
    access_settings,
    access_settings_change,
)
from onestop.oversight.bulletin.figures import Bulletin, Topic, TypicalCase, assemble
from onestop.oversight.config import ScoreConfig
from onestop.oversight.errors import InvalidConfig, InvalidOrder, OrderOpen, OversightError
from onestop.oversight.kinds import ORDER
from onestop.oversight.overview import UnitOverview, build_overview, totals
from onestop.oversight.periods import Period
from onestop.oversight.rules import MANUAL, MANUAL_LABEL, Check, Rule
from onestop.oversight.scorecard import Scorecard, UnitMeasures
from onestop.oversight.scorecard import scorecards as rank_scorecards
from onestop.worktime import CalendarYearUnknown, WorkingTime

RULES_KEY = "rules"
CONFIG_KEY = "scorecard"
SYSTEM = Actor.system()
# The command line acts for the deployment as a whole (it has the database URL, so it has everything).
CLI_ACTOR = Actor(user_id=None, username="onestop-cli", roles=frozenset({Role.ADMIN}))
Format = Literal["docx", "xlsx", "pdf"]
FORMATS: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


# -- settings --------------------------------------------------------------------------------------------------


def current_rules(rt: Runtime) -> tuple[Rule, ...]:
    with read(rt.engine) as conn:
        override = repo.load_setting(conn, RULES_KEY)
    return rules_data.parse_rules(override) if override is not None else rules_data.load_rules()


def current_config(rt: Runtime) -> ScoreConfig:
    with read(rt.engine) as conn:
        override = repo.load_setting(conn, CONFIG_KEY)
    return config_data.load_config(override if isinstance(override, Mapping) else None)


@dataclass(frozen=True)
class SettingState:
    """Whether an override is in force, and who stored it when (None: the bundled file)."""

    override: Any
    updated_at: datetime | None
    updated_by: str | None

    @property
    def is_override(self) -> bool:
        return self.override is not None


@dataclass(frozen=True)
class Settings:
    rules: tuple[Rule, ...]
    rules_state: SettingState
    config: ScoreConfig
    config_document: dict[str, Any]  # the bundled file with the override laid over it: what is in force
    config_state: SettingState


def _state(conn: Connection, key: str) -> SettingState:
    row = repo.load_setting_row(conn, key)
    return SettingState(None, None, None) if row is None else SettingState(row.value, row.updated_at, row.updated_by)


def settings(rt: Runtime, actor: Actor) -> Settings:
    """The rules and scorecard settings in force, for a supervisor or an administrator."""
    access_settings(actor)
    with read(rt.engine) as conn:
        rules_state, config_state = _state(conn, RULES_KEY), _state(conn, CONFIG_KEY)
    rules = rules_data.parse_rules(rules_state.override) if rules_state.is_override else rules_data.load_rules()
    override = config_state.override if isinstance(config_state.override, Mapping) else {}
    document = config_data.merge(config_data.default_document(), override)
    return Settings(rules, rules_state, config_data.parse_config(document), document, config_state)


def _record(conn: Connection, rt: Runtime, actor: Actor, key: str, *, value: Any, ip: str | None) -> None:
    # The settings row keeps only the latest who/when, and a reset deletes it: the audit log keeps them all.
    audit.record(
        conn,
        at=rt.now(),
        action=f"oversight_{key}_{'set' if value is not None else 'reset'}",
        username=actor.username,
        user_id=actor.user_id,
        target=key,
        ip=ip,
        detail={"value": value} if value is not None else {},
    )


def set_rules(
    rt: Runtime, actor: Actor, entries: Sequence[Mapping[str, Any]] | None, *, ip: str | None = None
) -> tuple[Rule, ...]:
    """Replaces the rules (None: back to the bundled ones). Kinds must be installed, so a typo cannot
    silently turn a rule off."""
    access_settings_change(actor)
    if entries is None:
        with write(rt.engine) as conn:
            repo.save_setting(conn, RULES_KEY, None, at=rt.now(), by=actor.username)
            _record(conn, rt, actor, RULES_KEY, value=None, ip=ip)
        return rules_data.load_rules()
    parsed = rules_data.parse_rules(entries)
    for rule in parsed:
        for kind in rule.kinds:
            try:
                get_kind(kind)
            except UnknownKind:
                raise InvalidConfig(f"督办规则「{rule.code}」：办件类型「{kind}」未安装", field="kinds") from None
    stored = [r.to_json() for r in parsed]
    with write(rt.engine) as conn:
        repo.save_setting(conn, RULES_KEY, stored, at=rt.now(), by=actor.username)
        _record(conn, rt, actor, RULES_KEY, value=stored, ip=ip)
    return parsed


def set_config(rt: Runtime, actor: Actor, override: Mapping[str, Any] | None, *, ip: str | None = None) -> ScoreConfig:
    """Stores an override of the scorecard settings (merged over the bundled file; None removes it)."""
    access_settings_change(actor)
    if override:
        settings_data.check_override_keys(override, config_data.default_document())
    parsed = config_data.load_config(override)  # refuses a bad override before anything is stored
    stored = dict(override) if override else None
    with write(rt.engine) as conn:
        repo.save_setting(conn, CONFIG_KEY, stored, at=rt.now(), by=actor.username)
        _record(conn, rt, actor, CONFIG_KEY, value=stored, ip=ip)
    return parsed


def set_rules_text(rt: Runtime, actor: Actor, text: str, *, ip: str | None = None) -> tuple[Rule, ...]:
    """A rules file (``[[rule]]`` tables, as ``rules show`` prints them) checked whole, then stored."""
    access_settings_change(actor)
    return set_rules(rt, actor, settings_data.rule_entries(settings_data.read_toml(text)), ip=ip)


def set_config_text(rt: Runtime, actor: Actor, text: str, *, ip: str | None = None) -> ScoreConfig:
    """A scorecard override (any part of ``data/scorecard.toml``'s shape) checked whole, then stored."""
    access_settings_change(actor)
    document = settings_data.read_toml(text)
    if not document:
        raise InvalidConfig("考评设置文件为空；恢复默认设置请用「恢复默认」", field="toml")
    return set_config(rt, actor, document, ip=ip)


# -- rules and raising orders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    rule: str
    subject: str  # the supervised case's number
    order: str  # the order's number


@dataclass
class RuleRun:
    now: datetime
    checked: dict[str, int] = field(default_factory=dict)  # rule code -> cases it matched
    raised: list[Raised] = field(default_factory=list)


class _AlreadyRaised(Exception):
    """Inside the order's transaction: the pair got an order meanwhile (another worker); nothing is written."""


def on_tick(rt: Runtime, now: datetime) -> int:
    """The tick hook: runs the supervision rules at ``now``; returns how many orders it raised."""
    return len(run_rules(rt, now).raised)


def run_rules(rt: Runtime, now: datetime | None = None, *, rules: Sequence[Rule] | None = None) -> RuleRun:
    now = now or rt.now()
    at_now = replace(rt, now=lambda: now)  # orders are opened at the tick's instant
    wt = rt.working_time()
    run = RuleRun(now)
    for rule in rules if rules is not None else current_rules(rt):
        if not rule.enabled:
            continue
        with read(rt.engine) as conn:
            hits = _hits(conn, rule, now, wt)
            last = repo.last_hits(conn, rule.code, [c.case_id for c, _ in hits])
        run.checked[rule.code] = len(hits)
        for candidate, reason in hits:
            previous = last.get(candidate.case_id)
            if previous is not None and (
                previous.open or not rules_data.may_raise_again(rule, previous.order_updated_at, now, wt)
            ):
                continue
            order = _raise(
                at_now,
                SYSTEM,
                rule_code=rule.code,
                rule_label=rule.label,
                candidate=candidate,
                reason=reason,
                limit_days=rule.order_limit,
            )
            if order is not None:
                run.raised.append(Raised(rule.code, candidate.number, order.number))
    return run


def _hits(conn: Connection, rule: Rule, now: datetime, wt: WorkingTime) -> list[tuple[repo.Candidate, str]]:
    found: list[tuple[repo.Candidate, str]] = []
    if rule.check is Check.OVERDUE:
        for c in repo.overdue_candidates(conn, rule.kinds, now):
            if c.unit_id is None:
                continue
            try:
                if not rules_data.overdue_hit(rule, c.due_at, now, wt):
                    continue
                assert c.due_at is not None
                days = rules_data.overdue_workdays(c.due_at, now, wt)
            except CalendarYearUnknown:
                continue  # a due instant beyond the calendar: no honest count of days
            found.append((c, rules_data.reason_text(rule, number=c.number, overdue_days=days)))
    else:
        for c in repo.returned_candidates(conn, rule.kinds, rule.actions, rule.threshold):
            if c.unit_id is not None and rules_data.returned_hit(rule, c.returns):
                found.append((c, rules_data.reason_text(rule, number=c.number, returns=c.returns)))
    return found


def _kind_label(code: str) -> str:
    try:
        return get_kind(code).label
    except UnknownKind:
        return code


def _installed_labels(kinds: Sequence[str]) -> str:
    labels = []
    for code in kinds:
        try:
            labels.append(get_kind(code).label)
        except UnknownKind:
            continue  # a kind the settings name but this deployment has not installed
    return "、".join(labels)


def _raise(
    rt: Runtime,
    actor: Actor,
    *,
    rule_code: str,
    rule_label: str,
    candidate: repo.Candidate,
    reason: str,
    limit_days: int,
    refuse_open: bool = False,
) -> Case | None:
    """Opens the order and its hit row in one transaction; None if the pair already has an open order."""

    def record(conn: Connection, order: Case) -> None:
        last = repo.last_hits(conn, rule_code, [candidate.case_id]).get(candidate.case_id)
        if last is not None and last.open:
            raise _AlreadyRaised
        assert order.id is not None
        repo.insert_hit(
            conn,
            rule_code=rule_code,
            subject_case_id=candidate.case_id,
            seq=(last.seq if last else 0) + 1,
            order_case_id=order.id,
            at=rt.now(),
            by=actor.username,
        )

    payload = {
        "subject": f"督办：{candidate.number}（{rule_label}）",
        "subject_number": candidate.number,
        "subject_kind": candidate.kind,
        "subject_kind_label": _kind_label(candidate.kind),
        "rule": rule_code,
        "rule_label": rule_label,
        "reason": reason,
        "limit": f"{limit_days}d",
    }
    try:
        return open_case(rt, ORDER, actor, unit_id=candidate.unit_id, payload=payload, within=record)
    except (_AlreadyRaised, sa.exc.IntegrityError):
        if refuse_open:
            raise OrderOpen(f"办件 {candidate.number} 已有未办结的{rule_label}督办单", field="number") from None
        return None


def raise_order(rt: Runtime, actor: Actor, *, number: str, reason: str, limit_days: int = 3) -> Case:
    """督办 by hand: a supervisor raises an order on a case of their region (one open manual order per case)."""
    access_raise(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidOrder("「督办事由」不能为空", field="reason")
    if len(reason) > 2000:
        raise InvalidOrder("「督办事由」不能超过 2000 字", field="reason")
    if isinstance(limit_days, bool) or not 1 <= limit_days <= rules_data.MAX_DAYS:
        raise InvalidOrder(f"「答复时限」应为 1–{rules_data.MAX_DAYS} 个工作日", field="limit_days")
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        number = number.strip().upper()
        subject = access_case_by_number(conn, actor, number, tree).case
    access_raise_on(actor, tree, subject.unit_id)
    assert subject.id is not None
    candidate = repo.Candidate(subject.id, subject.number, subject.kind, subject.unit_id)
    order = _raise(
        rt,
        actor,
        rule_code=MANUAL,
        rule_label=MANUAL_LABEL,
        candidate=candidate,
        reason=reason,
        limit_days=limit_days,
        refuse_open=True,
    )
    assert order is not None
    return order


def _order_action(
    rt: Runtime,
    actor: Actor,
    number: str,
    *,
    action: str,
    data: Mapping[str, Any] | None,
    expected_version: int | None,
) -> Case:
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        found = access_case_by_number(conn, actor, number.strip().upper(), tree).case
    if found.kind != ORDER:
        raise NotFound(NOT_FOUND_MESSAGE.format(number=number), field="number")
    return perform(
        rt,
        found.number,
        action,
        actor,
        data,
        expected_version=expected_version,
        guard=access_case_guard(actor, tree),
    )


def answer_order(rt: Runtime, actor: Actor, number: str, reply: str, *, expected_version: int | None = None) -> Case:
    return _order_action(rt, actor, number, action="answer", data={"reply": reply}, expected_version=expected_version)


def accept_order(rt: Runtime, actor: Actor, number: str, *, expected_version: int | None = None) -> Case:
    return _order_action(rt, actor, number, action="accept", data=None, expected_version=expected_version)


def return_order(rt: Runtime, actor: Actor, number: str, reason: str, *, expected_version: int | None = None) -> Case:
    return _order_action(
        rt, actor, number, action="send_back", data={"reason": reason}, expected_version=expected_version
    )


def escalate_order(rt: Runtime, actor: Actor, number: str, reason: str, *, expected_version: int | None = None) -> Case:
    return _order_action(
        rt, actor, number, action="escalate", data={"reason": reason}, expected_version=expected_version
    )


def cancel_order(rt: Runtime, actor: Actor, number: str, reason: str, *, expected_version: int | None = None) -> Case:
    return _order_action(rt, actor, number, action="cancel", data={"reason": reason}, expected_version=expected_version)


# -- reads -----------------------------------------------------------------------------------------------------


def _names(tree: UnitTree) -> dict[int, str]:
    return {unit.id: unit.name for unit in tree}


@dataclass(frozen=True)
class Overview:
    region: Region
    units: list[UnitOverview]
    totals: dict[str, int]
    orders: dict[str, int]  # supervision orders by state
    now: datetime


def overview(rt: Runtime, actor: Actor, *, region: str | None = None) -> Overview:
    """Every open clock of the region (all kinds) per unit, by colour and by kind and state."""
    now = rt.now()
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        scope = access_region(access_oversight(actor), tree, region)
        rows = repo.overview_rows(conn, unit_ids=scope.unit_ids, now=now)
        orders = repo.order_counts(conn, unit_ids=scope.unit_ids)
    units = build_overview(rows, _names(tree))
    return Overview(scope, units, totals(units), orders, now)


@dataclass(frozen=True)
class Scorecards:
    region: Region
    period: Period
    cards: list[Scorecard]
    config: ScoreConfig


def _measures(
    conn: Connection, scope: Region, period: Period, *, tree: UnitTree, config: ScoreConfig, end: datetime
) -> list[UnitMeasures]:
    return repo.unit_measures(
        conn, start=period.start_at, end=end, unit_ids=scope.unit_ids, names=_names(tree), config=config
    )


def scorecards(rt: Runtime, actor: Actor, period: str | Period, *, region: str | None = None) -> Scorecards:
    """Each unit of the region scored for the period, ranked best first, 约谈 flagged."""
    parsed = period if isinstance(period, Period) else Period.parse(period, field="period")
    config = current_config(rt)
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        scope = access_region(access_oversight(actor), tree, region)
        measures = _measures(conn, scope, parsed, tree=tree, config=config, end=parsed.end_at)
    active = [m for m in measures if any((m.received, m.finished, m.ratings, m.bad, m.orders, m.returns))]
    return Scorecards(scope, parsed, rank_scorecards(active, config), config)


def bulletin(rt: Runtime, actor: Actor, period: str | Period, *, region: str | None = None) -> Bulletin:
    """The monthly bulletin's figures for the period and region, as of the period's end (or now)."""
    parsed = period if isinstance(period, Period) else Period.parse(period)
    config = current_config(rt)
    now = rt.now()
    cut_off = min(now, parsed.end_at)
    wt = rt.working_time()
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        scope = access_region(access_oversight(actor), tree, region)
        measures = _measures(conn, scope, parsed, tree=tree, config=config, end=parsed.end_at)
        topic_counts = repo.hot_topics(
            conn,
            start=parsed.start_at,
            end=parsed.end_at,
            unit_ids=scope.unit_ids,
            sources=config.topics,
            limit=config.hot_topics,
        )
        overdue = repo.most_overdue(
            conn, before=cut_off, unit_ids=scope.unit_ids, kinds=config.service_kinds, limit=config.typical_cases
        )
    names = _names(tree)
    topics = [Topic(t.label, _installed_labels(t.kinds), t.count, 100.0 * t.count / t.total) for t in topic_counts]
    typical = [_typical(c, names, cut_off, wt) for c in overdue]
    return assemble(
        region_name=scope.name,
        period=parsed,
        measures=measures,
        topics=topics,
        typical=typical,
        config=config,
        generated_at=now,
        cut_off=cut_off,
    )


def _typical(c: repo.OverdueCase, names: Mapping[int, str], cut_off: datetime, wt: WorkingTime) -> TypicalCase:
    try:
        days = rules_data.overdue_workdays(c.due_at, cut_off, wt)
    except CalendarYearUnknown:
        days = 0
    try:
        kind = get_kind(c.kind)
        kind_label, state_label = kind.label, kind.states[c.state].label
    except (UnknownKind, KeyError):
        kind_label, state_label = c.kind, c.state
    subject = next((str(c.payload[k]) for k in ("title", "item", "subject") if c.payload.get(k)), "")
    return TypicalCase(
        number=c.number,
        kind_label=kind_label,
        unit_name=names.get(c.unit_id or 0, "未分配"),
        subject=subject,
        state_label=state_label,
        due_at=c.due_at,
        overdue_days=days,
    )


def render_bulletin(b: Bulletin, fmt: str) -> bytes:
    renderers: dict[str, Callable[[Bulletin], bytes]]
    from onestop.oversight.bulletin.excel import render_xlsx
    from onestop.oversight.bulletin.pdf import render_pdf
    from onestop.oversight.bulletin.word import render_docx

    renderers = {"docx": render_docx, "xlsx": render_xlsx, "pdf": render_pdf}
    if fmt not in renderers:
        raise OversightError(f"「格式」无效：{fmt}，可选：docx、xlsx、pdf", field="format", code="invalid_format")
    return renderers[fmt](b)


def orders(
    rt: Runtime, actor: Actor, *, region: str | None = None, states: Sequence[str] | None = None, limit: int = 200
) -> tuple[Region, list[repo.OrderRow]]:
    with read(rt.engine) as conn:
        tree = load_unit_tree(conn)
        scope = access_region(access_oversight(actor), tree, region)
        return scope, repo.list_orders(conn, unit_ids=scope.unit_ids, states=states, limit=limit)
