"""Server-rendered pages in Simplified Chinese: staff workbench, case pages, the public hall, administration."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from onestop.web.deps import resolve_principal
from onestop.web.pages import admin, auth, cases, public, workbench


def router() -> APIRouter:
    # Every page knows who is asking (navigation, CSRF tokens), whether or not its handler asks too.
    pages = APIRouter(include_in_schema=False, dependencies=[Depends(resolve_principal)])
    for module in (auth, workbench, cases, public, admin):
        pages.include_router(module.router)
    return pages
