"""Cases: the workbench list, a case with its timeline and clock, actions, PII on record, window intake."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from onestop.access import access_directory, access_intake
from onestop.actions.intake import Submission, get_form
from onestop.cases.errors import NotFound
from onestop.cases.kinds import all_kinds, get_kind
from onestop.db.engine import read
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.web import handlers, listcache, reads, schemas
from onestop.web.api.convert import case_detail, case_list, party, units
from onestop.web.deps import ApiPrincipal, client_ip, require_actor
from onestop.web.state import WebState, web_state
from onestop.web.validators import EARLIEST_DATE, INT_MAX, LATEST_DATE, SafeStr

router = APIRouter(tags=["办件"])

StateDep = Annotated[WebState, Depends(web_state)]
Number = Annotated[SafeStr, Path(min_length=1, max_length=40, description="办件编号")]
Code = Annotated[SafeStr, Path(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]


@router.get("/cases", summary="办件列表（我的待办）", response_model=schemas.CaseList)
async def list_cases(
    *,
    request: Request,
    principal: ApiPrincipal,
    state: StateDep,
    kind: Annotated[SafeStr | None, Query(max_length=64, description="办件类型代码")] = None,
    case_state: Annotated[SafeStr | None, Query(alias="state", max_length=64, description="状态代码")] = None,
    unit_id: Annotated[int | None, Query(ge=1, le=INT_MAX, description="承办单位（含下级）")] = None,
    colour: Annotated[schemas.ClockColourCode | None, Query(description="时限状态")] = None,
    due_after: Annotated[date | None, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="到期日不早于")] = None,
    due_before: Annotated[date | None, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="到期日不晚于")] = None,
    q: Annotated[SafeStr | None, Query(max_length=100, description="编号前缀或申请人")] = None,
    mine: Annotated[bool, Query(description="仅看待我办理")] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=reads.MAX_PER_PAGE)] = 50,
) -> Response:
    actor = require_actor(principal)
    filters = reads.CaseFilters(
        kind=kind,
        state=case_state,
        unit_id=unit_id,
        colour=colour,
        due_after=due_after,
        due_before=due_before,
        q=q,
        mine=mine,
        page=page,
        per_page=per_page,
    )
    return await cached_list(request, state, actor, filters)


_PAGE = TypeAdapter(schemas.CaseList)


async def cached_list(request: Request, state: WebState, actor: Actor, filters: reads.CaseFilters) -> Response:
    """The page as JSON, from the list cache while no case changed (``onestop.web.listcache``); ETag/304.

    The cache check (one primary-key lookup) runs on the event loop; only a miss, which runs the list
    queries, goes to the thread pool.
    """
    tree = state.units.get()
    now = state.rt.now()
    key = (actor.user_id, actor.roles, actor.unit_id, state.units.generation, filters)
    version = reads.data_version_now(state.rt.engine)
    entry = state.lists.get(key, version, now)
    if entry is None:
        # One build per page and version: the requests that arrive meanwhile wait for it (no stampede).
        entry = await state.lists.single_flight(
            (key, version), lambda: run_in_threadpool(_build_list, state, actor, tree, filters, now, key)
        )
    headers = {"ETag": entry.etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("if-none-match") == entry.etag:
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type="application/json", headers=headers)


def _build_list(  # noqa: PLR0917 (called positionally through run_in_threadpool)
    state: WebState, actor: Actor, tree: UnitTree, filters: reads.CaseFilters, now: datetime, key: Hashable
) -> listcache.Entry:
    with read(state.rt.engine) as conn:
        # The version first: a change committed while the page is built makes the next request rebuild it.
        version = reads.data_version(conn)
        result = reads.list_cases(conn, actor, tree, filters, now)
    limit = listcache.COLOUR_FILTER_MAX_AGE if filters.colour else listcache.MAX_AGE
    fresh_until = min(now + limit, result.turns_at or now + limit)
    return state.lists.put(key, version, fresh_until, _PAGE.dump_json(case_list(result)))


@router.get("/cases/{number}", summary="办件详情：时间线、计时、可执行的操作", response_model=schemas.CaseDetail)
def get_case(number: Number, principal: ApiPrincipal, state: StateDep) -> schemas.CaseDetail:
    actor = require_actor(principal)
    return case_detail(handlers.case_detail(state, actor, number))


@router.post(
    "/cases/{number}/actions/{action}",
    summary="执行操作（须提交 expected_version；版本过期返回 409）",
    response_model=schemas.CaseDetail,
)
def perform_action(
    number: Number, action: Code, body: schemas.ActionRequest, principal: ApiPrincipal, state: StateDep
) -> schemas.CaseDetail:
    actor = require_actor(principal)
    case = handlers.act(state, actor, number, action, body.data, expected_version=body.expected_version)
    return case_detail(handlers.case_detail(state, actor, case.number))


@router.post(
    "/cases/{number}/pii",
    summary="查看完整证件号和电话（仅限承办角色，每次查看均记录）",
    response_model=schemas.Party,
)
def reveal(number: Number, request: Request, principal: ApiPrincipal, state: StateDep) -> schemas.Party:
    actor = require_actor(principal)
    detail = handlers.case_detail(state, actor, number, reveal=True, ip=client_ip(request))
    out = party(detail.party)
    if out is None:
        raise NotFound("该办件没有当事人信息", field="number")
    return out


@router.post(
    "/intake/{form}",
    summary="窗口登记：工作人员代申请人提交办事表单",
    response_model=schemas.SubmissionReceipt,
    status_code=201,
)
def intake(
    form: Code, body: schemas.OpenCaseRequest, principal: ApiPrincipal, state: StateDep
) -> schemas.SubmissionReceipt:
    actor = require_actor(principal)
    spec = get_form(form)
    access_intake(actor, spec.staff_roles)
    sub = handlers.file_submission(state, spec, body.values, actor, "window")
    return receipt(sub)


def receipt(sub: Submission) -> schemas.SubmissionReceipt:
    spec = get_kind(sub.case.kind)
    return schemas.SubmissionReceipt(
        number=sub.case.number,
        verification_code=sub.code,
        kind_label=spec.label,
        state_label=spec.states[sub.case.state].label,
        created_at=sub.case.created_at,
    )


@router.get("/kinds", summary="办件类型：状态与操作", response_model=list[schemas.KindOut])
def kinds(principal: ApiPrincipal) -> list[schemas.KindOut]:
    require_actor(principal)
    return [
        schemas.KindOut(
            code=k.code,
            label=k.label,
            prefix=k.prefix,
            states=[
                schemas.KindState(code=s.code, label=s.label, colour=s.colour, terminal=s.terminal)
                for s in k.states.values()
            ],
            actions=[
                schemas.KindAction(
                    code=a.code,
                    label=a.label,
                    from_states=sorted(a.from_states),
                    to_state=a.to_state,
                    roles=sorted(a.roles),
                    required=list(a.required),
                )
                for a in k.actions.values()
            ],
        )
        for k in all_kinds()
    ]


@router.get("/units", summary="单位（工作人员可见）", response_model=list[schemas.UnitOut])
def list_units(principal: ApiPrincipal, state: StateDep) -> list[schemas.UnitOut]:
    access_directory(require_actor(principal))
    return units(state.units.get())
