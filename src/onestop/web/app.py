"""The FastAPI application factory (`onestop serve` runs `create_app`).

Three faces on one app: the JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json), server-rendered pages
in Simplified Chinese, and (with the hotline module) Open311 GeoReport v2 under /open311/v2 — errors there are
answered in the spec's own shape (``[{"code", "description"}]``, JSON or XML), which Open311 clients parse.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from onestop import __version__
from onestop.actions.runtime import Runtime
from onestop.cli.context import runtime as runtime_from_env
from onestop.web import api, errors, health, open311, pages
from onestop.web.security import SecurityHeaders, install_log_masking
from onestop.web.state import STATIC, UnitTreeCache, WebState

DESCRIPTION = """\
onestop 一站式政务服务平台的 JSON 接口。

* 浏览器：登录后凭会话 Cookie 调用，修改类请求须带 `X-CSRF-Token` 请求头（值见 `GET /api/v1/me`）。
* 系统对接：`Authorization: Bearer os_…`（管理员在“系统管理 → 用户”为对接账号创建令牌）。
* 错误：一律返回 `{"error", "message", "field", "errors"}`，`message` 为中文说明；看不到的办件一律 404。
"""


def create_app(rt: Runtime | None = None, *, secure_cookies: bool | None = None) -> FastAPI:
    app = FastAPI(
        title="onestop 一站式政务服务平台",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        # The interactive docs load their scripts from a CDN; offline deployments cannot, so they are off.
        docs_url=None,
        redoc_url=None,
    )
    runtime = rt or runtime_from_env()
    app.state.runtime = runtime
    if secure_cookies is None:
        secure_cookies = os.environ.get("ONESTOP_SECURE_COOKIES", "").lower() in {"1", "true", "yes"}
    app.state.web = WebState(rt=runtime, units=UnitTreeCache(runtime), force_secure_cookies=secure_cookies)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(api.router())
    app.include_router(pages.router())
    app.include_router(open311.router)  # 12345 for third-party clients (GeoReport v2)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    install_log_masking()
    return app
