"""The JSON API, version 1 (/api/v1). Open311 GeoReport v2 will live beside it under /open311/v2."""

from __future__ import annotations

from fastapi import APIRouter

from onestop.web.api import admin, cases, certs, evaluation, hotline, ledger, me, oversight, public, ratings, window
from onestop.web.errors import ERROR_RESPONSES

PREFIX = "/api/v1"


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, responses=ERROR_RESPONSES)
    for module in (me, cases, public, admin, window, certs, ratings, oversight, hotline, ledger, evaluation):
        api.include_router(module.router)
    return api
