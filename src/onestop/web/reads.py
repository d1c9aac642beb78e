"""Read models of the pages and the API: the workbench list, the case page, the public status page.

Visibility comes from ``onestop.access`` only; this module decides what a visible case looks like. Personal
numbers are masked here for every list and timeline; only ``party_view(..., revealed=...)`` shows them whole,
and only with a record already written by ``onestop.actions.privacy.reveal_party``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from onestop.access import CaseAccess, access_visible_cases_filter
from onestop.actions.intake import ANONYMOUS, IntakeForm, get_form
from onestop.actions.privacy import PartyRecord
from onestop.cases.case import Case
from onestop.cases.clock import DAY_UNIT
from onestop.cases.errors import DomainError
from onestop.cases.events import Event
from onestop.cases.kinds import FIELD_LABELS, ActionSpec, CaseKind, all_kinds, get_kind
from onestop.cases.view import clock_view, describe_limit
from onestop.db import cases_repo
from onestop.db.tables import case_events, case_submissions, cases, parties, units, users
from onestop.org.masking import mask_phone, mask_resident_id, mask_text
from onestop.org.parties import PartyKind
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.web.present import CLOCK_COLOURS
from onestop.worktime import TZ, Limit, WorkingTime

ClockColour = Literal["normal", "warning", "overdue", "paused", "stopped", "not_started"]
MAX_PER_PAGE = 100

# Engine events (not declared by kinds) in Chinese.
ENGINE_ACTIONS: dict[str, str] = {
    "open": "登记",
    "clock_warned": "进入预警",
    "clock_overdue": "已超期",
    "due_changed": "期限重新推算",
}
DATA_LABELS: dict[str, str] = {
    **FIELD_LABELS,
    "opinion": "意见",
    "limit": "办理时限",
    "children": "各部门办理结果",
    "due": "期限",
    "from": "原",
    "to": "新",
    "provisional": "暂定",
    "item": "申请事项",
    "description": "申请内容",
    "address": "联系地址",
    "applicant": "申请人",
    "form": "表单",
    "channel": "渠道",
}
HIDDEN_DATA = frozenset({"kind", "unit_id", "parent_id", "party_id", "alarm", "form"})
# What the public sees of an event's data: what they must do or why it ended.
PUBLIC_DATA = frozenset({"items", "reason", "reply"})
CHANNELS = {"web": "网上办事大厅", "api": "接口", "window": "窗口登记"}
# Inputs of action forms by data field; other required fields get a multi-line text box.
ACTION_INPUTS: dict[str, str] = {"items": "lines", "extension": "text"}


@dataclass(frozen=True)
class CaseFilters:
    kind: str | None = None
    state: str | None = None
    unit_id: int | None = None
    colour: ClockColour | None = None
    due_after: date | None = None
    due_before: date | None = None
    q: str | None = None
    mine: bool = False
    own_only: bool = False  # only what the account itself submitted (我的申请)
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class CaseRow:
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    state_colour: str
    unit_id: int | None
    unit_name: str
    subject: str
    applicant: str
    party_id_masked: str
    party_phone_masked: str
    clock: ClockColour
    clock_label: str
    due_at: datetime | None
    due_provisional: bool
    created_at: datetime
    updated_at: datetime
    version: int
    parent_number: str | None


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int
    # The first instant a row's clock colour turns (a warning or a due instant after now); None if none will.
    turns_at: datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, TZ)


def clock_colour(
    mode: str, alarm: str, due_at: datetime | None, next_alarm_at: datetime | None, now: datetime
) -> ClockColour:
    """The colour word of a row from its stored columns, fresh even if the tick has not swept it yet."""
    if mode == "paused":
        return "paused"
    if mode == "stopped":
        return "stopped"
    if mode != "running":
        return "not_started"
    if alarm == "overdue" or (due_at is not None and due_at <= now):
        return "overdue"
    if alarm == "warning" or (next_alarm_at is not None and next_alarm_at <= now):
        return "warning"
    return "normal"


def _colour_condition(colour: ClockColour, now: datetime) -> sa.ColumnElement[bool]:
    c = cases.c
    running = c.clock_mode == "running"
    overdue = sa.or_(c.alarm == "overdue", sa.and_(c.due_at.is_not(None), c.due_at <= now))
    warning = sa.or_(c.alarm == "warning", sa.and_(c.next_alarm_at.is_not(None), c.next_alarm_at <= now))
    match colour:
        case "overdue":
            return sa.and_(running, overdue)
        case "warning":
            return sa.and_(running, sa.not_(overdue), warning)
        case "normal":
            return sa.and_(running, sa.not_(overdue), sa.not_(warning))
        case "paused":
            return c.clock_mode == "paused"
        case "stopped":
            return c.clock_mode == "stopped"
        case _:
            return c.clock_mode == "not_started"


def has_actions(actor: Actor) -> bool:
    """Whether any kind gives ``actor`` an action (an administrator has none: 我的待办 would be empty)."""
    return any(
        not action.system_only and not actor.roles.isdisjoint(action.roles)
        for kind in all_kinds()
        for action in kind.actions.values()
    )


def actionable_condition(actor: Actor) -> sa.ColumnElement[bool]:
    """Cases in a state where ``actor`` holds a role for some (non-system) action: 待我办理."""
    return _actionable(frozenset(actor.roles), len(all_kinds()))


@functools.lru_cache(maxsize=64)
def _actionable(roles: frozenset[str], _kinds: int) -> sa.ColumnElement[bool]:
    # Keyed by the number of registered kinds too: a module registering kinds later changes the answer.
    parts = []
    for kind in all_kinds():
        states = sorted(
            {
                state
                for action in kind.actions.values()
                if not action.system_only and not roles.isdisjoint(action.roles)
                for state in action.from_states
            }
        )
        if states:
            parts.append(sa.and_(cases.c.kind == kind.code, cases.c.state.in_(states)))
    return sa.or_(*parts) if parts else sa.false()


def _conditions(actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = [access_visible_cases_filter(actor, tree)]
    if f.kind:
        conds.append(cases.c.kind == f.kind)
    if f.state:
        conds.append(cases.c.state == f.state)
    if f.unit_id is not None:
        ids = sorted(tree.subtree_ids(f.unit_id)) if f.unit_id in tree else []
        conds.append(cases.c.unit_id.in_(ids))
    if f.colour:
        conds.append(_colour_condition(f.colour, now))
    if f.due_after is not None:
        conds.append(cases.c.due_at >= local_midnight(f.due_after))
    if f.due_before is not None:
        conds.append(cases.c.due_at < local_midnight(f.due_before + timedelta(days=1)))
    if f.q:
        q = f.q.strip()
        conds.append(
            sa.or_(cases.c.number.startswith(q.upper(), autoescape=True), parties.c.name.contains(q, autoescape=True))
        )
    if f.mine:
        conds.append(actionable_condition(actor))
    if f.own_only:
        conds.append(
            cases.c.id.in_(sa.select(case_submissions.c.case_id).where(case_submissions.c.user_id == actor.user_id))
        )
    return conds


def colour_counts(conn: Connection, actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> dict[str, int]:
    """How many of the filtered cases are in each clock colour (the badges above the workbench list)."""
    from dataclasses import replace

    conds = _conditions(actor, tree, replace(f, colour=None), now)
    c = cases.c
    query = (
        sa.select(
            c.clock_mode,
            c.alarm,
            sa.and_(c.due_at.is_not(None), c.due_at <= now).label("due_passed"),
            sa.and_(c.next_alarm_at.is_not(None), c.next_alarm_at <= now).label("alarm_passed"),
            sa.func.count().label("n"),
        )
        .select_from(cases.outerjoin(parties, parties.c.id == cases.c.party_id))
        .where(*conds)
        .group_by(c.clock_mode, c.alarm, "due_passed", "alarm_passed")
    )
    counts = dict.fromkeys(CLOCK_COLOURS, 0)
    for r in conn.execute(query):
        mode, alarm = r.clock_mode, r.alarm
        if mode == "running":
            if alarm == "overdue" or r.due_passed:
                colour = "overdue"
            elif alarm == "warning" or r.alarm_passed:
                colour = "warning"
            else:
                colour = "normal"
        else:
            colour = mode if mode in counts else "not_started"
        counts[colour] += int(r.n)
    return counts


def subject_of(payload: Mapping[str, Any]) -> str:
    form_code = payload.get("form")
    if isinstance(form_code, str):
        try:
            form = get_form(form_code)
        except DomainError:
            form = None
        if form is not None and form.subject_field and payload.get(form.subject_field):
            return str(payload[form.subject_field])
    for key in ("title", "item", "subject"):
        if payload.get(key):
            return str(payload[key])
    return ""


def masked_id(kind: str | None, id_number: str | None) -> str:
    if not id_number:
        return ""
    # Credit codes identify enterprises publicly and are shown whole; resident IDs never are in lists.
    return id_number if kind == PartyKind.ENTERPRISE.value else mask_resident_id(id_number)


_PARENT = cases.alias("parent")
_LIST_FROM = cases.outerjoin(parties, parties.c.id == cases.c.party_id).outerjoin(
    _PARENT, _PARENT.c.id == cases.c.parent_id
)
_LIST_COLUMNS = (
    cases.c.id,
    cases.c.number,
    cases.c.kind,
    cases.c.state,
    cases.c.unit_id,
    cases.c.payload,
    cases.c.clock_mode,
    cases.c.alarm,
    cases.c.due_at,
    cases.c.due_provisional,
    cases.c.next_alarm_at,
    cases.c.created_at,
    cases.c.updated_at,
    cases.c.version,
    parties.c.kind.label("party_kind"),
    parties.c.name.label("party_name"),
    parties.c.id_number.label("party_id_number"),
    parties.c.phone.label("party_phone"),
    _PARENT.c.number.label("parent_number"),
    _PARENT.c.payload.label("parent_payload"),
)
_ORDER = (cases.c.due_at.asc().nulls_last(), cases.c.id.desc())


def list_cases(conn: Connection, actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> CasePage:
    """One page of the cases ``actor`` may see, soonest due first.

    The page's ids are chosen first (from ``ix_cases_worklist`` where the filters allow), then only those rows
    are read whole: sorting thousands of rows with their JSON payloads to keep fifty would cost most of the
    request.
    """
    per_page = max(1, min(f.per_page, MAX_PER_PAGE))
    page = max(1, f.page)
    conds = _conditions(actor, tree, f, now)
    searched = cases.outerjoin(parties, parties.c.id == cases.c.party_id) if f.q else cases
    ids = list(
        conn.execute(
            sa.select(cases.c.id)
            .select_from(searched)
            .where(*conds)
            .order_by(*_ORDER)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    rows: list[CaseRow] = []
    turns_at: datetime | None = None
    if ids:
        fetched = conn.execute(sa.select(*_LIST_COLUMNS).select_from(_LIST_FROM).where(cases.c.id.in_(ids))).mappings()
        by_id = {r["id"]: r for r in fetched}
        rows = [_row(by_id[i], tree, now) for i in ids if i in by_id]
        instants = [
            at
            for r in by_id.values()
            if r["clock_mode"] == "running"
            for at in (r["next_alarm_at"], r["due_at"])
            if at is not None and at > now
        ]
        turns_at = min(instants, default=None)
    if page == 1 and len(ids) < per_page:
        total = len(ids)  # the whole list is on this page: no need to count
    else:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(searched).where(*conds)).scalar_one())
    return CasePage(rows=rows, total=total, page=page, per_page=per_page, turns_at=turns_at)


def data_version(conn: Connection) -> int:
    """A number that grows with every change to any case: the last event's id (an index lookup)."""
    return int(conn.execute(sa.select(sa.func.max(case_events.c.id))).scalar() or 0)


_VERSION_SQL = "SELECT max(id) FROM case_events"


def data_version_now(engine: Engine) -> int:
    """``data_version`` without a transaction of its own: one statement on a pooled driver connection.

    Asked before every cached page, so the BEGIN/COMMIT round trips of ``read()`` would cost more than the
    lookup itself; a single statement sees a consistent state on both SQLite and PostgreSQL.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()  # back to the pool, which rolls back whatever the driver began
    return int(row[0] or 0) if row else 0


def _unit_name(tree: UnitTree, unit_id: int | None) -> str:
    if unit_id is None or unit_id not in tree:
        return ""
    return tree.get(unit_id).name


def _masked_text(text: str) -> str:
    # Only digits can make an ID or phone number: most subjects have none and skip the patterns.
    return mask_text(text) if any(c.isdigit() for c in text) else text


def _masked_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) == 11 and phone.isascii() and phone.isdigit():  # stored phones are canonical mobiles mostly
        return phone[:3] + "****" + phone[7:]
    return mask_phone(phone)


def _row(r: RowMapping, tree: UnitTree, now: datetime) -> CaseRow:
    kind = get_kind(r["kind"])
    state = kind.states.get(r["state"])
    payload = r["payload"] or {}
    parent_payload = r["parent_payload"] or {}
    colour = clock_colour(r["clock_mode"], r["alarm"], r["due_at"], r["next_alarm_at"], now)
    applicant = r["party_name"] or str(payload.get("applicant") or parent_payload.get("applicant") or "")
    return CaseRow(
        number=r["number"],
        kind=kind.code,
        kind_label=kind.label,
        state=r["state"],
        state_label=state.label if state else r["state"],
        state_colour=state.colour if state else "gray",
        unit_id=r["unit_id"],
        unit_name=_unit_name(tree, r["unit_id"]),
        subject=_masked_text(subject_of(payload) or subject_of(parent_payload)),
        applicant=applicant,
        party_id_masked=masked_id(r["party_kind"], r["party_id_number"]),
        party_phone_masked=_masked_phone(r["party_phone"]),
        clock=colour,
        clock_label=CLOCK_COLOURS[colour][0],
        due_at=r["due_at"],
        due_provisional=bool(r["due_provisional"]),
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        version=r["version"],
        parent_number=r["parent_number"],
    )


# -- the case page -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    action: str
    label: str
    actor: str
    actor_name: str
    from_label: str | None
    to_label: str
    details: list[Detail]
    system: bool


@dataclass(frozen=True)
class PartyView:
    kind_label: str
    name: str
    id_number: str
    phone: str
    revealed: bool
    has_pii: bool


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class ClockPanel:
    colour: str  # 正常/预警/超期/暂停/已办结/未开始
    css: str
    limit_label: str
    used: str
    remaining: str
    unit_word: str
    due_at: datetime | None
    provisional: bool
    paused: bool
    running: list[Interval]
    pauses: list[Interval]


@dataclass(frozen=True)
class ActionField:
    name: str
    label: str
    input: str  # "lines" | "text" | "textarea"
    required: bool


@dataclass(frozen=True)
class ActionForm:
    code: str
    label: str
    to_label: str | None
    fields: list[ActionField]


@dataclass(frozen=True)
class RelatedCase:
    number: str
    kind_label: str
    state_label: str
    state_colour: str
    unit_name: str
    clock_label: str
    due_at: datetime | None


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    kind: CaseKind
    state_label: str
    state_colour: str
    terminal: bool
    unit_name: str
    subject: str
    payload: list[Detail]
    party: PartyView | None
    clock: ClockPanel | None
    timeline: list[TimelineEntry]
    actions: list[ActionForm]
    parent: RelatedCase | None
    children: list[RelatedCase]
    form_title: str | None
    channel: str | None
    may_see_pii: bool
    extra: dict[str, Any] = field(default_factory=dict)


def limit_text(value: Any) -> str:
    """ "3d" -> "3个工作日", "2h" -> "2小时"; anything else as it is."""
    try:
        return describe_limit(Limit.parse(str(value)))
    except ValueError:
        return str(value)


def _value(value: Any, reveal: bool) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "；".join(_value(v, reveal) for v in value)
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{_value(v, reveal)}" for k, v in value.items())
    if value is None:
        return ""
    text = str(value)
    return text if reveal else mask_text(text)


def _time_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return ""


def _labels_for_form(payload: Mapping[str, Any]) -> dict[str, str]:
    form_code = payload.get("form")
    if not isinstance(form_code, str):
        return {}
    try:
        form = get_form(form_code)
    except DomainError:
        return {}
    return {f.name: f.label for f in form.all_fields()}


def payload_details(payload: Mapping[str, Any], *, reveal: bool = False) -> list[Detail]:
    labels = {**DATA_LABELS, **_labels_for_form(payload)}
    out = []
    for key, raw in payload.items():
        if key in HIDDEN_DATA or raw in (None, "", [], {}):
            continue
        shown: Any = raw
        if key == "channel":
            shown = CHANNELS.get(str(raw), raw)
        elif key in ("limit", "extension"):
            shown = limit_text(raw)
        out.append(Detail(labels.get(key, key), _value(shown, reveal)))
    return out


def event_details(
    kind: CaseKind, event: Event, states: Mapping[str, str], *, reveal: bool = False, public: bool = False
) -> list[Detail]:
    data = dict(event.data)
    out: list[Detail] = []
    if event.action == "open":
        if not public:
            raw = data.get("payload")
            payload = {k: v for k, v in raw.items() if k != "limit"} if isinstance(raw, Mapping) else {}
            out.extend(payload_details(payload, reveal=reveal))
        if data.get("limit"):
            out.append(Detail("办理时限", limit_text(data["limit"])))
        return out
    if event.action in ("clock_warned", "clock_overdue"):
        out.append(Detail("期限", _time_text(data.get("due")) + ("（暂定）" if data.get("provisional") else "")))
        return out
    if event.action == "due_changed":
        out.append(Detail("原期限", _time_text(data.get("from"))))
        out.append(Detail("新期限", _time_text(data.get("to")) + ("（暂定）" if data.get("provisional") else "")))
        return out
    for key, value in data.items():
        if key in HIDDEN_DATA or value in (None, "", [], {}):
            continue
        if public and key not in PUBLIC_DATA:
            continue
        if key == "children" and isinstance(value, Mapping):
            out.append(Detail(DATA_LABELS["children"], "；".join(f"{n}：{states.get(s, s)}" for n, s in value.items())))
            continue
        if key == "payload" and isinstance(value, Mapping):
            out.extend(payload_details(value, reveal=reveal))
            continue
        action = kind.actions.get(event.action)
        name = kind.field_label(action, key) if action is not None else DATA_LABELS.get(key, key)
        shown = limit_text(value) if key in ("limit", "extension") else value
        out.append(Detail(DATA_LABELS.get(key, name) if name == key else name, _value(shown, reveal)))
    return out


def _state_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for kind in all_kinds():
        for code, spec in kind.states.items():
            labels.setdefault(code, spec.label)
    return labels


def timeline(conn: Connection, case: Case, *, reveal: bool = False, public: bool = False) -> list[TimelineEntry]:
    kind = get_kind(case.kind)
    events = cases_repo.load_events(conn, case)
    ids = sorted({e.actor_id for e in events if e.actor_id is not None})
    names: dict[int, str] = {}
    if ids and not public:
        names = {
            r.id: r.display_name
            for r in conn.execute(sa.select(users.c.id, users.c.display_name).where(users.c.id.in_(ids)))
        }
    states = _state_labels()
    owner_id = conn.execute(sa.select(case_submissions.c.user_id).where(case_submissions.c.case_id == case.id)).scalar()
    out = []
    for e in events:
        spec = kind.actions.get(e.action)
        label = spec.label if spec is not None else ENGINE_ACTIONS.get(e.action, e.action)
        system = e.actor == "system"
        if system:
            actor_name = "系统"
        elif e.actor == ANONYMOUS.username or (e.actor_id is not None and e.actor_id == owner_id):
            actor_name = "申请人"
        elif public:
            actor_name = "工作人员"
        else:
            actor_name = names.get(e.actor_id or 0, e.actor)
        out.append(
            TimelineEntry(
                seq=e.seq,
                at=e.at,
                action=e.action,
                label=label,
                actor="" if public else e.actor,
                actor_name=actor_name,
                from_label=kind.states[e.from_state].label if e.from_state and e.from_state in kind.states else None,
                to_label=kind.states[e.to_state].label if e.to_state in kind.states else e.to_state,
                details=event_details(kind, e, states, reveal=reveal, public=public),
                system=system,
            )
        )
    return out


def clock_panel(case: Case, wt: WorkingTime, now: datetime) -> ClockPanel | None:
    clock = case.clock
    if clock is None:
        return None
    view = clock_view(case, now, wt)
    segments = clock.segments
    pauses = [Interval(a.end, b.start) for a, b in itertools.pairwise(segments) if a.end is not None]
    if view.paused and segments and segments[-1].end is not None:
        pauses.append(Interval(segments[-1].end, None))
    return ClockPanel(
        colour=view.colour,
        css=_css(view.colour),
        limit_label=view.limit_label,
        used=_amount(view.used),
        remaining=_amount(view.remaining),
        unit_word="个工作日" if clock.limit.unit == DAY_UNIT else "分钟",
        due_at=view.due,
        provisional=view.provisional,
        paused=view.paused,
        running=[Interval(s.start, s.end) for s in segments],
        pauses=pauses,
    )


def _css(word: str) -> str:
    from onestop.web.present import clock_css

    return clock_css(word)


def _amount(value: Any) -> str:
    from onestop.web.present import amount

    return amount(value)


def action_label(code: str) -> str | None:
    """The Chinese label of an action code (for "已完成：受理" after a redirect)."""
    for kind in all_kinds():
        action = kind.actions.get(code)
        if action is not None:
            return action.label
    return None


def action_forms(kind: CaseKind, actions: Iterable[ActionSpec]) -> list[ActionForm]:
    out = []
    for action in actions:
        required = list(action.required)
        if action.extends and "extension" not in required:
            required.append("extension")
        fields = [
            ActionField(name, kind.field_label(action, name), ACTION_INPUTS.get(name, "textarea"), True)
            for name in required
        ]
        if "opinion" not in required:
            fields.append(ActionField("opinion", "意见（选填）", "textarea", False))
        to_label = kind.states[action.to_state].label if action.to_state else None
        out.append(ActionForm(action.code, action.label, to_label, fields))
    return out


def parse_action_data(action: ActionSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Form or JSON values of an action, typed: ``items`` one per line, blanks dropped."""
    data: dict[str, Any] = {}
    names = [*action.required, "opinion"] + (["extension"] if action.extends else [])
    for name in names:
        raw = values.get(name)
        if raw is None:
            continue
        if name == "items" and isinstance(raw, str):
            items = [line.strip() for line in raw.splitlines() if line.strip()]
            if items:
                data[name] = items
            continue
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                continue
        data[name] = raw
    return data


def _related(r: RowMapping, tree: UnitTree, now: datetime) -> RelatedCase:
    kind = get_kind(r["kind"])
    state = kind.states[r["state"]]
    colour = clock_colour(r["clock_mode"], r["alarm"], r["due_at"], r["next_alarm_at"], now)
    return RelatedCase(
        number=r["number"],
        kind_label=kind.label,
        state_label=state.label,
        state_colour=state.colour,
        unit_name=_unit_name(tree, r["unit_id"]),
        clock_label=CLOCK_COLOURS[colour][0],
        due_at=r["due_at"],
    )


def related_cases(
    conn: Connection, case: Case, tree: UnitTree, now: datetime
) -> tuple[RelatedCase | None, list[RelatedCase]]:
    parent = None
    if case.parent_id is not None:
        row = conn.execute(sa.select(cases).where(cases.c.id == case.parent_id)).mappings().first()
        parent = _related(row, tree, now) if row is not None else None
    children = [
        _related(r, tree, now)
        for r in conn.execute(sa.select(cases).where(cases.c.parent_id == case.id).order_by(cases.c.id)).mappings()
    ]
    return parent, children


def party_view(conn: Connection, case: Case, *, revealed: PartyRecord | None, may_see_pii: bool) -> PartyView | None:
    if case.party_id is None:
        return None
    row = conn.execute(sa.select(parties).where(parties.c.id == case.party_id)).mappings().first()
    if row is None:
        return None
    kind = PartyKind(row["kind"])
    if revealed is not None:
        return PartyView(kind.label, revealed.name, revealed.id_number, revealed.phone or "", True, True)
    return PartyView(
        kind.label,
        row["name"],
        masked_id(row["kind"], row["id_number"]),
        mask_phone(row["phone"]) if row["phone"] else "",
        False,
        may_see_pii and (kind is PartyKind.PERSON or bool(row["phone"])),
    )


def submission_info(conn: Connection, case: Case) -> tuple[IntakeForm | None, str | None]:
    row = conn.execute(
        sa.select(case_submissions.c.form, case_submissions.c.channel).where(case_submissions.c.case_id == case.id)
    ).first()
    if row is None:
        return None, None
    try:
        form = get_form(row.form)
    except DomainError:
        form = None
    return form, CHANNELS.get(row.channel, row.channel)


def case_detail(
    conn: Connection,
    access: CaseAccess,
    tree: UnitTree,
    wt: WorkingTime,
    now: datetime,
    *,
    revealed: PartyRecord | None = None,
) -> CaseDetail:
    case = access.case
    kind = get_kind(case.kind)
    state = kind.states[case.state]
    parent, children = related_cases(conn, case, tree, now)
    form, channel = submission_info(conn, case)
    reveal = revealed is not None
    return CaseDetail(
        case=case,
        kind=kind,
        state_label=state.label,
        state_colour=state.colour,
        terminal=state.terminal,
        unit_name=_unit_name(tree, case.unit_id),
        subject=mask_text(subject_of(case.payload)),
        payload=payload_details(case.payload, reveal=reveal),
        party=party_view(conn, case, revealed=revealed, may_see_pii=access.may_see_pii),
        clock=clock_panel(case, wt, now),
        timeline=timeline(conn, case, reveal=reveal),
        actions=action_forms(kind, access.actions),
        parent=parent,
        children=children,
        form_title=form.title if form else None,
        channel=channel,
        may_see_pii=access.may_see_pii,
    )


# -- the public status page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCase:
    number: str
    kind_label: str
    state_label: str
    state_colour: str
    terminal: bool
    unit_name: str
    subject: str
    created_at: datetime
    clock: ClockPanel | None
    timeline: list[TimelineEntry]
    steps: list[RelatedCase]
    actions: list[ActionForm]
    version: int


def public_case(
    conn: Connection,
    case: Case,
    tree: UnitTree,
    wt: WorkingTime,
    now: datetime,
    *,
    actions: Sequence[ActionSpec] = (),
) -> PublicCase:
    kind = get_kind(case.kind)
    state = kind.states[case.state]
    _, children = related_cases(conn, case, tree, now)
    return PublicCase(
        number=case.number,
        kind_label=kind.label,
        state_label=state.label,
        state_colour=state.colour,
        terminal=state.terminal,
        unit_name=_unit_name(tree, case.unit_id),
        subject=mask_text(subject_of(case.payload)),
        created_at=case.created_at,
        clock=clock_panel(case, wt, now),
        timeline=timeline(conn, case, public=True),
        steps=children,
        actions=action_forms(kind, actions),
        version=case.version,
    )


# -- administration ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    unit_id: int | None
    unit_name: str
    roles: list[str]
    role_labels: list[str]
    active: bool
    locked_until: datetime | None
    failed_logins: int
    phone_masked: str
    created_at: datetime


def list_users(conn: Connection, tree: UnitTree, *, q: str | None = None) -> list[UserRow]:
    from onestop.org.roles import Role

    query = sa.select(users).order_by(users.c.id)
    if q:
        query = query.where(
            sa.or_(users.c.username.contains(q, autoescape=True), users.c.display_name.contains(q, autoescape=True))
        )
    out = []
    for r in conn.execute(query).mappings():
        roles = sorted(r["roles"])
        out.append(
            UserRow(
                id=r["id"],
                username=r["username"],
                display_name=r["display_name"],
                unit_id=r["unit_id"],
                unit_name=_unit_name(tree, r["unit_id"]),
                roles=roles,
                role_labels=[Role(x).label for x in roles if x in Role.__members__.values()],
                active=r["active"],
                locked_until=r["locked_until"],
                failed_logins=r["failed_logins"],
                phone_masked=mask_phone(r["phone"]) if r["phone"] else "",
                created_at=r["created_at"],
            )
        )
    return out


def get_user(conn: Connection, tree: UnitTree, user_id: int) -> UserRow | None:
    return next((u for u in list_users(conn, tree) if u.id == user_id), None)


def unit_case_counts(conn: Connection) -> dict[int, int]:
    return {
        r.unit_id: r.n
        for r in conn.execute(
            sa.select(cases.c.unit_id, sa.func.count().label("n"))
            .where(cases.c.unit_id.is_not(None))
            .group_by(cases.c.unit_id)
        )
    }


def unit_user_counts(conn: Connection) -> dict[int, int]:
    return {
        r.unit_id: r.n
        for r in conn.execute(
            sa.select(users.c.unit_id, sa.func.count().label("n"))
            .where(users.c.unit_id.is_not(None))
            .group_by(users.c.unit_id)
        )
    }


def unit_exists(conn: Connection, unit_id: int) -> bool:
    return conn.execute(sa.select(units.c.id).where(units.c.id == unit_id)).first() is not None
