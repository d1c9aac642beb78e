"""What the API and the pages both do, once: thin views call these, these call access_* and the actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onestop.access import AccessDenied, CaseAccess, access_case_by_code, access_case_by_number, access_case_guard
from onestop.actions.cases import perform
from onestop.actions.intake import Channel, IntakeForm, Submission, submit
from onestop.actions.privacy import PartyRecord, reveal_party
from onestop.auth import throttle
from onestop.cases.case import Case
from onestop.cases.errors import DomainError, InvalidAction, NotFound, VersionConflict
from onestop.cases.kinds import get_kind
from onestop.db.engine import read, write
from onestop.org.users import Actor
from onestop.web import module_actions, reads
from onestop.web.state import WebState


class TooManyLookups(DomainError):
    code = "too_many_attempts"
    status = 429


def case_access(state: WebState, actor: Actor, number: str) -> CaseAccess:
    tree = state.units.get()
    with read(state.rt.engine) as conn:
        return access_case_by_number(conn, actor, number.strip().upper(), tree)


def case_detail(
    state: WebState, actor: Actor, number: str, *, reveal: bool = False, ip: str | None = None
) -> reads.CaseDetail:
    access = case_access(state, actor, number)
    revealed: PartyRecord | None = None
    if reveal:
        if not access.may_see_pii:
            raise AccessDenied("您的角色不能查看完整的证件号码和联系电话")
        revealed = reveal_party(state.rt, actor, access.case, ip=ip)
    rt = state.rt
    with read(rt.engine) as conn:
        return reads.case_detail(conn, access, state.units.get(), rt.working_time(), rt.now(), revealed=revealed)


def act(
    state: WebState,
    actor: Actor,
    number: str,
    action: str,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> Case:
    """One action on one visible case, with the values of its form (or the API's data).

    A module whose actions do more than move one case (the window, the hotline, the ratings, the ledger: see
    ``web.module_actions``) takes its own kinds' actions here too, so the generic case page cannot bypass it.
    """
    access = case_access(state, actor, number)
    if expected_version is not None and access.case.version != expected_version:
        # Checked again under the write lock where the module's function takes a version; some do not.
        raise VersionConflict(
            f"办件 {access.case.number} 已被他人修改（您看到第 {expected_version} 版，"
            f"现为第 {access.case.version} 版），请刷新后重试",
            field="version",
        )
    handled = module_actions.act_in_module(
        state,
        actor,
        access.case.number,
        kind=access.case.kind,
        action=action,
        values=values,
        expected_version=expected_version,
    )
    if handled:
        return case_access(state, actor, number).case
    kind = get_kind(access.case.kind)
    spec = kind.actions.get(action)
    if spec is None:
        raise InvalidAction(f"「{kind.label}」没有「{action}」这一操作", field="action")
    data = reads.parse_action_data(spec, values)
    return perform(
        state.rt,
        access.case.number,
        action,
        actor,
        data,
        expected_version=expected_version,
        guard=access_case_guard(actor, state.units.get()),
    )


def public_lookup(state: WebState, number: str, code: str, ip: str | None) -> reads.PublicCase:
    rt = state.rt
    now = rt.now()
    address = ip or "unknown"
    with read(rt.engine) as conn:
        until = throttle.blocked_until(conn, throttle.LOOKUP_BY_ADDRESS, address, now)
    if until is not None:
        from onestop.web.present import local

        raise TooManyLookups(f"查询失败次数过多，请于 {local(until, '%H:%M')} 后再试", field="code")
    try:
        with read(rt.engine) as conn:
            case = access_case_by_code(conn, number, code)
            return reads.public_case(conn, case, state.units.get(), rt.working_time(), now)
    except NotFound:
        with write(rt.engine) as conn:
            throttle.count_failure(conn, throttle.LOOKUP_BY_ADDRESS, address, now)
        raise


def own_case(state: WebState, actor: Actor, number: str) -> reads.PublicCase:
    """A public account's own submission, with the actions it may take (补正材料)."""
    access = case_access(state, actor, number)
    if not access.owned:
        raise NotFound(f"办件 {number} 不存在或您无权查看", field="number")
    rt = state.rt
    with read(rt.engine) as conn:
        return reads.public_case(
            conn, access.case, state.units.get(), rt.working_time(), rt.now(), actions=access.actions
        )


def file_submission(
    state: WebState, form: IntakeForm, values: Mapping[str, object], actor: Actor | None, channel: Channel
) -> Submission:
    return submit(state.rt, form, values, actor=actor, channel=channel)
