"""好差评 writes: rating a finished case, working the rectification of a 差评, appealing and reviewing.

* ``rate`` — one transaction: the rating row and, for a 差评, the ``rectification`` case for the responsible
  unit (the rated case's unit), linked both ways. A rating never touches the rated case: it is finished, and
  its event chain ends with its finishing.
* Rectification: ``contact`` (联系评价人), ``verify``, ``rectify`` / ``explain``, ``call_back`` (the result is
  the action), ``close_unreachable``. An anonymous 差评 cannot be called back: its rectification closes as the
  system in the same transaction as its 整改/说明, so it counts as rectified, apart from the real-name ones.
* ``appeal`` (the unit; one per rating, within the appeal window) and ``review_appeal`` (a supervisor; on
  approval the rating is annulled and its open rectification withdrawn, in the same transaction).
* ``on_tick`` — the contact limit. The engine gives a case one clock, and the rectification's is the 15-day
  budget to finish it, which oversight watches like every clock. The 1-day contact limit is a milestone inside
  that work, not a piece of work of its own (no owner or outcome apart from the rectification's), so it is
  not a child case with a clock of its own: that would need a third case kind and would count each 差评 twice
  in every clock view. Instead the contact-due instant is computed with the working-time calendar when the
  差评 arrives, kept in the rectification's payload, and ``on_tick`` records ``contact_overdue`` (a system
  event on the rectification, which oversight rules can read) once for a real-name rectification that has no
  ``contact`` event by then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from onestop.access import NOT_FOUND_MESSAGE, access_case, access_case_by_code, case_owner_id
from onestop.actions.cases import _open
from onestop.actions.runtime import Runtime
from onestop.cases import engine
from onestop.cases.case import Case, evolve
from onestop.cases.errors import NotFound, VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind
from onestop.db import cases_repo as repo
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_events, cases, rating_appeals, ratings, settings
from onestop.org.roles import Role
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.ratings import access, rules
from onestop.ratings.errors import AlreadyRated, AppealRefused, InvalidRating, RatingForbidden
from onestop.ratings.kinds import OPEN_RECTIFICATION_STATES, RATING_APPEAL, RECTIFICATION
from onestop.ratings.levels import AppealGround, CallbackResult, Channel, Level, RatingStatus
from onestop.ratings.rules import RatingLimits
from onestop.ratings.tags import Tag, clean_tags
from onestop.worktime import WorkingTime

SYSTEM = Actor.system()
TEXT_MAX = 2000
ANONYMOUS_RATER = "匿名评价人"
ANONYMOUS_CLOSE_REASON = "匿名评价，无法回访；已核实整改，系统办结"


@dataclass(frozen=True)
class RatingResult:
    id: int
    case_number: str
    level: Level
    bad: bool
    real_name: bool
    rectification_number: str | None


# -- limits --------------------------------------------------------------------------------------------------


def load_limits(conn: Connection) -> RatingLimits:
    raw = conn.execute(sa.select(settings.c.value).where(settings.c.key == rules.SETTINGS_KEY)).scalar()
    return RatingLimits.from_mapping(raw if isinstance(raw, Mapping) else None)


def get_limits(rt: Runtime) -> RatingLimits:
    with read(rt.engine) as conn:
        return load_limits(conn)


def set_limits(rt: Runtime, actor: Actor, values: Mapping[str, str]) -> RatingLimits:
    """An administrator sets the module's limits; they apply to 差评 and appeals from then on."""
    if not actor.has_role(Role.ADMIN):
        raise RatingForbidden("只有管理员可以设置好差评时限", field=None)
    limits = RatingLimits.from_mapping(values)
    with write(rt.engine) as conn:
        conn.execute(sa.delete(settings).where(settings.c.key == rules.SETTINGS_KEY))
        conn.execute(sa.insert(settings).values(key=rules.SETTINGS_KEY, value=limits.to_mapping(), updated_at=rt.now()))
    return limits


# -- rating ----------------------------------------------------------------------------------------------------


def rate(
    rt: Runtime,
    number: str,
    *,
    level: int | str,
    channel: str,
    actor: Actor | None,
    code: str | None = None,
    comment: str = "",
    tags: Sequence[str] = (),
    anonymous: bool = False,
) -> RatingResult:
    """Rates the finished case ``number``; ``code`` is the verification code when the rater has no account."""
    grade = rules.parse_level(level)
    via = Channel.parse(channel, field="channel")
    text = rules.clean_comment(comment)
    tag_values = clean_tags(grade, tags)
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    try:
        with write(rt.engine) as conn:
            result = _rate(
                conn,
                number.strip().upper(),
                grade,
                via,
                actor=actor,
                code=code,
                comment=text,
                tags=tag_values,
                anonymous=anonymous,
                wt=wt,
                now=now,
                events=events,
            )
    except IntegrityError:
        # Two ratings of one case by one channel at the same instant: the unique constraint keeps one.
        raise AlreadyRated(
            f"该办件已通过「{via.label}」评价过，同一渠道只能评价一次（一次一评）", field="channel"
        ) from None
    rt.committed(events)
    return result


def _rate(
    conn: Connection,
    number: str,
    grade: Level,
    via: Channel,
    *,
    actor: Actor | None,
    code: str | None,
    comment: str,
    tags: list[str],
    anonymous: bool,
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> RatingResult:
    by_code = False
    if code:
        access_case_by_code(conn, number, code)  # NotFound with the lookup's message when wrong
        by_code = True
    try:
        case = repo.load_case(conn, number, for_update=True)
    except NotFound:
        # The same words as for a case the rater may not see: numbers cannot be probed.
        raise NotFound(NOT_FOUND_MESSAGE.format(number=number), field="number") from None
    owner_id = case_owner_id(conn, case.id)
    tree = org_repo.load_unit_tree(conn)
    if not access.may_rate(actor, via, tree, case_unit_id=case.unit_id, owner_id=owner_id, by_code=by_code):
        if not by_code:
            # Someone who may not see a case must not learn whether it exists (or is finished) either.
            _visible_or_404(actor, case, owner_id, tree)
        access.access_rate(actor, via, tree, case_unit_id=case.unit_id, owner_id=owner_id, by_code=by_code)
    return _record(
        conn, case, grade, via, comment=comment, tags=tags, anonymous=anonymous, wt=wt, now=now, events=events
    )


def record_in(
    conn: Connection,
    number: str,
    grade: Level,
    via: Channel,
    *,
    anonymous: bool,
    comment: str,
    unit_id: int | None,
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> RatingResult | None:
    """A rating recorded inside another action's transaction and on its authority: the hotline's return visit
    (回访) is the caller's rating by phone, and ``return_visit`` has already checked its operator, so no
    ``access_rate`` here. The rules still hold: the case must be finished, and one rating per channel — a case
    already rated by ``via`` keeps that rating and None is returned (the recording action must not fail on it).
    ``unit_id`` is the responsible unit when it is not the case's owner (a merged request: its master's unit).
    The comment is cut to the rating's limit rather than refused: the visit's own note keeps the whole text."""
    case = repo.load_case(conn, number, for_update=True)
    rated = conn.execute(sa.select(ratings.c.channel).where(ratings.c.case_id == case.id)).scalars().all()
    if via.value in rated:
        return None
    if unit_id is not None:
        case = evolve(case, unit_id=unit_id)
    text = rules.clean_comment(comment.replace("\x00", "")[: rules.COMMENT_MAX])
    return _record(conn, case, grade, via, comment=text, tags=[], anonymous=anonymous, wt=wt, now=now, events=events)


def _record(
    conn: Connection,
    case: Case,
    grade: Level,
    via: Channel,
    *,
    comment: str,
    tags: list[str],
    anonymous: bool,
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> RatingResult:
    """The rating row of the locked ``case`` (its ``unit_id`` answers for it) and, for a 差评, its rectification."""
    kind = get_kind(case.kind)
    rules.check_ratable(
        case.kind, kind.label, terminal=kind.is_terminal(case.state), state_label=kind.states[case.state].label
    )
    scope = rules.scope_for(case.kind, case.payload)
    rated = conn.execute(sa.select(ratings.c.channel).where(ratings.c.case_id == case.id)).scalars().all()
    rules.check_not_rated(scope, via, rated)
    real_name = rules.is_real_name(anonymous=anonymous, party_id=case.party_id)
    rating_id = conn.execute(
        sa.insert(ratings)
        .values(
            case_id=case.id,
            case_kind=case.kind,
            unit_id=case.unit_id,
            item_code=rules.item_code_for(case.payload),
            channel=via.value,
            scope=scope.value,
            level=grade.number,
            bad=grade.bad,
            real_name=real_name,
            party_id=case.party_id if real_name else None,
            comment=comment,
            tags=tags,
            rated_at=now,
            status=RatingStatus.VALID.value,
        )
        .returning(ratings.c.id)
    ).scalar_one()
    rectification = None
    if grade.bad:
        limits = load_limits(conn)
        rectification = _open_rectification(
            conn, case, rating_id, grade, via, comment, tags, real_name, limits, wt, now, events
        )
        conn.execute(sa.update(ratings).where(ratings.c.id == rating_id).values(rectification_case_id=rectification.id))
    return RatingResult(
        id=rating_id,
        case_number=case.number,
        level=grade,
        bad=grade.bad,
        real_name=real_name,
        rectification_number=None if rectification is None else rectification.number,
    )


def _visible_or_404(actor: Actor | None, case: Case, owner_id: int | None, tree: UnitTree) -> None:
    if actor is None or not access_case(actor, case, tree, owner_id=owner_id):
        raise NotFound(NOT_FOUND_MESSAGE.format(number=case.number), field="number")


def _open_rectification(  # noqa: PLR0917  (the facts of one rating, passed on as they are)
    conn: Connection,
    case: Case,
    rating_id: int,
    grade: Level,
    via: Channel,
    comment: str,
    tags: list[str],
    real_name: bool,
    limits: RatingLimits,
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> Case:
    payload: dict[str, Any] = {
        "title": f"差评整改：{case.number}（{grade.label}）",
        "rating_id": rating_id,
        "rated_case": case.number,
        "rated_kind": get_kind(case.kind).label,
        "level": grade.number,
        "level_label": grade.label,
        "channel": via.value,
        "comment": comment,
        "tags": [Tag(t).label for t in tags],
        "real_name": real_name,
        "limit": str(limits.finish),
        "contact_due": rules.contact_due(wt, now, limits).isoformat() if real_name else None,
    }
    if not real_name:
        payload["applicant"] = ANONYMOUS_RATER
    return _open(
        conn,
        RECTIFICATION,
        actor=SYSTEM,
        wt=wt,
        now=now,
        unit_id=case.unit_id,
        payload=payload,
        # The rater, so the unit's staff reach them through the case page's recorded PII view (回访).
        party_id=case.party_id if real_name else None,
        parent_id=None,
        events=events,
    )


# -- rectification -----------------------------------------------------------------------------------------------


def _act(  # noqa: PLR0917  (positional like engine.decide, which it wraps)
    conn: Connection,
    case: Case,
    action: str,
    actor: Actor,
    data: Mapping[str, Any],
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> Case:
    """One action on a case locked in the caller's transaction (what ``perform`` does for one case)."""
    new, event = engine.decide(case, action, actor, dict(data), now, wt)
    repo.save_changes(conn, [(case, new, [event])], wt)
    events.append(event)
    return new


def _text(value: str, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidRating(f"请填写「{label}」", field=field)
    if len(text) > TEXT_MAX or "\x00" in text:
        raise InvalidRating(f"「{label}」不能超过 {TEXT_MAX} 个字且不能含非法字符", field=field)
    return text


def act_on_rectification(
    rt: Runtime,
    number: str,
    action: str,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Case:
    """One step of a rectification by the rated unit's staff, checked against the rating's facts; an anonymous
    rectification that reaches 待回访 is closed by the system in the same transaction."""
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        case = repo.load_case(conn, number.strip().upper(), for_update=True)
        tree = org_repo.load_unit_tree(conn)
        if case.kind != RECTIFICATION:
            raise NotFound(f"{case.number} 不是差评整改办件", field="number")
        if not access.may_work_rectification(actor, tree, case.unit_id):
            if not access_case(actor, case, tree):
                raise NotFound(NOT_FOUND_MESSAGE.format(number=case.number), field="number")
            access.access_rectification(actor, tree, case.unit_id)
        if expected_version is not None and case.version != expected_version:
            raise VersionConflict(
                f"办件 {case.number} 已被他人修改（您看到第 {expected_version} 版，"
                f"现为第 {case.version} 版），请刷新后重试",
                field="version",
            )
        real_name = bool(case.payload.get("real_name"))
        if not real_name and (action == "contact" or action.startswith("callback_")):
            raise InvalidRating("匿名评价无法联系或回访评价人", field="action")
        new = _act(conn, case, action, actor, data, wt, now, events)
        if not real_name and new.state == "callback":
            new = _act(conn, new, "close_unreachable", SYSTEM, {"reason": ANONYMOUS_CLOSE_REASON}, wt, now, events)
    rt.committed(events)
    return new


# step name -> (its data field, the field's Chinese name); "callback" also takes ``result``
STEPS: dict[str, tuple[str, str]] = {
    "contact": ("note", "联系情况"),
    "verify": ("finding", "核实情况"),
    "rectify": ("measures", "整改措施"),
    "explain": ("explanation", "情况说明"),
    "callback": ("note", "回访情况"),
    "close_unreachable": ("reason", "理由"),
}


def take_step(
    rt: Runtime,
    number: str,
    step: str,
    actor: Actor,
    data: Mapping[str, object],
    *,
    expected_version: int | None = None,
) -> Case:
    """A rectification step by name with its form's values: the text checked, the callback result as its action."""
    if step not in STEPS:
        raise InvalidRating(f"没有「{step}」这一整改步骤", field="action")
    key, label = STEPS[step]
    raw = data.get(key)
    values = {key: _text(raw if isinstance(raw, str) else "", key, label)}
    action = step
    if step == "callback":
        result = data.get("result")
        if not isinstance(result, str) or not result.strip():
            raise InvalidRating("请选择「回访结果」", field="result")
        action = CallbackResult.parse(result, field="result").action
    return act_on_rectification(rt, number, action, actor, values, expected_version=expected_version)


def contact(rt: Runtime, number: str, actor: Actor, *, note: str) -> Case:
    return take_step(rt, number, "contact", actor, {"note": note})


def verify(rt: Runtime, number: str, actor: Actor, *, finding: str) -> Case:
    return take_step(rt, number, "verify", actor, {"finding": finding})


def rectify(rt: Runtime, number: str, actor: Actor, *, measures: str) -> Case:
    return take_step(rt, number, "rectify", actor, {"measures": measures})


def explain(rt: Runtime, number: str, actor: Actor, *, explanation: str) -> Case:
    return take_step(rt, number, "explain", actor, {"explanation": explanation})


def call_back(rt: Runtime, number: str, actor: Actor, *, result: str, note: str) -> Case:
    return take_step(rt, number, "callback", actor, {"result": result, "note": note})


def close_unreachable(rt: Runtime, number: str, actor: Actor, *, reason: str) -> Case:
    return take_step(rt, number, "close_unreachable", actor, {"reason": reason})


# -- the contact limit -------------------------------------------------------------------------------------------


def on_tick(rt: Runtime, now: datetime) -> int:
    """Records ``contact_overdue`` on each open real-name rectification whose rater was not contacted by its
    contact-due instant; returns how many it recorded. Idempotent: a rectification with a ``contact`` or a
    ``contact_overdue`` event is never looked at again.

    Open rectifications are few (差评 are), so they are read through the worklist index by kind and state.
    """
    wt = rt.working_time()
    noted = sa.exists(
        sa.select(case_events.c.id).where(
            case_events.c.case_id == cases.c.id, case_events.c.action.in_(("contact", "contact_overdue"))
        )
    )
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.number, cases.c.payload).where(
                cases.c.kind == RECTIFICATION, cases.c.state.in_(sorted(OPEN_RECTIFICATION_STATES)), ~noted
            )
        ).all()
    due_now = [number for number, payload in rows if _contact_overdue(payload, now)]
    done = 0
    for number in due_now:
        events: list[Event] = []
        with write(rt.engine) as conn:
            case = repo.load_case(conn, number, for_update=True)
            already = conn.execute(
                sa.select(case_events.c.id)
                .where(case_events.c.case_id == case.id, case_events.c.action.in_(("contact", "contact_overdue")))
                .limit(1)
            ).first()
            if case.state not in OPEN_RECTIFICATION_STATES or already:
                continue  # contacted or closed since it was read
            _act(conn, case, "contact_overdue", SYSTEM, {"due": case.payload["contact_due"]}, wt, now, events)
        rt.committed(events)
        done += 1
    return done


def _contact_overdue(payload: Any, now: datetime) -> bool:
    if isinstance(payload, str):  # SQLite hands back a plain select of a JSON column as text
        import json

        payload = json.loads(payload)
    due = payload.get("contact_due") if payload.get("real_name") else None
    return isinstance(due, str) and datetime.fromisoformat(due) <= now


# -- appeals -----------------------------------------------------------------------------------------------------


def appeal(rt: Runtime, rating_id: int, actor: Actor, *, ground: str, explanation: str) -> Case:
    """The rated unit appeals a rating as malicious or mistaken; opens the appeal case for a supervisor."""
    why = AppealGround.parse(ground, field="ground")
    text = _text(explanation, "explanation", "申诉说明")
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    try:
        with write(rt.engine) as conn:
            row = conn.execute(sa.select(ratings).where(ratings.c.id == rating_id).with_for_update()).mappings().first()
            tree = org_repo.load_unit_tree(conn)
            if row is None or not access.readable_units_contain(actor, tree, row["unit_id"]):
                raise NotFound(f"评价 {rating_id} 不存在或您无权查看", field="rating")
            access.access_appeal(actor, tree, row["unit_id"])
            if row["status"] != RatingStatus.VALID.value:
                raise AppealRefused("该评价已核销，无需申诉", field="rating")
            exists = conn.execute(sa.select(rating_appeals.c.case_id).where(rating_appeals.c.rating_id == rating_id))
            if exists.first() is not None:
                raise AppealRefused("该评价已申诉过，每条评价只能申诉一次", field="rating")
            limits = load_limits(conn)
            rules.check_appeal_in_time(wt, row["rated_at"], now, limits)
            rated = conn.execute(sa.select(cases.c.number).where(cases.c.id == row["case_id"])).scalar_one()
            level = Level.of(row["level"])
            case = _open(
                conn,
                RATING_APPEAL,
                actor=actor,
                wt=wt,
                now=now,
                unit_id=row["unit_id"],
                payload={
                    "title": f"评价申诉：{rated}（{level.label}）",
                    "rating_id": rating_id,
                    "rated_case": rated,
                    "level_label": level.label,
                    "ground": why.value,
                    "ground_label": why.label,
                    "explanation": text,
                    "limit": str(limits.appeal_review),
                },
                party_id=None,
                parent_id=None,
                events=events,
            )
            conn.execute(
                sa.insert(rating_appeals).values(case_id=case.id, rating_id=rating_id, ground=why.value, filed_at=now)
            )
    except IntegrityError:
        raise AppealRefused("该评价已申诉过，每条评价只能申诉一次", field="rating") from None
    rt.committed(events)
    return case


def review_appeal(rt: Runtime, number: str, actor: Actor, *, approve: bool, reason: str) -> Case:
    """A supervisor decides an appeal. Approved: the rating is annulled (kept, listed as annulled, out of every
    figure) and its rectification, if still open, withdrawn — all in one transaction with the decision."""
    text = _text(reason, "reason", "审核意见")
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        case = repo.load_case(conn, number.strip().upper(), for_update=True)
        tree = org_repo.load_unit_tree(conn)
        if case.kind != RATING_APPEAL or not access.readable_units_contain(actor, tree, case.unit_id):
            raise NotFound(f"办件 {case.number} 不存在或您无权查看", field="number")
        access.access_review(actor, tree, case.unit_id)
        # The decision is system_only in the kind (see ratings.kinds): fired here, with its side effects, for
        # the reviewer, whose name and id the event keeps.
        reviewer = Actor(
            user_id=actor.user_id, username=actor.username, roles=actor.roles | {Role.SYSTEM}, unit_id=actor.unit_id
        )
        action = "approve" if approve else "reject"
        new = _act(conn, case, action, reviewer, {"reason": text}, wt, now, events)
        decision = "annulled" if approve else "rejected"
        conn.execute(
            sa.update(rating_appeals)
            .where(rating_appeals.c.case_id == case.id)
            .values(decision=decision, decision_reason=text, decided_at=now, decided_by=actor.username)
        )
        if approve:
            rating_id = int(str(case.payload["rating_id"]))
            conn.execute(
                sa.update(ratings)
                .where(ratings.c.id == rating_id)
                .values(status=RatingStatus.ANNULLED.value, annulled_at=now)
            )
            rect_id = conn.execute(sa.select(ratings.c.rectification_case_id).where(ratings.c.id == rating_id)).scalar()
            if rect_id is not None:
                rect = repo.load_case_by_id(conn, rect_id, for_update=True)
                if rect.state in OPEN_RECTIFICATION_STATES:
                    why = {"reason": f"评价已核销（{case.number}）：{text}"}
                    _act(conn, rect, "withdraw", SYSTEM, why, wt, now, events)
    rt.committed(events)
    return new


__all__ = [
    "STEPS",
    "RatingResult",
    "act_on_rectification",
    "appeal",
    "call_back",
    "close_unreachable",
    "contact",
    "explain",
    "get_limits",
    "load_limits",
    "on_tick",
    "rate",
    "rectify",
    "review_appeal",
    "set_limits",
    "take_step",
    "verify",
]
