"""The FastAPI application factory (`onestop serve` runs `create_app`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from onestop import __version__
from onestop.actions.runtime import Runtime
from onestop.cases.errors import DomainError
from onestop.cli.context import runtime as runtime_from_env


def create_app(rt: Runtime | None = None) -> FastAPI:
    app = FastAPI(title="onestop 一站式政务服务平台", version=__version__, openapi_url="/api/v1/openapi.json")
    app.state.runtime = rt or runtime_from_env()

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status,
            content={"error": exc.code, "message": exc.message, "field": exc.field},
        )

    from onestop.web import health

    app.include_router(health.router)
    return app
