"""Pages of the window module: the clerk's desk and intake forms, the application page, the printable
一次性告知书, the department approval queue, the issuance desk, and the applicant's online application.

Views stay thin: access through ``onestop.window.access``, reads through ``actions.window_reads``, writes
through ``web.window_handlers`` (the same calls as the JSON API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from onestop.actions import window, window_reads
from onestop.catalog import default_catalog
from onestop.catalog.model import Target
from onestop.errors import DomainError
from onestop.org.errors import OrgError
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import FormDep, StateDep, checked_form, page_actor, redirect, values
from onestop.web.render import render
from onestop.web.state import WebState
from onestop.web.window_handlers import act_from_form, act_on_application, act_on_approval
from onestop.window.access import (
    access_application,
    access_approval_act,
    access_approval_queue,
    access_online_applicant,
    access_window_desk,
)
from onestop.window.kinds import SPECIAL_PROCEDURES
from onestop.window.materials import MaterialCheck

router = APIRouter()

Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Code = Annotated[str, Path(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_]+$")]
ACTION_LABELS = {
    "accept": "受理",
    "notify": "一次性告知",
    "resubmit": "补齐材料",
    "refuse": "不予受理",
    "supplement": "补正材料",
    "receive_deferred": "补交容缺材料",
    "withdraw": "撤回申请",
    "issue": "统一出件",
    "deliver": "送达",
    "approve": "准予许可",
    "deny": "不予许可",
    "request_supplement": "一次性告知补正",
    "extend": "延长审批期限",
    "start_special": "启动特别程序",
    "end_special": "特别程序结束",
}
APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "id_number", "phone", "enterprise_name", "variant")


def _catalog_groups() -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for item in default_catalog().items.values():
        groups.setdefault(item.department, []).append(item)
    return sorted(groups.items())


@router.get("/window")
def desk(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    if actor.has_role(Role.APPROVER) and not actor.has_role(Role.WINDOW_CLERK):
        return redirect("/window/approvals")
    if actor.has_role(Role.PUBLIC) and not actor.has_role(Role.WINDOW_CLERK):
        return redirect("/window/apply")
    access_window_desk(actor)
    rows = window_reads.desk(state.rt, actor, ("prereview", "pending", "notified"))
    names = {u.code: u.name for u in state.units.get()}
    return render(
        request,
        "window/desk.html",
        {"catalog": default_catalog(), "groups": _catalog_groups(), "rows": rows, "unit_names": names},
    )


def _applicant(query: dict[str, str]) -> window.Applicant | None:
    id_number = query.get("id_number", "").strip()
    if not id_number:
        return None
    return window.Applicant(query.get("applicant_kind") or "person", query.get("applicant_name", ""), id_number)


def _intake_page(
    request: Request,
    state: WebState,
    code: str,
    form_values: dict[str, str],
    *,
    action: str,
    online: bool,
    error: DomainError | OrgError | None = None,
    ticked: list[str] | None = None,
) -> Response:
    variant = form_values.get("variant") or None
    verify_error = None
    try:
        target, check = window.preview(
            state.rt, code, variant=variant, applicant=None if online else _applicant(form_values)
        )
    except (DomainError, OrgError) as exc:
        if exc.field not in ("id_number", "applicant_kind"):
            raise
        # A mistyped identifier while looking up certificates: show the form with the message, not an error page.
        verify_error = exc
        target, check = window.preview(state.rt, code, variant=variant)
    return render(
        request,
        "window/intake.html",
        _intake_context(target, check, form_values, action, online, error or verify_error, ticked),
        status_code=(error or verify_error).status if (error or verify_error) is not None else 200,  # type: ignore[union-attr]
    )


def _intake_context(  # noqa: PLR0917  (called once, positionally, by _intake_page)
    target: Target,
    check: MaterialCheck,
    form_values: dict[str, str],
    action: str,
    online: bool,
    error: DomainError | OrgError | None,
    ticked: list[str] | None,
) -> dict[str, Any]:
    return {
        "target": target,
        "check": check,
        "v": form_values,
        "action": action,
        "online": online,
        "error": error,
        "ticked": ticked or [],
        "establishes": any(i.establishes_enterprise for i in target.items),
        "bundle": target.bundle,
    }


@router.get("/window/intake/{code}")
def intake(code: Code, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    access_window_desk(page_actor(principal))
    query = {k: v[:200] for k, v in request.query_params.items() if k in APPLICANT_FIELDS}
    return _intake_page(request, state, code, query, action=f"/window/intake/{code}", online=False)


def _submit(request: Request, state: WebState, actor: Actor, code: str, form: FormData, *, online: bool) -> Response:
    submitted = values(form)
    ticked = [str(c) for c in form.getlist("material") if isinstance(c, str)]
    fields = {k: submitted.get(k, "") for k in APPLICANT_FIELDS}
    try:
        sub = window.submit(
            state.rt,
            code,
            applicant=window.Applicant(
                fields["applicant_kind"] or "person",
                fields["applicant_name"],
                fields["id_number"],
                fields["phone"] or None,
            ),
            actor=actor,
            channel="online" if online else "window",
            variant=fields["variant"] or None,
            materials=[
                window.MaterialInput(c, submitted.get(f"form_{c}") or ("electronic" if online else "original"))
                for c in ticked
            ],
            details={"enterprise_name": fields["enterprise_name"], "note": submitted.get("note", "")},
        )
    except (DomainError, OrgError) as exc:
        if exc.status == 404 or exc.field == "item":
            raise
        action = f"/window/apply/{code}" if online else f"/window/intake/{code}"
        return _intake_page(request, state, code, fields, action=action, online=online, error=exc, ticked=ticked)
    return render(request, "window/receipt.html", {"sub": sub, "online": online}, status_code=201)


@router.post("/window/intake/{code}")
def intake_submit(code: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = access_window_desk(page_actor(principal))
    checked_form(request, form, principal)
    return _submit(request, state, actor, code, form, online=False)


# -- the application page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """How the last action on a case's page went: ``done`` (its code), or refused (``error``, on ``failed``)."""

    done: str | None = None
    error: DomainError | OrgError | None = None
    failed: str | None = None


def _case_page(request: Request, template: str, context: dict[str, Any], outcome: _Outcome) -> Response:
    error = outcome.error
    told = {"done": ACTION_LABELS.get(outcome.done or ""), "error": error, "failed": outcome.failed}
    return render(request, template, {**context, **told}, status_code=error.status if error is not None else 200)


def _acted(act: Callable[[], None], refused: Callable[[DomainError | OrgError], Response], then: str) -> Response:
    """Takes the action and goes on to ``then``; refused, the case's page again says why (a 404 stays a 404)."""
    try:
        act()
    except (DomainError, OrgError) as exc:
        if exc.status == 404:
            raise
        return refused(exc)
    return redirect(then)


def _visible(state: WebState, actor: Actor, number: str) -> window_reads.ApplicationView:
    view = window_reads.application_view(state.rt, number)
    access_application(actor, view.case, state.units.get(), owner_id=view.owner_id, department_ids=view.department_ids)
    return view


def _application_page(request: Request, state: WebState, actor: Actor, number: str, outcome: _Outcome) -> Response:
    view = _visible(state, actor, number)
    clerk = actor.has_role(Role.WINDOW_CLERK) and view.case.unit_id in state.units.get().subtree_ids(actor.unit_id or 0)
    own = view.owner_id is not None and view.owner_id == actor.user_id
    context = {"a": view, "clerk": clerk, "own": own, "now": state.rt.now()}
    return _case_page(request, "window/application.html", context, outcome)


@router.get("/window/applications/{number}")
def application(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None
) -> Response:
    return _application_page(request, state, page_actor(principal), number, _Outcome(done=done))


def _form_act(form: FormData) -> Any:
    ticked = [str(c) for c in form.getlist("material") if isinstance(c, str)]
    deferred = [str(c) for c in form.getlist("deferred") if isinstance(c, str)]
    submitted = values(form)
    forms = {c: submitted.get(f"form_{c}", "") for c in ticked}
    return act_from_form(submitted, materials_given=ticked, forms=forms, deferred=deferred)


@router.post("/window/applications/{number}/{action}")
def application_act(
    *, number: Number, action: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    return _acted(
        lambda: act_on_application(state, actor, number, action, _form_act(form)),
        lambda exc: _application_page(request, state, actor, number, _Outcome(error=exc, failed=action)),
        f"/window/applications/{number}?done={action}",
    )


@router.get("/window/applications/{number}/notice")
def notice(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    """The printable 一次性告知书 (the latest notice of the application)."""
    view = _visible(state, page_actor(principal), number)
    notices = view.case.payload.get("notices") or []
    if not isinstance(notices, list) or not notices:
        raise window.WindowError("该申请没有出具一次性告知书", field="number", code="no_notice")
    return render(request, "window/notice.html", {"a": view, "n": notices[-1]})


# -- departments --------------------------------------------------------------------------------------------


@router.get("/window/approvals")
def approvals(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = access_approval_queue(page_actor(principal))
    return render(request, "window/approvals.html", {"rows": window_reads.approval_queue(state.rt, actor)})


def _approval_page(request: Request, state: WebState, actor: Actor, number: str, outcome: _Outcome) -> Response:
    view, timeline = window_reads.approval_view(state.rt, number)
    access_approval_act(actor, view.case, state.units.get())
    context = {
        "ap": view,
        "timeline": timeline,
        "establishes": any(i.get("establishes_enterprise") for i in view.items),
        "procedures": SPECIAL_PROCEDURES,
    }
    return _case_page(request, "window/approval.html", context, outcome)


@router.get("/window/approvals/{number}")
def approval(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None
) -> Response:
    return _approval_page(request, state, page_actor(principal), number, _Outcome(done=done))


@router.post("/window/approvals/{number}/{action}")
def approval_act(
    *, number: Number, action: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    decided = action in ("approve", "deny")  # the approval leaves the queue: back to the queue, saying which
    return _acted(
        lambda: act_on_approval(state, actor, number, action, _form_act(form)),
        lambda exc: _approval_page(request, state, actor, number, _Outcome(error=exc, failed=action)),
        f"/window/approvals?done={action}&number={number}" if decided else f"/window/approvals/{number}?done={action}",
    )


# -- issuance ------------------------------------------------------------------------------------------------


@router.get("/window/issuance")
def issuance(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = access_window_desk(page_actor(principal))
    return render(request, "window/issuance.html", {"rows": window_reads.desk(state.rt, actor, ("decided", "issued"))})


# -- the applicant online -------------------------------------------------------------------------------------


@router.get("/window/apply")
def apply_list(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = access_online_applicant(page_actor(principal))
    return render(
        request,
        "window/apply.html",
        {
            "catalog": default_catalog(),
            "groups": _catalog_groups(),
            "mine": window_reads.own_applications(state.rt, actor),
        },
    )


@router.get("/window/apply/{code}")
def apply_form(code: Code, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    access_online_applicant(page_actor(principal))
    query = {k: v[:200] for k, v in request.query_params.items() if k in APPLICANT_FIELDS}
    return _intake_page(request, state, code, query, action=f"/window/apply/{code}", online=True)


@router.post("/window/apply/{code}")
def apply_submit(code: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = access_online_applicant(page_actor(principal))
    checked_form(request, form, principal)
    return _submit(request, state, actor, code, form, online=True)
