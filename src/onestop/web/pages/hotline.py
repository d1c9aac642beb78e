"""Pages of the 12345 hotline: the operator's console (intake with routing suggestions and the knowledge base
on one screen), the center's queues, a request with its actions (the center's and the unit's), statistics,
the knowledge base, and the public's web form (progress is looked up on the public pages by number + code).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.actions import hotline_router as router_actions
from onestop.actions import hotline_stats as hs
from onestop.actions.intake import ANONYMOUS
from onestop.cases.engine import valid_actions
from onestop.cases.kinds import get_kind
from onestop.db.engine import read
from onestop.errors import DomainError
from onestop.hotline.access import access_center, access_staff, access_stats, is_center
from onestop.hotline.intake import RequestInvalid
from onestop.hotline.kinds import Category, Channel, Urgency, VisitResult
from onestop.hotline.rules import HotlineError
from onestop.org.roles import Role
from onestop.org.units import UnitKind
from onestop.org.users import Actor
from onestop.web import reads
from onestop.web.api.hotline import perform
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import FormDep, StateDep, checked_form, opt_date, page_actor, redirect, values
from onestop.web.render import render
from onestop.web.state import WebState

router = APIRouter()

Number = Annotated[str, Path(min_length=1, max_length=40)]
HANDLING = (UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.UTILITY)
# Actions a page form may post, and which side takes them.
CENTER_ACTIONS = (
    "dispatch",
    "designate",
    "merge",
    "direct_answer",
    "reject",
    "approve_extension",
    "reject_extension",
    "approve_reply",
    "send_back",
    "visit",
    "conclude",
)
UNIT_ACTIONS = ("accept", "return", "request_extension", "reply")
VISIT_ACTIONS = frozenset({"visit_close", "visit_reopen", "visit_review"})


def _units(state: WebState) -> list[Any]:
    return [u for u in state.units.get() if u.kind in HANDLING]


def _queue_counts(state: WebState, actor: Actor) -> dict[str, int]:
    return {name: len(hl.queue(state.rt, actor, name, limit=500)) for name in hl.QUEUES if name not in ("closed",)}


# -- the operator's console ----------------------------------------------------------------------------------


def _console(
    request: Request,
    state: WebState,
    actor: Actor,
    *,
    form_values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: Any = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "hotline/console.html",
        {
            "values": form_values or {},
            "errors": errors or {},
            "categories": Category.choices(),
            "urgencies": Urgency.choices(),
            "units": _units(state),
            "counts": _queue_counts(state, actor),
            "labels": hl.QUEUE_LABELS,
            "done": done,
        },
        status_code=status_code,
    )


@router.get("/hotline")
def console(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = access_center(page_actor(principal))
    return _console(request, state, actor)


@router.post("/hotline/intake")
def intake(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    """登记 (and, on the same screen, 派单 or 直接答复): one submit, one transaction for intake + dispatch."""
    actor = access_center(page_actor(principal))
    checked_form(request, form, principal)
    submitted = values(form)
    todo = submitted.get("do", "register")
    order = None
    try:
        if todo == "dispatch":
            lead = submitted.get("lead_unit_id", "").strip()
            if not lead.isdigit():
                raise HotlineError("请选择「主办单位」", field="lead_unit_id")
            co = tuple(int(v) for v in form.getlist("co_unit_ids") if isinstance(v, str) and v.isdigit())
            suggested = tuple(int(v) for v in submitted.get("suggested", "").split(",") if v.strip().isdigit())
            order = hl.DispatchOrder(int(lead), co, suggested=suggested[:3])
        reg = hl.register_request(state.rt, actor, submitted, channel=Channel.PHONE, dispatch_to=order)
        if todo == "answer":
            entry = submitted.get("kb_entry_id", "").strip()
            hl.direct_answer(
                state.rt,
                actor,
                reg.case.number,
                reply_text=submitted.get("reply", ""),
                kb_entry_id=int(entry) if entry.isdigit() else None,
            )
    except RequestInvalid as exc:
        return _console(request, state, actor, form_values=submitted, errors=exc.errors, status_code=422)
    except DomainError as exc:
        errors = {exc.field or "text": exc.message}
        return _console(request, state, actor, form_values=submitted, errors=errors, status_code=exc.status)
    return render(
        request,
        "hotline/receipt.html",
        {"case": reg.case, "code": reg.code, "dups": reg.duplicates, "staff": True,
         "state_label": get_kind(reg.case.kind).states[_final_state(state, actor, reg.case.number)].label},
        status_code=201,
    )  # fmt: skip


def _final_state(state: WebState, actor: Actor, number: str) -> str:
    return hl.get_request(state.rt, actor, number).case.state


@router.get("/hotline/queue/{name}")
def queue_page(name: Annotated[str, Path(max_length=20)], request: Request, principal: PrincipalDep,
               state: StateDep) -> Response:  # fmt: skip
    actor = page_actor(principal)
    access_staff(actor, "仅限工作人员查看")
    rows = hl.queue(state.rt, actor, name, limit=200)
    return render(
        request,
        "hotline/queue.html",
        {"rows": rows, "name": name, "labels": hl.QUEUE_LABELS, "kind": get_kind("hotline_request"),
         "categories": dict(Category.choices()), "center": is_center(actor)},
    )  # fmt: skip


# -- a request -----------------------------------------------------------------------------------------------


def _request_page(
    request: Request,
    state: WebState,
    actor: Actor,
    number: str,
    *,
    done: str | None = None,
    error: DomainError | None = None,
    failed: str | None = None,
    form_values: dict[str, str] | None = None,
) -> Response:
    row = hl.get_request(state.rt, actor, number)
    case = row.case
    kind = get_kind(case.kind)
    rt = state.rt
    with read(rt.engine) as conn:
        timeline = reads.timeline(conn, case)
    allowed = {a.code for a in valid_actions(case) if not a.system_only and not actor.roles.isdisjoint(a.roles)}
    if allowed & VISIT_ACTIONS:
        allowed = (allowed - VISIT_ACTIONS) | {"visit"}
    if "approve_extension" in allowed:
        allowed.add("reject_extension")
    center = is_center(actor)
    suggestions = (
        router_actions.suggest(rt, f"{row.address} {row.text}")
        if center and allowed & {"dispatch", "designate"}
        else []
    )
    duplicates = (
        hl.duplicates_of(rt, actor, case.number) if "merge" in allowed and actor.has_role(Role.OPERATOR) else []
    )
    kb_hits = kb.search(rt, row.text, k=3) if "direct_answer" in allowed else []
    children = hl.request_children(rt, case)
    return render(
        request,
        "hotline/request.html",
        {
            "row": row,
            "case": case,
            "kind": kind,
            "state_spec": kind.states[case.state],
            "timeline": timeline,
            "clock": reads.clock_panel(case, rt.working_time(), rt.now()),
            "allowed": allowed,
            "suggestions": suggestions,
            "duplicates": duplicates,
            "kb_hits": kb_hits,
            "children": children,
            "child_kind": get_kind("hotline_dispatch"),
            "followers": hl.merged_into(rt, case),
            "units": _units(state),
            "unit_names": {u.id: u.name for u in state.units.get()},
            "visit_results": VisitResult.choices(),
            "categories": dict(Category.choices()),
            "urgencies": dict(Urgency.choices()),
            "done": done,
            "error": error,
            "failed": failed,
            "form_values": form_values or {},
            "center": center,
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/hotline/requests/{number}")
def request_page(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None
) -> Response:
    actor = page_actor(principal)
    return _request_page(request, state, actor, number, done=_done_label(done))


def _done_label(code: str | None) -> str | None:
    if not code:
        return None
    spec = get_kind("hotline_request").actions.get(code)
    return {"visit": "回访"}.get(code) or (spec.label if spec is not None else None)


@router.post("/hotline/requests/{number}/act")
def act(number: Number, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    submitted = values(form)
    action = submitted.get("action", "")
    data: dict[str, Any] = dict(submitted)
    if action in ("dispatch", "designate"):
        data["co_unit_ids"] = [v for v in form.getlist("co_unit_ids") if isinstance(v, str)]
    version = submitted.get("expected_version", "")
    try:
        if action not in CENTER_ACTIONS + UNIT_ACTIONS:
            raise HotlineError(f"未知的操作「{action}」", field="action")
        perform(state, actor, number, action, data, int(version) if version.isdigit() else None)
    except DomainError as exc:
        return _request_page(request, state, actor, number, error=exc, failed=action, form_values=submitted)
    return redirect(f"/hotline/requests/{number.strip().upper()}?done={action}")


# -- statistics and the knowledge base -----------------------------------------------------------------------


@router.get("/hotline/stats")
def stats_page(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    access_stats(actor, state.units.get())
    today = state.rt.now().date()
    params = request.query_params
    error = None
    result = None
    by = params.get("by") or "unit"
    try:
        start = opt_date(params.get("start"), "start", "开始日期") or today.replace(day=1)
        end = opt_date(params.get("end"), "end", "结束日期") or today
        result = hs.statistics(state.rt, actor, start=start, end=end, by=by)
    except DomainError as exc:
        error = exc
        start, end = today.replace(day=1), today
    return render(
        request,
        "hotline/stats.html",
        {"result": result, "start": start, "end": end, "by": by, "error": error,
         "previous": (start - timedelta(days=1)).replace(day=1)},
        status_code=error.status if error is not None else 200,
    )  # fmt: skip


def _kb_page(request: Request, state: WebState, actor: Actor, **extra: Any) -> Response:
    q = request.query_params.get("q", "")[:200]
    hits = kb.search(state.rt, q, k=10) if q.strip() else []
    error = extra.get("error")
    return render(
        request,
        "hotline/kb.html",
        {"entries": kb.list_entries(state.rt), "q": q, "hits": hits, "units": _units(state),
         "unit_names": {u.id: u.name for u in state.units.get()}, "categories": Category.choices(),
         "may_edit": actor.has_role(Role.OPERATOR, Role.ADMIN, Role.HANDLER), **extra},
        status_code=error.status if isinstance(error, DomainError) else 200,
    )  # fmt: skip


@router.get("/hotline/kb")
def kb_page(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    access_staff(actor, "知识库仅供工作人员使用")
    return _kb_page(request, state, actor)


@router.post("/hotline/kb")
def kb_add(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    v = values(form)
    try:
        unit = v.get("unit_id", "").strip()
        kb.add_entry(
            state.rt,
            actor,
            question=v.get("question", ""),
            answer=v.get("answer", ""),
            keywords=[k for k in v.get("keywords", "").replace("，", ",").split(",") if k.strip()],
            unit_id=int(unit) if unit.isdigit() else None,
            category=v.get("category") or None,
            valid_from=opt_date(v.get("valid_from"), "valid_from", "有效期自"),
            valid_until=opt_date(v.get("valid_until"), "valid_until", "有效期至"),
        )
    except DomainError as exc:
        return _kb_page(request, state, actor, error=exc, form_values=v)
    return redirect("/hotline/kb?done=1")


@router.post("/hotline/kb/{entry_id}/active")
def kb_toggle(entry_id: Annotated[int, Path(ge=1, le=2_147_483_647)], request: Request, principal: PrincipalDep,
              form: FormDep, state: StateDep) -> Response:  # fmt: skip
    actor = page_actor(principal)
    checked_form(request, form, principal)
    kb.set_active(state.rt, actor, entry_id, active=values(form).get("active") == "1")
    return redirect("/hotline/kb")


# -- the public's web form -----------------------------------------------------------------------------------


def _public_form(request: Request, *, form_values: dict[str, str] | None = None,
                 errors: dict[str, str] | None = None, status_code: int = 200) -> Response:  # fmt: skip
    return render(
        request,
        "hotline/public_form.html",
        {"values": form_values or {}, "errors": errors or {}, "categories": Category.choices()},
        status_code=status_code,
    )


@router.get("/public/hotline")
def public_form(request: Request) -> Response:
    return _public_form(request)


@router.post("/public/hotline")
def public_submit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    submitted = values(form)
    submitted.pop("urgency", None)  # urgency is the center's judgement, not the caller's
    actor = principal.actor or ANONYMOUS
    owner = actor.user_id if actor.has_role(Role.PUBLIC) else None
    try:
        reg = hl.register_request(state.rt, actor, submitted, channel=Channel.WEB, owner_user_id=owner)
    except RequestInvalid as exc:
        return _public_form(request, form_values=submitted, errors=exc.errors, status_code=422)
    return render(
        request, "hotline/receipt.html",
        {"case": reg.case, "code": reg.code, "dups": [], "staff": False, "state_label": "待派单"},
        status_code=201,
    )  # fmt: skip
