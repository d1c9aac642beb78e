"""好差评 reads: rating lists, a case's ratings, rectification and appeal lists, and the counts behind the figures.

Every read is scoped by ``onestop.ratings.access.readable_units`` (staff: their unit and below; supervisors:
their region; administrators: all). Phone numbers are masked and comments pass through ``mask_text``: a rater
may type a number into their comment. The formulas are in ``onestop.ratings.stats``; this module only counts.

A finished case's finishing instant is its row's ``updated_at``: a terminal state takes no further action and
its stopped clock raises no alarm, so the last event is the one that finished it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.cases.errors import UnknownKind
from onestop.cases.kinds import get_kind
from onestop.db.tables import case_events, cases, parties, rating_appeals, ratings
from onestop.org.masking import mask_phone, mask_text
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor
from onestop.ratings import access, rules
from onestop.ratings.kinds import CALLBACK_ACTIONS, RATING_APPEAL_KIND, RECTIFICATION_KIND
from onestop.ratings.levels import AppealGround, Channel, Level, RatingStatus, Scope
from onestop.ratings.stats import Tally
from onestop.ratings.tags import Tag

RECT = cases.alias("rect")
RATED = cases.alias("rated")
APPEAL = cases.alias("appeal")
RECTIFIED_STATES = ("closed",)
MAX_ROWS = 200
Group = str  # "unit" | "item"
GROUPS = {"unit": "单位", "item": "事项"}


def _scope(actor: Actor, tree: UnitTree, unit_id: UnitId | None, column: sa.ColumnElement[Any]) -> list[Any]:
    conds: list[Any] = []
    readable = access.readable_units(actor, tree)
    if readable is not None:
        conds.append(column.in_(sorted(readable)))
    if unit_id is not None:
        conds.append(column.in_(sorted(tree.subtree_ids(unit_id)) if unit_id in tree else []))
    return conds


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _unit_name(tree: UnitTree, unit_id: int | None) -> str:
    return tree.get(unit_id).name if unit_id is not None and unit_id in tree else ""


# -- ratings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingFilters:
    unit_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    bad_only: bool = False
    status: str | None = None
    channel: str | None = None
    limit: int = 100


@dataclass(frozen=True)
class RatingRow:
    id: int
    case_number: str
    case_kind: str
    unit_id: int | None
    unit_name: str
    item_code: str | None
    channel: Channel
    scope: Scope
    level: Level
    real_name: bool
    rater: str  # the party's name, or 匿名
    rater_phone: str  # masked
    comment: str  # masked
    tags: list[str]  # labels
    rated_at: datetime
    status: RatingStatus
    annulled_at: datetime | None
    rectification_number: str | None
    rectification_state: str | None
    rectification_colour: str | None
    appeal_number: str | None
    appeal_state: str | None
    appeal_reason: str | None

    @property
    def bad(self) -> bool:
        return self.level.bad


def _rating_select() -> sa.Select[Any]:
    return sa.select(
        ratings,
        RATED.c.number.label("case_number"),
        RECT.c.number.label("rect_number"),
        RECT.c.state.label("rect_state"),
        APPEAL.c.number.label("appeal_number"),
        APPEAL.c.state.label("appeal_state"),
        rating_appeals.c.decision_reason,
        parties.c.name.label("party_name"),
        parties.c.phone.label("party_phone"),
    ).select_from(
        ratings.join(RATED, RATED.c.id == ratings.c.case_id)
        .outerjoin(RECT, RECT.c.id == ratings.c.rectification_case_id)
        .outerjoin(rating_appeals, rating_appeals.c.rating_id == ratings.c.id)
        .outerjoin(APPEAL, APPEAL.c.id == rating_appeals.c.case_id)
        .outerjoin(parties, parties.c.id == ratings.c.party_id)
    )


def list_ratings(conn: Connection, actor: Actor, tree: UnitTree, f: RatingFilters) -> list[RatingRow]:
    """Ratings ``actor`` may read, newest first (annulled ones included, marked)."""
    conds = _scope(actor, tree, f.unit_id, ratings.c.unit_id)
    if f.start is not None:
        conds.append(ratings.c.rated_at >= f.start)
    if f.end is not None:
        conds.append(ratings.c.rated_at < f.end)
    if f.bad_only:
        conds.append(ratings.c.bad.is_(True))
    if f.status:
        conds.append(ratings.c.status == RatingStatus.parse(f.status, field="status").value)
    if f.channel:
        conds.append(ratings.c.channel == Channel.parse(f.channel, field="channel").value)
    query = (
        _rating_select()
        .where(*conds)
        .order_by(ratings.c.rated_at.desc(), ratings.c.id.desc())
        .limit(max(1, min(f.limit, MAX_ROWS)))
    )
    return [_rating_row(r, tree) for r in conn.execute(query).mappings()]


def _rating_row(r: RowMapping, tree: UnitTree) -> RatingRow:
    rect_state = RECTIFICATION_KIND.states.get(r["rect_state"]) if r["rect_state"] else None
    appeal_state = RATING_APPEAL_KIND.states.get(r["appeal_state"]) if r["appeal_state"] else None
    tags = [Tag(t).label for t in _json(r["tags"]) or [] if t in Tag._value2member_map_]
    return RatingRow(
        id=r["id"],
        case_number=r["case_number"],
        case_kind=r["case_kind"],
        unit_id=r["unit_id"],
        unit_name=_unit_name(tree, r["unit_id"]),
        item_code=r["item_code"],
        channel=Channel(r["channel"]),
        scope=Scope(r["scope"]),
        level=Level.of(r["level"]),
        real_name=bool(r["real_name"]),
        rater=(r["party_name"] or "") if r["real_name"] else "匿名",
        rater_phone=mask_phone(r["party_phone"]) if r["real_name"] and r["party_phone"] else "",
        comment=mask_text(r["comment"] or ""),
        tags=tags,
        rated_at=r["rated_at"],
        status=RatingStatus(r["status"]),
        annulled_at=r["annulled_at"],
        rectification_number=r["rect_number"],
        rectification_state=rect_state.label if rect_state else None,
        rectification_colour=rect_state.colour if rect_state else None,
        appeal_number=r["appeal_number"],
        appeal_state=appeal_state.label if appeal_state else None,
        appeal_reason=r["decision_reason"],
    )


def get_rating(conn: Connection, actor: Actor, tree: UnitTree, rating_id: int) -> RatingRow | None:
    """One rating if ``actor`` may read it (else None: the caller answers 404)."""
    row = conn.execute(_rating_select().where(ratings.c.id == rating_id)).mappings().first()
    if row is None or not access.readable_units_contain(actor, tree, row["unit_id"]):
        return None
    return _rating_row(row, tree)


@dataclass(frozen=True)
class CaseRating:
    channel: Channel
    level: Level
    rated_at: datetime
    status: RatingStatus


def case_ratings(conn: Connection, case_id: int) -> list[CaseRating]:
    """The ratings of one case, for its own page (the rater sees what they gave; nothing personal)."""
    rows = conn.execute(
        sa.select(ratings.c.channel, ratings.c.level, ratings.c.rated_at, ratings.c.status)
        .where(ratings.c.case_id == case_id)
        .order_by(ratings.c.rated_at)
    )
    return [CaseRating(Channel(r.channel), Level.of(r.level), r.rated_at, RatingStatus(r.status)) for r in rows]


# -- statistics ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsRow:
    key: str
    label: str
    tally: Tally


@dataclass(frozen=True)
class StatsTable:
    group: Group
    start: datetime
    end: datetime
    rows: list[StatsRow]
    total: Tally = field(default_factory=Tally)


def finished_condition() -> sa.ColumnElement[bool]:
    parts = []
    for code in rules.RATABLE_KINDS:
        try:
            kind = get_kind(code)
        except UnknownKind:
            continue  # a module not installed in this deployment
        terminal = sorted(s.code for s in kind.states.values() if s.terminal)
        parts.append(sa.and_(cases.c.kind == code, cases.c.state.in_(terminal)))
    return sa.or_(*parts) if parts else sa.false()


def stats(
    conn: Connection,
    actor: Actor,
    tree: UnitTree,
    *,
    start: datetime,
    end: datetime,
    group: Group = "unit",
    unit_id: int | None = None,
) -> StatsTable:
    """Counts per unit or item for ratings given in [start, end) and cases finished in it; the total row is
    the sum of the rows."""
    if group not in GROUPS:
        from onestop.ratings.errors import InvalidRating

        raise InvalidRating(f"「分组」无效：{group}，可选：unit（单位）、item（事项）", field="group")
    counts: dict[str, dict[str, Any]] = defaultdict(_empty)
    _count_ratings(conn, actor, tree, start, end, group, unit_id, counts)
    _count_coverage(conn, actor, tree, start, end, group, unit_id, counts)
    rows = []
    for key, c in counts.items():
        tally = Tally(
            finished=c["finished"],
            rated=c["rated"],
            by_level=(c["levels"][0], c["levels"][1], c["levels"][2], c["levels"][3], c["levels"][4]),
            bad_real=c["bad_real"],
            bad_anonymous=c["bad_anonymous"],
            called_back=c["called_back"],
            rectified_real=c["rectified_real"],
            rectified_anonymous=c["rectified_anonymous"],
            contact_overdue=c["contact_overdue"],
            annulled=c["annulled"],
        )
        label = _unit_name(tree, int(key)) if group == "unit" and key.isdigit() else key
        rows.append(StatsRow(key, label or "（未注明）", tally))
    rows.sort(key=lambda r: (-r.tally.ratings, -r.tally.finished, r.label))
    total = Tally()
    for row in rows:
        total += row.tally
    return StatsTable(group=group, start=start, end=end, rows=rows, total=total)


def _empty() -> dict[str, Any]:
    return {
        "finished": 0,
        "rated": 0,
        "levels": [0, 0, 0, 0, 0],
        "bad_real": 0,
        "bad_anonymous": 0,
        "called_back": 0,
        "rectified_real": 0,
        "rectified_anonymous": 0,
        "contact_overdue": 0,
        "annulled": 0,
    }


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def _flag(condition: sa.ColumnElement[bool]) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _event_exists(actions: Iterable[str]) -> sa.ColumnElement[bool]:
    return sa.exists(
        sa.select(case_events.c.id).where(
            case_events.c.case_id == ratings.c.rectification_case_id, case_events.c.action.in_(sorted(actions))
        )
    )


def _count_ratings(  # noqa: PLR0917
    conn: Connection,
    actor: Actor,
    tree: UnitTree,
    start: datetime,
    end: datetime,
    group: Group,
    unit_id: int | None,
    counts: dict[str, dict[str, Any]],
) -> None:
    key = ratings.c.unit_id if group == "unit" else ratings.c.item_code
    period = [ratings.c.rated_at >= start, ratings.c.rated_at < end, *_scope(actor, tree, unit_id, ratings.c.unit_id)]
    query = (
        sa.select(
            key.label("key"),
            ratings.c.level,
            ratings.c.real_name,
            sa.func.count().label("n"),
            _flag(RECT.c.state.in_(RECTIFIED_STATES)).label("rectified"),
            _flag(_event_exists(CALLBACK_ACTIONS)).label("called_back"),
            _flag(_event_exists(["contact_overdue"])).label("overdue"),
        )
        .select_from(ratings.outerjoin(RECT, RECT.c.id == ratings.c.rectification_case_id))
        .where(ratings.c.status == RatingStatus.VALID.value, *period)
        .group_by(key, ratings.c.level, ratings.c.real_name)
    )
    for r in conn.execute(query):
        c = counts[_key(r.key)]
        c["levels"][int(r.level) - 1] += int(r.n)
        if not Level.of(r.level).bad:
            continue
        if r.real_name:
            c["bad_real"] += int(r.n)
            c["rectified_real"] += int(r.rectified)
            c["called_back"] += int(r.called_back)
            c["contact_overdue"] += int(r.overdue)
        else:
            c["bad_anonymous"] += int(r.n)
            c["rectified_anonymous"] += int(r.rectified)
    annulled = (
        sa.select(key.label("key"), sa.func.count().label("n"))
        .where(ratings.c.status == RatingStatus.ANNULLED.value, *period)
        .group_by(key)
    )
    for r in conn.execute(annulled):
        counts[_key(r.key)]["annulled"] += int(r.n)


def _count_coverage(  # noqa: PLR0917
    conn: Connection,
    actor: Actor,
    tree: UnitTree,
    start: datetime,
    end: datetime,
    group: Group,
    unit_id: int | None,
    counts: dict[str, dict[str, Any]],
) -> None:
    rated = sa.exists(
        sa.select(ratings.c.id).where(ratings.c.case_id == cases.c.id, ratings.c.status == RatingStatus.VALID.value)
    )
    conds = [
        finished_condition(),
        cases.c.updated_at >= start,
        cases.c.updated_at < end,
        *_scope(actor, tree, unit_id, cases.c.unit_id),
    ]
    if group == "unit":
        query = (
            sa.select(cases.c.unit_id.label("key"), sa.func.count().label("n"), _flag(rated).label("rated"))
            .where(*conds)
            .group_by(cases.c.unit_id)
        )
        for r in conn.execute(query):
            c = counts[_key(r.key)]
            c["finished"] += int(r.n)
            c["rated"] += int(r.rated)
        return
    # By item: the item code lives in each case's payload (rules.item_code_for), read in Python.
    for r in conn.execute(sa.select(cases.c.payload, rated.label("rated")).where(*conds)):
        c = counts[_key(rules.item_code_for(_json(r.payload) or {}))]
        c["finished"] += 1
        c["rated"] += int(bool(r.rated))


# -- rectifications and appeals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RectificationRow:
    number: str
    state: str
    state_label: str
    state_colour: str
    terminal: bool
    version: int
    unit_id: int | None
    unit_name: str
    rated_case: str
    level: Level
    real_name: bool
    rater: str
    rater_phone: str  # masked
    comment: str  # masked
    tags: list[str]
    opened_at: datetime
    due_at: datetime | None
    alarm: str
    contact_due: datetime | None
    contacted: bool
    contact_overdue: bool
    callback_result: str | None  # label
    rating_id: int


def rectifications(
    conn: Connection, actor: Actor, tree: UnitTree, *, unit_id: int | None = None, open_only: bool = False
) -> list[RectificationRow]:
    """The rectification cases of the units ``actor`` may read, open ones first, soonest due first."""
    conds: list[Any] = [cases.c.kind == RECTIFICATION_KIND.code, *_scope(actor, tree, unit_id, cases.c.unit_id)]
    if open_only:
        conds.append(cases.c.clock_mode != "stopped")
    query = (
        sa.select(
            cases,
            ratings.c.id.label("rating_id"),
            ratings.c.level.label("rating_level"),
            ratings.c.real_name.label("rating_real_name"),
            ratings.c.comment.label("rating_comment"),
            ratings.c.tags.label("rating_tags"),
            parties.c.name.label("party_name"),
            parties.c.phone.label("party_phone"),
        )
        .select_from(
            cases.join(ratings, ratings.c.rectification_case_id == cases.c.id).outerjoin(
                parties, parties.c.id == ratings.c.party_id
            )
        )
        .where(*conds)
        .order_by((cases.c.clock_mode == "stopped").asc(), cases.c.due_at.asc().nulls_last(), cases.c.id.desc())
        .limit(MAX_ROWS)
    )
    rows = list(conn.execute(query).mappings())
    ids = [r["id"] for r in rows]
    actions: dict[int, set[str]] = defaultdict(set)
    if ids:
        wanted = ("contact", "contact_overdue", *CALLBACK_ACTIONS)
        for case_id, action in conn.execute(
            sa.select(case_events.c.case_id, case_events.c.action).where(
                case_events.c.case_id.in_(ids), case_events.c.action.in_(wanted)
            )
        ):
            actions[case_id].add(action)
    out = []
    for r in rows:
        state = RECTIFICATION_KIND.states[r["state"]]
        payload = _json(r["payload"]) or {}
        done = actions[r["id"]]
        result = next((CALLBACK_ACTIONS[a].label for a in CALLBACK_ACTIONS if a in done), None)
        due = payload.get("contact_due")
        out.append(
            RectificationRow(
                number=r["number"],
                state=r["state"],
                state_label=state.label,
                state_colour=state.colour,
                terminal=state.terminal,
                version=r["version"],
                unit_id=r["unit_id"],
                unit_name=_unit_name(tree, r["unit_id"]),
                rated_case=str(payload.get("rated_case") or ""),
                level=Level.of(r["rating_level"]),
                real_name=bool(r["rating_real_name"]),
                rater=(r["party_name"] or "") if r["rating_real_name"] else "匿名",
                rater_phone=mask_phone(r["party_phone"]) if r["rating_real_name"] and r["party_phone"] else "",
                comment=mask_text(r["rating_comment"] or ""),
                tags=list(payload.get("tags") or []),
                opened_at=r["created_at"],
                due_at=r["due_at"],
                alarm=r["alarm"],
                contact_due=datetime.fromisoformat(due) if isinstance(due, str) else None,
                contacted="contact" in done,
                contact_overdue="contact_overdue" in done,
                callback_result=result,
                rating_id=r["rating_id"],
            )
        )
    return out


@dataclass(frozen=True)
class AppealRow:
    number: str
    state: str
    state_label: str
    state_colour: str
    version: int
    unit_name: str
    rating_id: int
    rated_case: str
    level_label: str
    ground_label: str
    explanation: str
    filed_at: datetime
    due_at: datetime | None
    decision_reason: str | None
    decided_by: str | None


def appeals(
    conn: Connection, actor: Actor, tree: UnitTree, *, pending_only: bool = False, unit_id: int | None = None
) -> list[AppealRow]:
    conds: list[Any] = [*_scope(actor, tree, unit_id, cases.c.unit_id)]
    if pending_only:
        conds.append(rating_appeals.c.decision.is_(None))
    query = (
        sa.select(cases, rating_appeals.c.rating_id, rating_appeals.c.ground, rating_appeals.c.filed_at)
        .add_columns(rating_appeals.c.decision_reason, rating_appeals.c.decided_by)
        .select_from(cases.join(rating_appeals, rating_appeals.c.case_id == cases.c.id))
        .where(*conds)
        .order_by(rating_appeals.c.filed_at.desc())
        .limit(MAX_ROWS)
    )
    out = []
    for r in conn.execute(query).mappings():
        state = RATING_APPEAL_KIND.states[r["state"]]
        payload = _json(r["payload"]) or {}
        out.append(
            AppealRow(
                number=r["number"],
                state=r["state"],
                state_label=state.label,
                state_colour=state.colour,
                version=r["version"],
                unit_name=_unit_name(tree, r["unit_id"]),
                rating_id=r["rating_id"],
                rated_case=str(payload.get("rated_case") or ""),
                level_label=str(payload.get("level_label") or ""),
                ground_label=AppealGround(r["ground"]).label,
                explanation=mask_text(str(payload.get("explanation") or "")),
                filed_at=r["filed_at"],
                due_at=r["due_at"],
                decision_reason=r["decision_reason"],
                decided_by=r["decided_by"],
            )
        )
    return out


__all__ = [
    "AppealRow",
    "CaseRating",
    "RatingFilters",
    "RatingRow",
    "RectificationRow",
    "StatsRow",
    "StatsTable",
    "appeals",
    "case_ratings",
    "get_rating",
    "list_ratings",
    "rectifications",
    "stats",
]
