"""办事大厅: the public's forms, receipts with number and verification code, lookup, 我的申请."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.access import access_own_submissions
from onestop.actions.intake import FormInvalid, all_forms, get_form
from onestop.cases.errors import DomainError
from onestop.db.engine import read
from onestop.web import handlers, reads
from onestop.web.deps import PrincipalDep, client_ip
from onestop.web.pages.common import FormDep, StateDep, checked_form, opt_int, page_actor, value, values
from onestop.web.render import render

router = APIRouter()

Code = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]


@router.get("/public")
def hall(request: Request) -> Response:
    return render(request, "public/hall.html", {"forms": all_forms(public_only=True)})


@router.get("/public/apply/{code}")
def apply_page(code: Code, request: Request) -> Response:
    form = get_form(code, public_only=True)
    return render(request, "form.html", {"form": form, "values": {}, "errors": {}, "action": f"/public/apply/{code}"})


@router.post("/public/apply/{code}")
def apply_submit(code: Code, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    spec = get_form(code, public_only=True)
    checked_form(request, form, principal)
    submitted = values(form)
    try:
        sub = handlers.file_submission(state, spec, submitted, principal.actor, "web")
    except FormInvalid as exc:
        return render(
            request,
            "form.html",
            {"form": spec, "values": submitted, "errors": exc.errors, "action": f"/public/apply/{code}"},
            status_code=422,
        )
    return render(request, "receipt.html", {"sub": sub}, status_code=201)


@router.get("/public/lookup")
def lookup_page(request: Request, number: str | None = None) -> Response:
    return render(request, "public/lookup.html", {"number": (number or "")[:40], "errors": {}})


@router.post("/public/lookup")
def lookup_submit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    number = value(form, "number", max_length=40).upper()
    code = value(form, "code", max_length=32)
    errors = {}
    if not number:
        errors["number"] = "请填写「办件编号」"
    if not code:
        errors["code"] = "请填写「查询码」"
    if errors:
        return render(request, "public/lookup.html", {"number": number, "errors": errors}, status_code=422)
    try:
        view = handlers.public_lookup(state, number, code, client_ip(request))
    except DomainError as exc:
        return render(
            request,
            "public/lookup.html",
            {"number": number, "errors": {exc.field or "code": exc.message}, "error": exc.message},
            status_code=exc.status,
        )
    return render(request, "public/case.html", {"c": view, "own": False})


@router.get("/my")
def my_submissions(request: Request, principal: PrincipalDep, state: StateDep, page: str | None = None) -> Response:
    actor = page_actor(principal)
    access_own_submissions(actor)
    page_no = min(opt_int(page, "page", "页码") or 1, 10_000)
    with read(state.rt.engine) as conn:
        result = reads.list_cases(
            conn, actor, state.units.get(), reads.CaseFilters(own_only=True, page=page_no, per_page=20), state.rt.now()
        )
    return render(
        request,
        "public/my.html",
        {"result": result, "welcome": "welcome" in request.query_params, "forms": all_forms(public_only=True)},
    )
