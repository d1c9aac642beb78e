"""Who am I: the account behind the session or token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from onestop.access import access_own_submissions
from onestop.db.engine import read
from onestop.web import reads, schemas
from onestop.web.api.convert import case_list
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.state import WebState, web_state

router = APIRouter(tags=["账号"])


@router.get("/me", summary="当前账号", response_model=schemas.Me)
def me(principal: ApiPrincipal, state: Annotated[WebState, Depends(web_state)]) -> schemas.Me:
    require_actor(principal)
    user = principal.user
    assert user is not None
    tree = state.units.get()
    unit = None
    if user.unit_id is not None and user.unit_id in tree:
        u = tree.get(user.unit_id)
        unit = schemas.UnitRef(id=u.id, code=u.code, name=u.name)
    return schemas.Me(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.roles),
        role_labels=[r.label for r in sorted(user.roles)],
        unit=unit,
        auth="token" if principal.via_token else "session",
        csrf_token=principal.session.csrf_token if principal.session else None,
    )


@router.get("/me/submissions", summary="我提交的申请", response_model=schemas.CaseList)
def my_submissions(
    principal: ApiPrincipal,
    state: Annotated[WebState, Depends(web_state)],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=reads.MAX_PER_PAGE)] = 50,
) -> schemas.CaseList:
    actor = require_actor(principal)
    access_own_submissions(actor)
    with read(state.rt.engine) as conn:
        result = reads.list_cases(
            conn,
            actor,
            state.units.get(),
            reads.CaseFilters(own_only=True, page=page, per_page=per_page),
            state.rt.now(),
        )
    return case_list(result)
