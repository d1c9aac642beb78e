"""Pages of 好差评: the citizen's rating form, the counter's rating device (评价器), the unit's ratings page with
its rectifications and appeals, the supervisor's appeal review, and the statistics page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.access import NOT_FOUND_MESSAGE, case_owner_id
from onestop.actions import ratings as actions
from onestop.actions import ratings_reads as reads
from onestop.cases.errors import DomainError, NotFound
from onestop.cases.kinds import get_kind
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.org.masking import mask_text
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.ratings import access
from onestop.ratings.levels import AppealGround, CallbackResult, Channel, Level
from onestop.ratings.rules import RATABLE_KINDS
from onestop.ratings.stats import percent
from onestop.ratings.tags import COMPLAINT, Tag
from onestop.web.api.ratings import period, rate_case
from onestop.web.deps import Principal, PrincipalDep, client_ip
from onestop.web.pages.common import FormDep, StateDep, checked_form, opt_int, opt_text, page_actor, redirect, value
from onestop.web.reads import subject_of
from onestop.web.render import render
from onestop.web.state import WebState

router = APIRouter()

Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
RatingId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Step = Annotated[str, Path(pattern=r"^(contact|verify|rectify|explain|callback|close_unreachable)$")]
DONE = {
    "contact": "已记录联系情况",
    "verify": "已核实",
    "rectify": "已提交整改措施",
    "explain": "已提交情况说明",
    "callback": "已记录回访结果，整改办结",
    "close_unreachable": "已办结",
    "appeal": "申诉已提交，待督查员审核",
    "approve": "已同意申诉，评价已核销",
    "reject": "已驳回申诉",
}


def _staff(principal: Principal) -> Actor:
    return access.access_ratings(page_actor(principal))


def _levels() -> list[Level]:
    return list(Level)


# -- the citizen's rating form -----------------------------------------------------------------------------------


def _rate_context(state: WebState, principal: Principal, number: str) -> dict[str, Any]:
    """What the form may show: the case itself only to its owner (others prove it is theirs with the code)."""
    actor = principal.actor
    ctx: dict[str, Any] = {"number": number, "case": None, "own": False, "levels": _levels(), "tags": list(Tag)}
    if actor is None:
        return ctx
    with read(state.rt.engine) as conn:
        try:
            case = cases_repo.load_case(conn, number)
        except NotFound:
            return ctx
        owner = case_owner_id(conn, case.id)
        if owner is None or owner != actor.user_id:
            return ctx
        ctx.update(own=True, case=_case_summary(state, case), rated=reads.case_ratings(conn, case.id or 0))
    return ctx


def _case_summary(state: WebState, case: Any) -> dict[str, Any]:
    kind = get_kind(case.kind)
    tree = state.units.get()
    return {
        "number": case.number,
        "kind_label": kind.label,
        "state_label": kind.states[case.state].label,
        "state_colour": kind.states[case.state].colour,
        "finished": kind.is_terminal(case.state),
        "ratable": case.kind in RATABLE_KINDS,
        "unit_name": tree.get(case.unit_id).name if case.unit_id in tree else "",
        "subject": mask_text(subject_of(case.payload)),
    }


@router.get("/ratings/rate")
def rate_lookup(request: Request, principal: PrincipalDep, state: StateDep, number: str | None = None) -> Response:
    text = (number or "").strip().upper()[:40]
    ctx = _rate_context(state, principal, text) if text else {"number": "", "levels": _levels(), "tags": list(Tag)}
    return render(request, "ratings/rate.html", {**ctx, "values": {}, "errors": {}})


@router.get("/ratings/rate/{number}")
def rate_page(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    ctx = _rate_context(state, principal, number.upper())
    return render(request, "ratings/rate.html", {**ctx, "values": {}, "errors": {}})


@router.post("/ratings/rate")
def rate_submit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    number = value(form, "number", max_length=40).upper()
    code = value(form, "code", max_length=32)
    submitted = {
        "level": value(form, "level", max_length=2),
        "comment": value(form, "comment", max_length=600),
        "anonymous": "1" if form.get("anonymous") else "",
        "code": code,
        "tags": [t for t in form.getlist("tags") if isinstance(t, str)],
    }
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = "请填写「办件编号」"
    if not submitted["level"]:
        errors["level"] = "请选择「评价等级」"
    ctx = _rate_context(state, principal, number)
    if not errors and not ctx["own"] and not code:
        errors["code"] = "请填写「查询码」（登录本人账号评价则无需填写）"
    if errors:
        return render(request, "ratings/rate.html", {**ctx, "values": submitted, "errors": errors}, status_code=422)
    try:
        result = rate_case(
            state,
            principal.actor,
            number,
            level=str(submitted["level"]),
            channel="online",
            comment=str(submitted["comment"]),
            tags=list(submitted["tags"]),
            anonymous=bool(submitted["anonymous"]),
            code=None if ctx["own"] else code,
            ip=client_ip(request),
        )
    except DomainError as exc:
        errors[exc.field or "level"] = exc.message
        return render(
            request,
            "ratings/rate.html",
            {**ctx, "values": submitted, "errors": errors, "error": exc},
            status_code=exc.status,
        )
    with read(state.rt.engine) as conn:
        case = cases_repo.load_case(conn, result.case_number)
    summary = _case_summary(state, case)
    return render(request, "ratings/thanks.html", {"result": result, "case": summary}, status_code=201)


# -- the counter's rating device (评价器) -------------------------------------------------------------------------


def _device_actor(principal: Principal) -> Actor:
    return access.access_rating_device(page_actor(principal))


@router.get("/ratings/device")
def device_home(request: Request, principal: PrincipalDep, number: str | None = None) -> Response:
    _device_actor(principal)
    if number and number.strip():
        return redirect(f"/ratings/device/{number.strip().upper()[:40]}")
    return render(request, "ratings/device.html", {"case": None})


def _device_case(state: WebState, actor: Actor, number: str) -> dict[str, Any]:
    hidden = NotFound(NOT_FOUND_MESSAGE.format(number=number), field="number")  # unknown and invisible alike
    with read(state.rt.engine) as conn:
        try:
            case = cases_repo.load_case(conn, number)
        except NotFound:
            raise hidden from None
        tree = state.units.get()
        window = Channel.WINDOW_DEVICE
        if not access.may_rate(actor, window, tree, case_unit_id=case.unit_id, owner_id=None, by_code=False):
            raise hidden
        rated = reads.case_ratings(conn, case.id or 0)
    return {**_case_summary(state, case), "rated": [r for r in rated if r.channel.value == "window_device"]}


@router.get("/ratings/device/{number}")
def device_case(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = _device_actor(principal)
    case = _device_case(state, actor, number.upper())
    return render(request, "ratings/device.html", {"case": case, "levels": _levels(), "tags": sorted(COMPLAINT)})


@router.post("/ratings/device/{number}")
def device_rate(number: Number, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = _device_actor(principal)
    checked_form(request, form, principal)
    level = value(form, "level", max_length=2)
    # The device offers complaint tags only; they go with a 差评 and are dropped from a good rating.
    tags = [t for t in form.getlist("tags") if isinstance(t, str)]
    try:
        grade = Level.of(level)
        result = rate_case(
            state, actor, number.upper(), level=level, channel="window_device", tags=tags if grade.bad else []
        )
    except DomainError as exc:
        case = _device_case(state, actor, number.upper())
        ctx = {"case": case, "levels": _levels(), "tags": sorted(COMPLAINT), "error": exc}
        return render(request, "ratings/device.html", ctx, status_code=exc.status)
    return render(request, "ratings/device_done.html", {"result": result}, status_code=201)


# -- the unit's ratings page -------------------------------------------------------------------------------------


def _unit_page(
    request: Request,
    state: WebState,
    actor: Actor,
    unit_id: int | None,
    *,
    done: str | None = None,
    error: DomainError | None = None,
    failed: str | None = None,
) -> Response:
    tree = state.units.get()
    readable = access.readable_units(actor, tree)
    units = [u for u in tree if readable is None or u.id in readable]
    if unit_id is not None and not access.readable_units_contain(actor, tree, unit_id):
        raise NotFound(f"单位 {unit_id} 不存在或您无权查看", field="unit_id")
    now = state.rt.now()
    start, end = period(None, None, None, now)
    with read(state.rt.engine) as conn:
        figures = reads.stats(conn, actor, tree, start=start, end=end, unit_id=unit_id).total
        rects = reads.rectifications(conn, actor, tree, unit_id=unit_id)
        rows = reads.list_ratings(conn, actor, tree, reads.RatingFilters(unit_id=unit_id, limit=50))
        appeal_rows = reads.appeals(conn, actor, tree, unit_id=unit_id)
    return render(
        request,
        "ratings/unit.html",
        {
            "units": units,
            "unit_id": unit_id,
            "figures": figures,
            "month": start,
            "rects": rects,
            "ratings": rows,
            "appeals": appeal_rows,
            "may_work": {r.number: access.may_work_rectification(actor, tree, r.unit_id) for r in rects},
            "may_appeal": {r.id: access.may_work_rectification(actor, tree, r.unit_id) for r in rows},
            "results": list(CallbackResult),
            "grounds": list(AppealGround),
            "done": DONE.get(done or ""),
            "error": error,
            "failed": failed,
            "percent": percent,
            "now": now,
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/ratings/unit")
def unit_page(
    request: Request, principal: PrincipalDep, state: StateDep, unit_id: str | None = None, done: str | None = None
) -> Response:
    actor = _staff(principal)
    chosen = opt_int(unit_id, "unit_id", "单位")
    if chosen is None and actor.unit_id is not None and not actor.has_role(Role.SUPERVISOR):
        chosen = actor.unit_id
    return _unit_page(request, state, actor, chosen, done=done)


def _back(form: Mapping[str, Any], done: str) -> Response:
    unit = form.get("unit_id")
    query = f"unit_id={unit}&" if isinstance(unit, str) and unit.isdigit() else ""
    return redirect(f"/ratings/unit?{query}done={done}")


@router.post("/ratings/rectifications/{number}/{step}")
def rectification_step(
    *, number: Number, step: Step, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = _staff(principal)
    checked_form(request, form, principal)
    data = {
        key: value(form, key, max_length=2100)
        for key in ("note", "finding", "measures", "explanation", "reason", "result")
    }
    raw_version = value(form, "expected_version", max_length=12)
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else None
    try:
        actions.take_step(state.rt, number, step, actor, data, expected_version=version)
    except NotFound:
        raise
    except DomainError as exc:
        unit = opt_int(value(form, "unit_id", max_length=12) or None, "unit_id", "单位")
        return _unit_page(request, state, actor, unit, error=exc, failed=f"{number}-{step}")
    return _back(form, step)


@router.post("/ratings/{rating_id}/appeal")
def appeal_submit(
    rating_id: RatingId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = _staff(principal)
    checked_form(request, form, principal)
    try:
        actions.appeal(
            state.rt,
            rating_id,
            actor,
            ground=value(form, "ground", max_length=32),
            explanation=value(form, "explanation", max_length=2100),
        )
    except NotFound:
        raise
    except DomainError as exc:
        unit = opt_int(value(form, "unit_id", max_length=12) or None, "unit_id", "单位")
        return _unit_page(request, state, actor, unit, error=exc, failed=f"appeal-{rating_id}")
    return _back(form, "appeal")


# -- appeals: the supervisor's review ----------------------------------------------------------------------------


@router.get("/ratings/appeals")
def appeals_page(request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None) -> Response:
    actor = _staff(principal)
    return _appeals(request, state, actor, done=DONE.get(done or ""))


def _appeals(
    request: Request, state: WebState, actor: Actor, *, done: str | None = None, error: DomainError | None = None
) -> Response:
    tree = state.units.get()
    with read(state.rt.engine) as conn:
        rows = reads.appeals(conn, actor, tree)
    return render(
        request,
        "ratings/appeals.html",
        {"appeals": rows, "may_review": actor.has_role(Role.SUPERVISOR), "done": done, "error": error},
        status_code=error.status if error is not None else 200,
    )


@router.post("/ratings/appeals/{number}/review")
def review_submit(
    number: Number, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = _staff(principal)
    checked_form(request, form, principal)
    decision = value(form, "decision", max_length=10)
    try:
        if decision not in ("approve", "reject"):
            raise DomainError("请选择审核结果（同意或驳回）", field="decision", code="validation_error")
        actions.review_appeal(
            state.rt, number, actor, approve=decision == "approve", reason=value(form, "reason", max_length=2100)
        )
    except NotFound:
        raise
    except DomainError as exc:
        return _appeals(request, state, actor, error=exc)
    return redirect(f"/ratings/appeals?done={decision}")


# -- statistics --------------------------------------------------------------------------------------------------


@router.get("/ratings")
def stats_page(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    month: str | None = None,
    group: str | None = None,
) -> Response:
    actor = _staff(principal)
    grouping = opt_text(group, "group", "分组", 8) or "unit"
    now = state.rt.now()
    start, end = period(opt_text(month, "month", "月份", 7), None, None, now)
    with read(state.rt.engine) as conn:
        table = reads.stats(conn, actor, state.units.get(), start=start, end=end, group=grouping)
    shown = start.strftime("%Y-%m")
    return render(
        request,
        "ratings/stats.html",
        {"table": table, "month": shown, "group": grouping, "groups": reads.GROUPS, "percent": percent},
    )
