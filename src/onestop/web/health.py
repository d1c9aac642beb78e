"""Liveness and readiness for load balancers."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request

router = APIRouter()


@router.get("/healthz", tags=["运维"], summary="存活与数据库连通检查")
def healthz(request: Request) -> dict[str, str]:
    with request.app.state.runtime.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
