"""The public's API: the forms on offer, submitting one, looking a case up by number and verification code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from onestop.actions.intake import all_forms, get_form
from onestop.web import handlers, schemas
from onestop.web.api.cases import receipt
from onestop.web.api.convert import form_info, public_case
from onestop.web.deps import ApiPrincipal, client_ip
from onestop.web.state import WebState, web_state
from onestop.web.validators import SafeStr

router = APIRouter(prefix="/public", tags=["公众服务"])

StateDep = Annotated[WebState, Depends(web_state)]
FormCode = Annotated[SafeStr, Path(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]


@router.get("/forms", summary="可在线提交的办事表单", response_model=list[schemas.FormInfo])
def forms() -> list[schemas.FormInfo]:
    return [form_info(f) for f in all_forms(public_only=True)]


@router.get("/forms/{code}", summary="办事表单的字段", response_model=schemas.FormInfo)
def form(code: FormCode) -> schemas.FormInfo:
    return form_info(get_form(code, public_only=True))


@router.post(
    "/forms/{code}/submissions",
    summary="提交申请：返回办件编号和查询码",
    response_model=schemas.SubmissionReceipt,
    status_code=201,
)
def submit(
    code: FormCode, body: schemas.SubmissionRequest, principal: ApiPrincipal, state: StateDep
) -> schemas.SubmissionReceipt:
    spec = get_form(code, public_only=True)
    sub = handlers.file_submission(state, spec, body.values, principal.actor, "api")
    return receipt(sub)


@router.post("/lookup", summary="凭办件编号和查询码查询进度", response_model=schemas.PublicCaseView)
def lookup(body: schemas.LookupRequest, request: Request, state: StateDep) -> schemas.PublicCaseView:
    return public_case(handlers.public_lookup(state, body.number, body.code, client_ip(request)))
