"""The case page (timeline, clock, action forms), acting on a case, showing PII on record, window intake."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.access import access_intake, is_staff, may_intake
from onestop.actions.intake import FormInvalid, all_forms, get_form
from onestop.cases.errors import DomainError, NotFound
from onestop.org.errors import OrgError
from onestop.org.users import Actor
from onestop.web import handlers, reads
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import FormDep, StateDep, checked_form, page_actor, redirect, value, values
from onestop.web.render import render
from onestop.web.state import WebState

router = APIRouter()

Number = Annotated[str, Path(min_length=1, max_length=40)]
Code = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]


def _case_page(
    request: Request,
    state: WebState,
    actor: Actor,
    number: str,
    *,
    reveal: bool = False,
    done: str | None = None,
    error: DomainError | OrgError | None = None,
    failed_action: str | None = None,
    form_values: Mapping[str, Any] | None = None,
) -> Response:
    detail = handlers.case_detail(
        state, actor, number, reveal=reveal, ip=request.client.host if request.client else None
    )
    done_label = reads.action_label(done) if done else None
    return render(
        request,
        "case.html",
        {
            "d": detail,
            "done": done_label,
            "error": error,
            "failed_action": failed_action,
            "form_values": form_values or {},
            "now": state.rt.now(),
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/cases/{number}")
def case_page(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None
) -> Response:
    actor = page_actor(principal)
    if not is_staff(actor):
        return redirect(f"/my/cases/{number}")
    return _case_page(request, state, actor, number, done=done)


@router.post("/cases/{number}/pii")
def reveal(number: Number, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    return _case_page(request, state, actor, number, reveal=True)


@router.post("/cases/{number}/actions/{action}")
def act(
    *, number: Number, action: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    submitted = values(form)
    raw_version = value(form, "expected_version", max_length=12)
    back = f"/cases/{number}" if is_staff(actor) else f"/my/cases/{number}"
    try:
        if not raw_version.isascii() or not raw_version.isdigit():
            raise DomainError("缺少「版本号」，请刷新页面后重试", field="expected_version", code="validation_error")
        handlers.act(state, actor, number, action, submitted, expected_version=int(raw_version))
    except NotFound:
        raise
    except (DomainError, OrgError) as exc:
        if not is_staff(actor):
            return _own_case_page(request, state, actor, number, error=exc, failed_action=action, form_values=submitted)
        return _case_page(request, state, actor, number, error=exc, failed_action=action, form_values=submitted)
    return redirect(f"{back}?done={action}")


def _own_case_page(
    request: Request,
    state: WebState,
    actor: Actor,
    number: str,
    *,
    error: DomainError | OrgError | None = None,
    failed_action: str | None = None,
    form_values: Mapping[str, Any] | None = None,
    done: str | None = None,
) -> Response:
    view = handlers.own_case(state, actor, number)
    return render(
        request,
        "public/case.html",
        {
            "c": view,
            "own": True,
            "error": error,
            "failed_action": failed_action,
            "form_values": form_values or {},
            "done": done,
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/my/cases/{number}")
def own_case(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: str | None = None
) -> Response:
    actor = page_actor(principal)
    return _own_case_page(request, state, actor, number, done=reads.action_label(done) if done else None)


# -- 窗口登记: a clerk files a request for an applicant at the counter ------------------------------------------


@router.get("/intake")
def intake_list(request: Request, principal: PrincipalDep) -> Response:
    actor = page_actor(principal)
    forms = [form for form in all_forms() if may_intake(actor, form.staff_roles)]
    if not forms:
        access_intake(actor, frozenset())
    return render(request, "intake_list.html", {"forms": forms})


@router.get("/intake/{code}")
def intake_form(code: Code, request: Request, principal: PrincipalDep) -> Response:
    actor = page_actor(principal)
    form = get_form(code)
    access_intake(actor, form.staff_roles)
    return render(
        request, "form.html", {"form": form, "values": {}, "errors": {}, "action": f"/intake/{code}", "staff": True}
    )


@router.post("/intake/{code}")
def intake_submit(code: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    spec = get_form(code)
    access_intake(actor, spec.staff_roles)
    checked_form(request, form, principal)
    submitted = values(form)
    try:
        sub = handlers.file_submission(state, spec, submitted, actor, "window")
    except FormInvalid as exc:
        return render(
            request,
            "form.html",
            {"form": spec, "values": submitted, "errors": exc.errors, "action": f"/intake/{code}", "staff": True},
            status_code=422,
        )
    return render(request, "receipt.html", {"sub": sub, "staff": True}, status_code=201)
