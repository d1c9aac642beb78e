"""12345 接诉即办: the hotline's writes, one transaction each, on top of the case engine.

* ``register_request`` — intake from any channel (operator, public web, API, Open311): the request case, its
  row (contact numbers stay there, out of the events), the public's lookup code and, for an urgent call taken
  by an operator, the dispatch — all in one transaction.
* ``dispatch`` (派单 / 指定承办) to a lead unit (the case's owner from then on) and co-units (each a
  ``hotline_dispatch`` child); ``accept`` (签收), ``return_request`` (退单, within the sign-for window, never
  after designation), ``request_extension`` / ``decide_extension`` (延期, bounded), ``reply`` (答复),
  ``review_reply`` (审核: to the return visit, or back to the unit), ``return_visit`` (回访: 满意 closes,
  不满意 reopens once for 重办 with a fresh clock, then goes to review), ``conclude``.
* ``merge`` (并单: the request follows its master; the master's approved reply goes to every merged request),
  ``direct_answer`` (直接答复 from the knowledge base: closed on the spot), ``reject`` (不予受理).
* Repeated returns raise 督办 (``flag_supervision``) in the same transaction; ``on_tick`` signs for requests
  whose sign-for window has passed (超时视为签收).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.access import code_hash
from onestop.actions.cases import _join_parent, _open
from onestop.actions.ratings import record_in
from onestop.actions.runtime import Runtime
from onestop.auth.crypto import new_code
from onestop.cases import engine
from onestop.cases.case import Case, evolve
from onestop.cases.errors import InvalidAction, NotFound, VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind
from onestop.cases.view import describe_limit
from onestop.db import cases_repo as repo
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_submissions, cases, hotline_kb, hotline_requests, parties, settings
from onestop.hotline.access import (
    access_center,
    access_center_review,
    access_request,
    access_unit_action,
    hotline_scope,
    is_center,
)
from onestop.hotline.duplicates import Candidate, Match, find_duplicates, place_key
from onestop.hotline.intake import CleanRequest, clean_request
from onestop.hotline.kinds import DISPATCH, OPEN_STATES, REQUEST, Channel, Urgency, VisitResult
from onestop.hotline.rules import HotlineError, HotlineSettings
from onestop.org.parties import Party, PartyKind
from onestop.org.roles import Role
from onestop.org.units import UnitKind, UnitTree
from onestop.org.users import Actor
from onestop.ratings.levels import Channel as RatingChannel
from onestop.ratings.levels import Level
from onestop.worktime import Limit, WorkingTime

SETTINGS_KEY = "hotline"
SUBMISSION_FORM = "hotline"


# -- settings ------------------------------------------------------------------------------------------------


def load_settings(conn: Connection) -> HotlineSettings:
    raw = conn.execute(sa.select(settings.c.value).where(settings.c.key == SETTINGS_KEY)).scalar()
    if isinstance(raw, str):
        raw = json.loads(raw)
    return HotlineSettings.from_json(raw if isinstance(raw, Mapping) else None)


def get_settings(rt: Runtime) -> HotlineSettings:
    with read(rt.engine) as conn:
        return load_settings(conn)


def save_settings(rt: Runtime, actor: Actor, raw: Mapping[str, Any]) -> HotlineSettings:
    """The administrator's (or the center's) settings; unknown keys and bad limits are refused whole."""
    access_center(actor)
    new = HotlineSettings.from_json(raw)
    with write(rt.engine) as conn:
        conn.execute(sa.delete(settings).where(settings.c.key == SETTINGS_KEY))
        conn.execute(sa.insert(settings).values(key=SETTINGS_KEY, value=new.to_json(), updated_at=rt.now()))
    return new


# -- intake --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchOrder:
    lead_unit_id: int
    co_unit_ids: tuple[int, ...] = ()
    designate: bool = False
    reason: str = ""
    suggested: tuple[int, ...] = ()  # the router's top 3 when the operator chose (for its accuracy figures)


@dataclass(frozen=True)
class Registered:
    case: Case
    code: str  # the public's verification code (查询码): shown once, stored as a hash
    duplicates: list[Match] = field(default_factory=list)


def _party_id(conn: Connection, req: CleanRequest, now: datetime) -> int | None:
    if req.id_number is None:
        return None
    existing = conn.execute(
        sa.select(parties.c.id).where(parties.c.kind == PartyKind.PERSON.value, parties.c.id_number == req.id_number)
    ).scalar()
    if existing is not None:
        return int(existing)
    party = org_repo.upsert_party(conn, Party(PartyKind.PERSON, req.requester_name, req.id_number, req.phone), now)
    assert party.id is not None
    return party.id


def center_unit(tree: UnitTree, near: int | None = None) -> int:
    """The service center that runs the hotline (the one in ``near``'s region first); else the first root."""
    centers = [u for u in tree if u.kind is UnitKind.CENTER]
    if near is not None and near in tree:
        region = tree.region_of(near)
        local = [u for u in centers if tree.region_of(u.id) == region]
        centers = local or centers
    if centers:
        return centers[0].id
    roots = tree.roots()
    if not roots:
        raise HotlineError("尚未建立单位，无法受理诉求", field="unit")
    return roots[0].id


def register_request(
    rt: Runtime,
    actor: Actor,
    values: Mapping[str, object],
    *,
    channel: Channel,
    dispatch_to: DispatchOrder | None = None,
    owner_user_id: int | None = None,
) -> Registered:
    """Files one request; the caller (operator, public account, API client) is ``actor``.

    An urgent request taken on the phone must be dispatched at once (``dispatch_to``): the operator's screen
    does both, in this one transaction.
    """
    now = rt.now()
    wt = rt.working_time()
    req = clean_request(values, channel=channel, today=now.date(), phone_required=channel is not Channel.OPEN311)
    if req.urgency is Urgency.URGENT and dispatch_to is None and channel is Channel.PHONE:
        raise HotlineError("紧急诉求须立即派单：请选择主办单位", field="lead_unit_id")
    code = new_code()
    events: list[Event] = []
    with read(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        current = load_settings(conn)
        duplicates = _duplicates(conn, req.text, place_key(req.address), req.phone, current, now)
    limit = current.limit_for(req.category.value, req.urgency.value)
    with write(rt.engine) as conn:
        party_id = _party_id(conn, req, now)
        case = _open(
            conn,
            REQUEST,
            actor=actor,
            wt=wt,
            now=now,
            unit_id=center_unit(tree, actor.unit_id),
            payload=req.payload(str(limit)),
            party_id=party_id,
            parent_id=None,
            events=events,
        )
        conn.execute(
            sa.insert(hotline_requests).values(
                case_id=case.id,
                channel=req.channel.value,
                category=req.category.value,
                urgency=req.urgency.value,
                requester_name=req.requester_name,
                phone=req.phone,
                id_number=req.id_number,
                anonymous=req.anonymous,
                email=req.email,
                address=req.address,
                place_key=place_key(req.address),
                region_code=req.region_code,
                lat=req.lat,
                lon=req.lon,
                service_code=req.service_code,
                text=req.text,
                client_user_id=actor.user_id,
                received_at=now,
            )
        )
        conn.execute(
            sa.insert(case_submissions).values(
                case_id=case.id,
                user_id=owner_user_id,
                code_hash=code_hash(case.number, code),
                form=SUBMISSION_FORM,
                channel=req.channel.value[:16],
                created_at=now,
            )
        )
        if dispatch_to is not None:
            case = _dispatch_in(_Tx(conn, tree, current, wt, now, events), case, actor, dispatch_to)
    rt.committed(events)
    return Registered(case, code, duplicates)


def _duplicates(  # noqa: PLR0917
    conn: Connection, text: str, place: str, phone: str | None, current: HotlineSettings, now: datetime
) -> list[Match]:
    if not place and not phone:
        return []
    since = now - _days(current.duplicate_days)
    conditions = []
    if place:
        conditions.append(hotline_requests.c.place_key == place)
    if phone:
        conditions.append(hotline_requests.c.phone == phone)
    rows = conn.execute(
        sa.select(cases.c.number, hotline_requests.c.text, hotline_requests.c.place_key, hotline_requests.c.phone)
        .join(cases, cases.c.id == hotline_requests.c.case_id)
        .where(
            sa.or_(*conditions),
            hotline_requests.c.received_at >= since,
            cases.c.state.in_(sorted(OPEN_STATES)),
        )
        .limit(200)
    ).all()
    candidates = [Candidate(r.number, r.text, r.place_key, r.phone) for r in rows]
    return find_duplicates(text, place=place, phone=phone, candidates=candidates, threshold=current.duplicate_threshold)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def duplicates_of(rt: Runtime, actor: Actor, number: str) -> list[Match]:
    """Open requests that look like the same matter as ``number`` (for the merge proposal)."""
    access_center(actor)
    with read(rt.engine) as conn:
        case = _load_request(conn, number)
        row = _request_row(conn, case)
        current = load_settings(conn)
        found = _duplicates(conn, row["text"], row["place_key"], row["phone"], current, rt.now())
    return [m for m in found if m.case_number != number]


# -- the unit of work ------------------------------------------------------------------------------------------


def _load_request(conn: Connection, number: str, *, for_update: bool = False) -> Case:
    try:
        case: Case | None = repo.load_case(conn, number.strip().upper(), for_update=for_update)
    except NotFound:
        case = None
    if case is None or case.kind != REQUEST:
        raise NotFound(f"工单 {number} 不存在或您无权查看", field="number")
    return case


def _request_row(conn: Connection, case: Case) -> RowMapping:
    row = conn.execute(sa.select(hotline_requests).where(hotline_requests.c.case_id == case.id)).mappings().first()
    if row is None:
        raise NotFound(f"工单 {case.number} 缺少登记信息", field="number")
    return row


def _co_unit_ids(case: Case) -> list[int]:
    raw = case.payload.get("co_unit_ids") or []
    return [int(v) for v in raw] if isinstance(raw, list) else []


def _required(text: str, message: str, field_name: str) -> str:
    """The stripped text of a field the action cannot go without; blank is refused, naming the field."""
    value = text.strip()
    if not value:
        raise HotlineError(message, field=field_name)
    return value


def _act(  # noqa: PLR0917  (positional like engine.decide, which it wraps)
    conn: Connection,
    case: Case,
    action: str,
    actor: Actor,
    data: Mapping[str, Any],
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
    **changes: Any,
) -> Case:
    """One action on a locked case inside the caller's transaction; ``changes`` (e.g. the new owner) are
    applied to the engine's result before it is written."""
    new, event = engine.decide(case, action, actor, dict(data), now, wt)
    if changes:
        new = evolve(new, **changes)
    repo.save_changes(conn, [(case, new, [event])], wt)
    events.append(event)
    _join_parent(conn, new, wt, now, events)
    return new


@dataclass(frozen=True)
class _Tx:
    """One action's transaction and what every step in it reads once: the unit tree, the settings, the clock."""

    conn: Connection
    tree: UnitTree
    current: HotlineSettings
    wt: WorkingTime
    now: datetime
    events: list[Event]

    def act(self, case: Case, action: str, actor: Actor, data: Mapping[str, Any], **changes: Any) -> Case:
        return _act(self.conn, case, action, actor, data, self.wt, self.now, self.events, **changes)

    def withdraw_assisting(self, case: Case, actor: Actor, reason: str) -> None:
        """The co-units still assisting on ``case`` are withdrawn: their part ends with the lead unit's."""
        for child in repo.load_children(self.conn, case.id or 0):
            if child.kind == DISPATCH and child.state == "assisting":
                locked = repo.load_case_by_id(self.conn, child.id or 0, for_update=True)
                self.act(locked, "withdraw", actor, {"reason": reason})


Work = Callable[[_Tx, Case], Case]
Check = Callable[[_Tx, Case], None]


def _run(rt: Runtime, actor: Actor, number: str, expected_version: int | None, work: Work) -> Case:
    """Locks the request, checks visibility and the version the user saw, runs ``work``, commits."""
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        case = _load_request(conn, number, for_update=True)
        access_request(actor, case, tree, assisting=_co_unit_ids(case))
        if expected_version is not None and case.version != expected_version:
            raise VersionConflict(
                f"工单 {case.number} 已被他人修改（您看到第 {expected_version} 版，"
                f"现为第 {case.version} 版），请刷新后重试",
                field="version",
            )
        result = work(_Tx(conn, tree, load_settings(conn), wt, now, events), case)
    rt.committed(events)
    return result


def _plain(action: str, actor: Actor, data: Mapping[str, Any]) -> Work:
    """An action whose data is known before the request is loaded (the caller has checked the actor)."""

    def work(tx: _Tx, case: Case) -> Case:
        return tx.act(case, action, actor, data)

    return work


def _unit_work(action: str, actor: Actor, data: Mapping[str, Any], check: Check | None = None) -> Work:
    """A unit's action: only the unit holding the request may take it, and ``check`` may refuse it."""

    def work(tx: _Tx, case: Case) -> Case:
        access_unit_action(actor, case, tx.tree)
        if check is not None:
            check(tx, case)
        return tx.act(case, action, actor, data)

    return work


# -- 派单 -----------------------------------------------------------------------------------------------------


def _unit_name(tree: UnitTree, unit_id: int, field_name: str) -> str:
    if unit_id not in tree:
        raise HotlineError(f"单位 {unit_id} 不存在", field=field_name)
    unit = tree.get(unit_id)
    if unit.kind in (UnitKind.CENTER, UnitKind.REGION):
        raise HotlineError(f"「{unit.name}」不是承办单位，请选择职能部门、乡镇（街道）或公共服务企业", field=field_name)
    return unit.name


def _dispatch_in(tx: _Tx, case: Case, actor: Actor, order: DispatchOrder) -> Case:
    if order.designate:
        access_center_review(actor)
    else:
        access_center(actor)
    lead = _unit_name(tx.tree, order.lead_unit_id, "lead_unit_id")
    co_ids = list(dict.fromkeys(u for u in order.co_unit_ids if u != order.lead_unit_id))
    co_names = [_unit_name(tx.tree, u, "co_unit_ids") for u in co_ids]
    if order.designate and not order.reason.strip():
        raise HotlineError("指定承办须说明理由（如：职责争议，经研究确定）", field="reason")
    # The previous dispatch's co-units are withdrawn: the new lead unit decides whom to ask.
    tx.withdraw_assisting(case, actor, "工单已重新派单")
    sign_due = tx.wt.deadline(tx.now, Limit.parse(tx.current.sign_window))
    data: dict[str, Any] = {
        "lead_unit_id": order.lead_unit_id,
        "lead_unit": lead,
        "co_unit_ids": co_ids,
        "co_units": co_names,
        "sign_due": sign_due.at.isoformat(),
        "payload": {
            "lead_unit_id": order.lead_unit_id,
            "lead_unit": lead,
            "co_unit_ids": co_ids,
            "co_units": co_names,
            "sign_due": sign_due.at.isoformat(),
            "designated": order.designate,
            "dispatches": int(str(case.payload.get("dispatches") or 0)) + 1,
        },
    }
    if order.reason.strip():
        data["reason"] = order.reason.strip()
    if order.suggested:
        data["suggested"] = list(order.suggested[:3])
    action = "designate" if order.designate else "dispatch"
    new = tx.act(case, action, actor, data, unit_id=order.lead_unit_id)
    limit = new.payload.get("limit")
    for unit_id in co_ids:
        _open(
            tx.conn,
            DISPATCH,
            actor=actor,
            wt=tx.wt,
            now=tx.now,
            unit_id=unit_id,
            payload={"title": new.payload.get("title"), "request": new.number, "limit": limit},
            party_id=None,
            parent_id=new.id,
            events=tx.events,
        )
    return new


def dispatch(
    rt: Runtime, actor: Actor, number: str, order: DispatchOrder, *, expected_version: int | None = None
) -> Case:
    """派单 (or, with ``order.designate``, 指定承办: the unit may then not return it)."""
    return _run(rt, actor, number, expected_version, lambda tx, case: _dispatch_in(tx, case, actor, order))


# -- the unit: 签收, 退单, 延期, 答复 ------------------------------------------------------------------------------


def accept(rt: Runtime, actor: Actor, number: str, *, expected_version: int | None = None) -> Case:
    return _run(rt, actor, number, expected_version, _unit_work("accept", actor, {}))


def _sign_due(case: Case) -> datetime | None:
    raw = case.payload.get("sign_due")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None


def return_request(rt: Runtime, actor: Actor, number: str, *, reason: str, expected_version: int | None = None) -> Case:
    """退单: only before signing for it, within the sign-for window, and never once designated."""

    def work(tx: _Tx, case: Case) -> Case:
        access_unit_action(actor, case, tx.tree)
        if case.state == "designated" or case.payload.get("designated"):
            raise HotlineError(
                "该工单已由热线中心指定承办，不能退单（潍坊条例第二十二条）", field="return_reason", code="designated"
            )
        if case.state != "dispatched":
            state = get_kind(case.kind).states[case.state].label
            raise InvalidAction(f"当前状态「{state}」不能退单：退单须在签收前提出", field="return_reason")
        due = _sign_due(case)
        if due is not None and tx.now > due:
            raise HotlineError(
                f"已超过退单时限（派单后 {tx.current.sign_window} 内，截至 {due:%Y-%m-%d %H:%M}）",
                field="return_reason",
                code="return_window_passed",
            )
        why = _required(reason, "请填写「退单理由」", "return_reason")
        # Counted from the events, so a return made through the generic case page counts too.
        returns = sum(1 for e in repo.load_events(tx.conn, case) if e.action == "return") + 1
        data = {
            "return_reason": why,
            "unit_id": case.unit_id,
            "payload": {"returns": returns},
        }
        new = tx.act(case, "return", actor, data)
        if returns >= tx.current.returns_for_supervision:
            flag = {"reason": f"多次退单（{returns} 次），请协调确定承办单位", "returns": returns}
            new = tx.act(new, "flag_supervision", Actor.system(), flag)
        return new

    return _run(rt, actor, number, expected_version, work)


def _remaining_extension(case: Case, current: HotlineSettings) -> Limit:
    cap = Limit.parse(current.max_extension)
    used = case.clock.extension if case.clock is not None else Limit.days(0)
    if used.unit != cap.unit:
        return Limit.days(0)
    return Limit(max(cap.amount - used.amount, Fraction(0)), cap.unit)


def _extension(raw: str, case: Case, current: HotlineSettings) -> Limit:
    try:
        extra = Limit.parse(raw)
    except ValueError:
        raise HotlineError(f"延期时长「{raw}」格式不正确（例如 5d 表示 5 个工作日）", field="extension") from None
    if case.clock is None or extra.unit != case.clock.limit.unit or extra.amount <= 0:
        raise HotlineError("延期时长须为正数，且与办理时限的单位一致（工作日）", field="extension")
    left = _remaining_extension(case, current)
    if extra.amount > left.amount:
        raise HotlineError(
            f"延期超过上限：累计最多 {describe_limit(Limit.parse(current.max_extension))}，"
            f"尚可延长 {describe_limit(left)}",
            field="extension",
            code="extension_exceeded",
        )
    return extra


def request_extension(
    rt: Runtime, actor: Actor, number: str, *, extension: str, reason: str, expected_version: int | None = None
) -> Case:
    def check(tx: _Tx, case: Case) -> None:
        _extension(extension, case, tx.current)
        _required(reason, "请填写延期「理由」", "reason")

    data = {"extension": extension.strip(), "reason": reason.strip()}
    return _run(rt, actor, number, expected_version, _unit_work("request_extension", actor, data, check))


def decide_extension(
    rt: Runtime,
    actor: Actor,
    number: str,
    *,
    approve: bool,
    extension: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """The center approves (the requested time, or less) or refuses a unit's extension request."""
    access_center_review(actor)

    def work(tx: _Tx, case: Case) -> Case:
        if case.state != "extension_requested":
            raise InvalidAction("该工单没有待审批的延期申请", field="extension")
        if not approve:
            why = _required(reason, "不批准延期须说明理由", "reason")
            return tx.act(case, "reject_extension", actor, {"reason": why})
        requested = _last_event_data(tx.conn, case, "request_extension").get("extension")
        amount = (extension or str(requested or "")).strip()
        extra = _extension(amount, case, tx.current)
        data = {"extension": str(extra), "unit_id": case.unit_id}
        if reason.strip():
            data["reason"] = reason.strip()
        return tx.act(case, "approve_extension", actor, data)

    return _run(rt, actor, number, expected_version, work)


def _last_event_data(conn: Connection, case: Case, action: str) -> Mapping[str, Any]:
    for event in reversed(repo.load_events(conn, case)):
        if event.action == action:
            return event.data
    return {}


def reply(rt: Runtime, actor: Actor, number: str, *, text: str, expected_version: int | None = None) -> Case:
    answer = _required(text, "请填写「答复内容」", "reply")
    data = {"reply": answer, "payload": {"reply": answer}}
    return _run(rt, actor, number, expected_version, _unit_work("reply", actor, data))


def submit_opinion(rt: Runtime, actor: Actor, number: str, *, text: str) -> Case:
    """A co-unit's 协办意见 on its part (a ``hotline_dispatch`` case); the lead unit sees it on the request."""
    opinion = _required(text, "请填写「协办意见」", "opinion_text")
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        case = repo.load_case(conn, number.strip().upper(), for_update=True)
        if case.kind != DISPATCH:
            raise NotFound(f"协办单 {number} 不存在或您无权查看", field="number")
        access_unit_action(actor, case, tree)
        new = _act(conn, case, "submit_opinion", actor, {"opinion_text": opinion}, wt, now, events)
    rt.committed(events)
    return new


# -- the center: 审核, 回访, 办结 ----------------------------------------------------------------------------------


def review_reply(
    rt: Runtime, actor: Actor, number: str, *, approve: bool, reason: str = "", expected_version: int | None = None
) -> Case:
    """审核答复: approved → 待回访 (and every merged request gets the reply); else back to the unit."""
    access_center_review(actor)

    def work(tx: _Tx, case: Case) -> Case:
        if not approve:
            why = _required(reason, "退回重办须说明理由", "reason")
            return tx.act(case, "send_back", actor, {"reason": why})
        visit_due = tx.wt.deadline(tx.now, Limit.parse(tx.current.visit_window))
        data = {"unit_id": case.unit_id, "payload": {"visit_due": visit_due.at.isoformat()}}
        new = tx.act(case, "approve_reply", actor, data)
        tx.withdraw_assisting(case, actor, "主办单位已答复办结")
        _share_reply(tx, new, visit_due.at)
        return new

    return _run(rt, actor, number, expected_version, work)


def _share_reply(tx: _Tx, master: Case, visit_due: datetime) -> None:
    """并单: each merged requester gets the master's reply and is visited on their own."""
    text = str(master.payload.get("reply") or "")
    rows = tx.conn.execute(
        sa.select(cases.c.id)
        .join(hotline_requests, hotline_requests.c.case_id == cases.c.id)
        .where(hotline_requests.c.master_case_id == master.id, cases.c.state == "merged")
        .order_by(cases.c.id)
    ).all()
    for (case_id,) in rows:
        locked = repo.load_case_by_id(tx.conn, case_id, for_update=True)
        data = {
            "reply": text,
            "master": master.number,
            "payload": {
                "reply": text,
                "visit_due": visit_due.isoformat(),
                "lead_unit": master.payload.get("lead_unit"),
            },
        }
        tx.act(locked, "share_reply", Actor.system(), data)


def return_visit(
    rt: Runtime,
    actor: Actor,
    number: str,
    *,
    result: str,
    solved: bool,
    comment: str = "",
    expected_version: int | None = None,
) -> Case:
    """回访: 满意/基本满意 close; 不满意 reopens for 重办 once (with a fresh clock), then goes to review."""
    access_center(actor)
    verdict = VisitResult.parse(result, field="result")

    def work(tx: _Tx, case: Case) -> Case:
        if case.state != "visiting":
            raise InvalidAction("该工单尚未答复办结，不能回访", field="result")
        reopens = int(str(case.payload.get("reopens") or 0))
        data: dict[str, Any] = {
            "result": verdict.value,
            "result_label": verdict.label,
            "solved": solved,
            "unit_id": case.unit_id,
            "payload": {"visit": {"result": verdict.value, "solved": solved, "at": tx.now.isoformat()}},
        }
        if comment.strip():
            data["comment"] = comment.strip()
        if verdict is not VisitResult.UNSATISFIED:
            closed = tx.act(case, "visit_close", actor, data)
            _rate_visit(tx, closed, verdict, comment)
            return closed
        merged = case.payload.get("master") is not None
        if reopens >= 1 or merged or case.unit_id is None:
            return tx.act(case, "visit_review", actor, data)
        # 重办: the unit gets a fresh limit (the event says so); the old clock's record stays in the events.
        data["payload"] = {**data["payload"], "reopens": reopens + 1, "reply": None}
        data["clock_restarted"] = True
        restarted = evolve(case, clock=None)
        new, event = engine.decide(restarted, "visit_reopen", actor, data, tx.now, tx.wt)
        repo.save_changes(tx.conn, [(case, new, [event])], tx.wt)
        tx.events.append(event)
        return new

    return _run(rt, actor, number, expected_version, work)


def conclude(rt: Runtime, actor: Actor, number: str, *, comment: str, expected_version: int | None = None) -> Case:
    """审核办结: the center (or a supervisor) closes a request still unsatisfied after 重办, with its finding."""
    access_center_review(actor)
    finding = _required(comment, "请填写「审核意见」", "comment")

    def work(tx: _Tx, case: Case) -> Case:
        closed = tx.act(case, "conclude", actor, {"comment": finding})
        # The caller's last word was the 不满意 visit that sent the request to review: that is their rating,
        # recorded now that the request is finished (the center's finding is its own, not the caller's).
        visit = _last_event_data(tx.conn, closed, "visit_review")
        raw = visit.get("result")
        if isinstance(raw, str):
            _rate_visit(tx, closed, VisitResult.parse(raw, field="result"), str(visit.get("comment") or ""))
        return closed

    return _run(rt, actor, number, expected_version, work)


# 回访 → 好差评: the return visit is the request's rating on the phone channel (好差评全覆盖). The visit's three
# answers map onto the five levels by their own words: 满意 → 4 满意, not 5 非常满意 — the caller chose the top of
# a three-point question, which is not the "very" of the five-point one, and lifting every 满意 to 5 would
# inflate the mean level against ratings by other channels (好评率 and 满意率 count 4 and 5 alike, so they do
# not depend on the choice); 基本满意 → 3; 不满意 → 2 不满意, a 差评 (the caller did not say 非常不满意).
VISIT_LEVELS: Mapping[VisitResult, Level] = {
    VisitResult.SATISFIED: Level.SATISFIED,
    VisitResult.BASIC: Level.BASICALLY_SATISFIED,
    VisitResult.UNSATISFIED: Level.DISSATISFIED,
}


def _rate_visit(tx: _Tx, closed: Case, verdict: VisitResult, comment: str) -> None:
    """Records the visit's rating for the request ``closed`` has just become, in the visit's transaction.

    Ratings are for finished requests only, and a request at 待回访 is not finished: a 不满意 visit reopens it
    (重办) or sends it to review. So the rating is taken when the request closes — by a 满意/基本满意 visit or
    by 审核办结 after a 不满意 one — from the caller's verdict at that moment. A reopened request visited twice is
    therefore rated once, by the visit that closed it; should a phone rating already exist, the first one
    stands and the visit goes on (``record_in`` returns None). The responsible unit is the lead unit (the
    request's owner), for a merged request its master's; a 差评 opens the unit's rectification here too."""
    unit_id = closed.unit_id
    if closed.payload.get("master") is not None:
        master_id = tx.conn.execute(
            sa.select(hotline_requests.c.master_case_id).where(hotline_requests.c.case_id == closed.id)
        ).scalar()
        if master_id is not None:
            unit_id = tx.conn.execute(sa.select(cases.c.unit_id).where(cases.c.id == master_id)).scalar()
    record_in(
        tx.conn,
        closed.number,
        VISIT_LEVELS[verdict],
        RatingChannel.PHONE,
        anonymous=bool(closed.payload.get("anonymous")),
        comment=comment,
        unit_id=unit_id,
        wt=tx.wt,
        now=tx.now,
        events=tx.events,
    )


def merge(rt: Runtime, actor: Actor, number: str, *, master: str, expected_version: int | None = None) -> Case:
    """并单: ``number`` follows ``master`` (an open request, not itself merged)."""
    access_center(actor)

    def work(tx: _Tx, case: Case) -> Case:
        target = master.strip().upper()
        if target == case.number:
            raise HotlineError("不能与自身并单", field="master")
        try:
            main = _load_request(tx.conn, target)
        except NotFound:
            raise HotlineError(f"主工单 {target} 不存在", field="master") from None
        if main.state not in OPEN_STATES:
            label = get_kind(main.kind).states[main.state].label
            raise HotlineError(f"主工单 {target} 当前为「{label}」，只能并入办理中的工单", field="master")
        data = {
            "master": main.number,
            "payload": {"master": main.number, "lead_unit": main.payload.get("lead_unit")},
        }
        new = tx.act(case, "merge", actor, data)
        tx.conn.execute(
            sa.update(hotline_requests).where(hotline_requests.c.case_id == case.id).values(master_case_id=main.id)
        )
        return new

    return _run(rt, actor, number, expected_version, work)


def direct_answer(
    rt: Runtime,
    actor: Actor,
    number: str,
    *,
    reply_text: str,
    kb_entry_id: int | None = None,
    expected_version: int | None = None,
) -> Case:
    """直接答复: a consultation answered on the spot (from the knowledge base when ``kb_entry_id``): closed."""
    access_center(actor)

    def work(tx: _Tx, case: Case) -> Case:
        text = reply_text.strip()
        data: dict[str, Any] = {}
        if kb_entry_id is not None:
            entry = tx.conn.execute(
                sa.select(
                    hotline_kb.c.id, hotline_kb.c.answer, hotline_kb.c.valid_from, hotline_kb.c.valid_until
                ).where(hotline_kb.c.id == kb_entry_id, hotline_kb.c.active.is_(True))
            ).first()
            if entry is None:
                raise HotlineError(f"知识库条目 {kb_entry_id} 不存在或已停用", field="kb_entry_id")
            today = tx.now.date()
            if (entry.valid_from and entry.valid_from > today) or (entry.valid_until and entry.valid_until < today):
                raise HotlineError(f"知识库条目 {kb_entry_id} 不在有效期内，请核实后答复", field="kb_entry_id")
            text = text or entry.answer
            data["kb_entry_id"] = kb_entry_id
            tx.conn.execute(
                sa.update(hotline_kb).where(hotline_kb.c.id == kb_entry_id).values(hits=hotline_kb.c.hits + 1)
            )
            tx.conn.execute(
                sa.update(hotline_requests).where(hotline_requests.c.case_id == case.id).values(kb_entry_id=kb_entry_id)
            )
        if not text:
            raise HotlineError("请填写「答复内容」", field="reply")
        data["reply"] = text
        data["payload"] = {"reply": text, "direct": True}
        return tx.act(case, "direct_answer", actor, data)

    return _run(rt, actor, number, expected_version, work)


def reject(rt: Runtime, actor: Actor, number: str, *, reason: str, expected_version: int | None = None) -> Case:
    """不予受理 (not a matter for the hotline: emergencies to 110/119, court cases, repeated nuisance calls)."""
    access_center(actor)
    why = _required(reason, "请填写不予受理的「理由」", "reason")
    return _run(rt, actor, number, expected_version, _plain("reject", actor, {"reason": why}))


# -- the tick --------------------------------------------------------------------------------------------------


def on_tick(rt: Runtime, now: datetime) -> int:
    """超时视为签收: a request neither signed for nor returned within the window is the unit's now."""
    wt = rt.working_time()
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.number, cases.c.payload).where(
                cases.c.kind == REQUEST, cases.c.state.in_(("dispatched", "designated"))
            )
        ).all()
    due: list[str] = []
    for number, payload in rows:
        body = json.loads(payload) if isinstance(payload, str) else payload
        raw = body.get("sign_due") if isinstance(body, Mapping) else None
        if isinstance(raw, str) and datetime.fromisoformat(raw) <= now:
            due.append(number)
    done = 0
    for number in due:
        events: list[Event] = []
        with write(rt.engine) as conn:
            case = _load_request(conn, number, for_update=True)
            if case.state not in ("dispatched", "designated"):
                continue  # signed for or returned since the read
            data = {"reason": "签收时限届满，系统视为签收", "unit_id": case.unit_id}
            _act(conn, case, "auto_accept", Actor.system(), data, wt, now, events)
        rt.committed(events)
        done += 1
    return done


# -- reads -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    """A request as the hotline's lists and pages show it; ``phone``/``id_number`` are whole only where the
    caller asked for them whole (the operator's detail view), else masked."""

    case: Case
    channel: str
    category: str
    urgency: str
    requester_name: str
    phone: str
    id_number: str
    anonymous: bool
    address: str
    text: str
    master: str | None
    kb_entry_id: int | None
    received_at: datetime
    lat: float | None = None
    lon: float | None = None
    service_code: str | None = None
    email: str | None = None


def _row(case: Case, r: RowMapping, master: str | None, *, whole: bool) -> RequestRow:
    from onestop.org.masking import mask_phone, mask_resident_id

    phone = r["phone"] or ""
    id_number = r["id_number"] or ""
    return RequestRow(
        case=case,
        channel=r["channel"],
        category=r["category"],
        urgency=r["urgency"],
        requester_name=r["requester_name"],
        phone=phone if whole else (mask_phone(phone) if phone else ""),
        id_number=id_number if whole else (mask_resident_id(id_number) if id_number else ""),
        anonymous=bool(r["anonymous"]),
        address=r["address"],
        text=r["text"],
        master=master,
        kb_entry_id=r["kb_entry_id"],
        received_at=r["received_at"],
        lat=r["lat"],
        lon=r["lon"],
        service_code=r["service_code"],
        email=r["email"],
    )


def get_request(rt: Runtime, actor: Actor, number: str) -> RequestRow:
    """One visible request; contact numbers masked (the center's operators see them whole)."""
    with read(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        case = _load_request(conn, number)
        access_request(actor, case, tree, assisting=_co_unit_ids(case))
        r = _request_row(conn, case)
        master = None
        if r["master_case_id"] is not None:
            master = conn.execute(sa.select(cases.c.number).where(cases.c.id == r["master_case_id"])).scalar()
    # The operator calls back and visits: the number whole, unless the caller asked for anonymity.
    whole = is_center(actor) and actor.has_role(Role.OPERATOR) and not r["anonymous"]
    return _row(case, r, master, whole=whole)


QUEUES: dict[str, tuple[str, ...]] = {
    "registered": ("registered",),
    "returned": ("returned",),
    "extension": ("extension_requested",),
    "replied": ("replied",),
    "visiting": ("visiting",),
    "review": ("review",),
    "handling": ("dispatched", "designated", "handling", "extension_requested"),
    "open": tuple(sorted(OPEN_STATES)),
    "closed": ("closed", "rejected"),
}
QUEUE_LABELS = {
    "registered": "待派单",
    "returned": "退单待审",
    "extension": "延期待批",
    "replied": "答复待审",
    "visiting": "待回访",
    "review": "不满意待审核",
    "handling": "承办中",
    "open": "全部在办",
    "closed": "已办结",
}


def queue(rt: Runtime, actor: Actor, name: str, *, limit: int = 100) -> list[RequestRow]:
    """A work queue of the center (待派单, 退单待审 …), newest first, as far as ``actor`` may see."""
    states = QUEUES.get(name)
    if states is None:
        raise HotlineError(f"未知的工单队列「{name}」，可选：{'、'.join(QUEUES)}", field="queue")
    with read(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        scope = hotline_scope(actor, tree)
        query = (
            sa.select(cases, hotline_requests)
            .join(hotline_requests, hotline_requests.c.case_id == cases.c.id)
            .where(cases.c.kind == REQUEST, cases.c.state.in_(states))
            .order_by(cases.c.id.desc())
            .limit(limit)
        )
        if scope is not None:
            query = query.where(cases.c.unit_id.in_(sorted(scope)))
        rows = conn.execute(query).mappings().all()
        masters = dict(
            conn.execute(
                sa.select(cases.c.id, cases.c.number).where(
                    cases.c.id.in_([r["master_case_id"] for r in rows if r["master_case_id"] is not None])
                )
            ).all()
        )
    return [_row(repo.row_to_case(r), r, masters.get(r["master_case_id"]), whole=False) for r in rows]


def request_children(rt: Runtime, case: Case) -> list[Case]:
    with read(rt.engine) as conn:
        return [c for c in repo.load_children(conn, case.id or 0) if c.kind == DISPATCH]


def merged_into(rt: Runtime, case: Case) -> list[str]:
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.number)
            .join(hotline_requests, hotline_requests.c.case_id == cases.c.id)
            .where(hotline_requests.c.master_case_id == case.id)
            .order_by(cases.c.id)
        ).all()
    return [r.number for r in rows]


def case_number_exists(rt: Runtime, number: str) -> bool:
    with read(rt.engine) as conn:
        return conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).first() is not None


__all__ = [
    "QUEUES",
    "QUEUE_LABELS",
    "DispatchOrder",
    "Registered",
    "RequestRow",
    "accept",
    "conclude",
    "decide_extension",
    "direct_answer",
    "dispatch",
    "duplicates_of",
    "get_request",
    "get_settings",
    "load_settings",
    "merge",
    "on_tick",
    "queue",
    "register_request",
    "reject",
    "reply",
    "request_extension",
    "return_request",
    "return_visit",
    "review_reply",
    "save_settings",
    "submit_opinion",
]
