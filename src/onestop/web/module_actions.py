"""The generic case page and API (``web.handlers.act``) hand a module's own kinds to that module's action layer.

A module whose actions do more than move one case (the window opens approvals and signs certificates, the
hotline keeps its return window and raises 督办, the ratings close anonymous rectifications and annul appealed
ratings, the ledger consolidates progress and files the monthly report) must not be bypassed by plain
``perform``. Each handler below takes the case's kind, the action and the form's (or the API's) values, calls
the module's function for that action, with the module's own access checks, and returns True; for kinds that are
not its own it returns False. Adding a module is one line in ``HANDLERS``.

Handlers are called only once the case is known to be visible (``handlers.case_access``), so an invisible case
still answers 404 first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from onestop.actions import hotline as hl
from onestop.actions import ledger, ratings
from onestop.cases.errors import InvalidAction
from onestop.cases.kinds import get_kind
from onestop.hotline.kinds import DISPATCH, REQUEST, VisitResult
from onestop.hotline.rules import HotlineError
from onestop.ledger.kinds import REPORT, TASK
from onestop.org.users import Actor
from onestop.ratings.kinds import CALLBACK_ACTIONS, RATING_APPEAL, RECTIFICATION
from onestop.web import window_handlers
from onestop.web.module_pages import module_only
from onestop.web.state import WebState


@dataclass(frozen=True)
class ModuleCall:
    """One action asked of the modules' handlers, as ``act_in_module`` received it."""

    state: WebState
    actor: Actor
    number: str
    kind: str
    action: str
    values: Mapping[str, Any]
    expected_version: int | None


ModuleHandler = Callable[[ModuleCall], bool]


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def _lines(values: Mapping[str, Any], name: str) -> list[str]:
    """A list from the API, or one item per line from a page's textarea."""
    value = values.get(name)
    items = value if isinstance(value, list | tuple) else str(value or "").splitlines()
    return [str(item).strip() for item in items if str(item).strip()]


def _comment(values: Mapping[str, Any]) -> str:
    """The comment, under the name the case page's form gives it (``opinion``) when not under its own."""
    return _text(values, "comment") or _text(values, "opinion")


def _check_offered(kind: str, action: str) -> None:
    """Refuses what the module only does itself (with its reason), system actions and unknown codes."""
    why = module_only(kind).get(action)
    if why is not None:
        raise InvalidAction(why, field="action")
    spec = get_kind(kind).actions.get(action)
    if spec is None:
        raise InvalidAction(f"「{get_kind(kind).label}」没有「{action}」这一操作", field="action")
    if spec.system_only:
        raise InvalidAction(f"「{spec.label}」由系统执行，不能手动操作", field="action")


def _not_here(kind: str, action: str) -> InvalidAction:
    """The refusal of an action the module takes only on its own page (once ``_check_offered`` has had its say)."""
    _check_offered(kind, action)
    return InvalidAction(f"「{get_kind(kind).label}」的「{action}」不能在此执行", field="action")


# -- 12345 热线 ------------------------------------------------------------------------------------------------

# The kind records the outcome of a return visit as three actions; the hotline takes one 回访 with its result
# and applies its own rule (不满意 reopens once for 重办, then goes to review), so the chosen action must at
# least agree with the result.
VISITS = {"visit_close": False, "visit_reopen": True, "visit_review": True}  # action -> result is 不满意


def _visit_result(action: str, raw: str) -> str:
    if not raw:
        raise HotlineError("请填写「回访结果」", field="result")
    verdict = next((r for r in VisitResult if raw in (r.value, r.label)), None)
    if verdict is None:
        verdict = VisitResult.parse(raw, field="result")  # raises, listing the allowed results
    if (verdict is VisitResult.UNSATISFIED) != VISITS[action]:
        label = get_kind(REQUEST).actions[action].label
        raise HotlineError(
            f"「{label}」与回访结果「{verdict.label}」不符：满意、基本满意请选「回访办结」，"
            "不满意请选「回访不满意重办」或「回访不满意转审核」",
            field="result",
        )
    return verdict.value


def act_hotline(call: ModuleCall) -> bool:
    """A request's action through the hotline's own dispatch (the one its API and pages use); a co-unit's
    opinion through ``submit_opinion``."""
    if call.kind not in (REQUEST, DISPATCH):
        return False
    _check_offered(call.kind, call.action)
    if call.kind == DISPATCH:
        if call.action != "submit_opinion":
            raise _not_here(call.kind, call.action)
        hl.submit_opinion(call.state.rt, call.actor, call.number, text=_text(call.values, "opinion_text"))
        return True
    # Imported here: the web.api package imports web.api.cases, which imports this module's caller.
    from onestop.web.api.hotline import perform

    action, data = call.action, dict(call.values)
    if action in VISITS:
        data["result"] = _visit_result(action, _text(call.values, "result"))
        data["comment"] = _comment(call.values)
        action = "visit"
    perform(call.state, call.actor, call.number, action, data, call.expected_version)
    return True


# -- 好差评 ----------------------------------------------------------------------------------------------------


def act_ratings(call: ModuleCall) -> bool:
    """A rectification step through ``take_step`` (anonymous ones close themselves, no call-back on them); an
    appeal's decision through ``review_appeal`` (annulment and withdrawal of the rectification with it)."""
    kind, action, rt = call.kind, call.action, call.state.rt
    if kind == RECTIFICATION:
        result = CALLBACK_ACTIONS.get(action)
        step = "callback" if result is not None else action
        if step not in ratings.STEPS:
            raise _not_here(kind, action)
        data = {key: _text(call.values, key) for key in ("note", "finding", "measures", "explanation", "reason")}
        if result is not None:
            data["result"] = result.value
        ratings.take_step(rt, call.number, step, call.actor, data, expected_version=call.expected_version)
        return True
    if kind == RATING_APPEAL:
        if action not in ("approve", "reject"):
            raise _not_here(kind, action)
        reason = _text(call.values, "reason")
        ratings.review_appeal(rt, call.number, call.actor, approve=action == "approve", reason=reason)
        return True
    return False


# -- 改革任务台账 ------------------------------------------------------------------------------------------------


def _percent(values: Mapping[str, Any]) -> int | None:
    raw = _text(values, "percent").rstrip("%")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise ledger.LedgerError("「完成进度」须为 0–100 的整数", field="percent")
    return int(raw)


def act_ledger(call: ModuleCall) -> bool:
    """A task's action through the ledger's functions (the lead unit's report consolidates co-units' inputs and
    files the month's report; 销号 and 撤销 close the open reports); a report's review likewise."""
    kind, action, values = call.kind, call.action, call.values
    if kind not in (TASK, REPORT):
        return False
    _check_offered(kind, action)
    rt, number, actor, text = call.state.rt, call.number, call.actor, _text(values, "text")
    if kind == REPORT:
        if action == "accept":
            ledger.accept_report(rt, number, actor)
        elif action == "send_back":
            ledger.send_back_report(rt, number, actor, reason=_text(values, "reason"))
        else:
            raise _not_here(kind, action)
        return True
    if action == "report":
        status = _text(values, "status") or "on_track"
        evidence = _lines(values, "evidence")
        ledger.file_report(rt, number, actor, text=text, status=status, percent=_percent(values), evidence=evidence)
    elif action == "contribute":
        ledger.contribute(rt, number, actor, text=text, percent=_percent(values), evidence=_lines(values, "evidence"))
    elif action == "submit":
        ledger.submit_completion(rt, number, actor, text=text, evidence=_lines(values, "evidence"))
    elif action == "review_report":
        ledger.review_report(rt, number, actor, verdict=_text(values, "verdict"), comment=_comment(values))
    elif action == "send_back":
        ledger.send_back(rt, number, actor, reason=_text(values, "reason"))
    elif action == "complete":
        ledger.complete(rt, number, actor, comment=_comment(values))
    elif action == "cancel":
        ledger.cancel(rt, number, actor, reason=_text(values, "reason"))
    else:
        raise _not_here(kind, action)
    return True


def act_window(call: ModuleCall) -> bool:
    """The window's own handler, which takes its arguments one by one (its tests call it directly)."""
    return window_handlers.act_generic(
        call.state,
        call.actor,
        call.number,
        kind=call.kind,
        action=call.action,
        values=call.values,
        expected_version=call.expected_version,
    )


HANDLERS: tuple[ModuleHandler, ...] = (act_window, act_hotline, act_ratings, act_ledger)


def act_in_module(
    state: WebState,
    actor: Actor,
    number: str,
    *,
    kind: str,
    action: str,
    values: Mapping[str, Any],
    expected_version: int | None,
) -> bool:
    """True when a module took the action; False leaves it to the engine's plain ``perform``."""
    call = ModuleCall(state, actor, number, kind, action, values, expected_version)
    return any(handler(call) for handler in HANDLERS)
