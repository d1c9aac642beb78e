"""Server-rendered pages in Simplified Chinese: staff workbench, case pages, the public hall, administration."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from onestop.web.deps import resolve_principal
from onestop.web.pages import (
    admin,
    auth,
    cases,
    certs,
    evaluation,
    hotline,
    ledger,
    oversight,
    public,
    ratings,
    window,
    workbench,
)


def router() -> APIRouter:
    # Every page knows who is asking (navigation, CSRF tokens), whether or not its handler asks too.
    pages = APIRouter(include_in_schema=False, dependencies=[Depends(resolve_principal)])
    modules = (auth, workbench, cases, public, admin, window, certs, ratings, oversight, hotline, ledger, evaluation)
    for module in modules:
        pages.include_router(module.router)
    return pages
