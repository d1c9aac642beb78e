"""Server-rendered pages in Simplified Chinese: staff workbench, case pages, the public hall, administration."""

from __future__ import annotations

from fastapi import APIRouter

from onestop.web.pages import admin, auth, cases, public, workbench


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    for module in (auth, workbench, cases, public, admin):
        pages.include_router(module.router)
    return pages
