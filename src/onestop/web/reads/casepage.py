"""The case page: details, timeline, clock panel, action forms, related cases and the party.

Personal numbers are masked in every timeline; only ``party_view(..., revealed=...)`` shows them whole, and
only with a record already written by ``onestop.actions.privacy.reveal_party``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.access import CaseAccess, case_owner_id
from onestop.actions.intake import ANONYMOUS, IntakeForm, get_form
from onestop.actions.privacy import PartyRecord
from onestop.cases.case import Case
from onestop.cases.clock import DAY_UNIT
from onestop.cases.errors import DomainError
from onestop.cases.events import Event
from onestop.cases.kinds import ActionSpec, CaseKind, all_kinds, get_kind
from onestop.cases.view import clock_view, describe_limit
from onestop.db import cases_repo
from onestop.db.tables import case_submissions, cases, parties, users
from onestop.org.masking import mask_phone, mask_text
from onestop.org.parties import PartyKind
from onestop.org.units import UnitTree
from onestop.web.module_pages import ModulePage, module_only, module_page
from onestop.web.present import CLOCK_COLOURS
from onestop.web.reads.caselist import clock_colour, masked_id, subject_of, unit_name
from onestop.web.reads.labels import (
    ACTION_INPUTS,
    CHANNELS,
    DATA_LABELS,
    ENGINE_ACTIONS,
    HIDDEN_DATA,
    PUBLIC_DATA,
)
from onestop.worktime import TZ, Limit, WorkingTime


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
    module_page: ModulePage | None = None  # the module's own page for this case, where it has one
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
    owner_id = case_owner_id(conn, case.id)
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
        unit_name=unit_name(tree, r["unit_id"]),
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
    # What the module only does itself is not offered here (the generic route refuses it).
    internal = module_only(case.kind)
    offered = [a for a in access.actions if a.code not in internal]
    return CaseDetail(
        case=case,
        kind=kind,
        state_label=state.label,
        state_colour=state.colour,
        terminal=state.terminal,
        unit_name=unit_name(tree, case.unit_id),
        subject=mask_text(subject_of(case.payload)),
        payload=payload_details(case.payload, reveal=reveal),
        party=party_view(conn, case, revealed=revealed, may_see_pii=access.may_see_pii),
        clock=clock_panel(case, wt, now),
        timeline=timeline(conn, case, reveal=reveal),
        actions=action_forms(kind, offered),
        parent=parent,
        children=children,
        form_title=form.title if form else None,
        channel=channel,
        may_see_pii=access.may_see_pii,
        module_page=module_page(case, parent.number if parent is not None else None),
    )
