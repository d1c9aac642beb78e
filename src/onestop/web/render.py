"""Rendering pages: the template environment, the context every page gets, and the HTML error page."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from onestop.org.masking import mask_phone, mask_resident_id, mask_text
from onestop.org.roles import STAFF_ROLES, Role
from onestop.web import present
from onestop.web.deps import ANONYMOUS, CSRF_COOKIE, Principal, form_csrf_token
from onestop.web.state import TEMPLATES

if TYPE_CHECKING:
    from onestop.web.errors import ErrorBody

templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(
    local=present.local,
    local_date=present.local_date,
    amount=present.amount,
    clock_css=present.clock_css,
    mask_text=mask_text,
    mask_phone=mask_phone,
    mask_id=mask_resident_id,
)
templates.env.globals.update(
    Role=Role,
    CLOCK_COLOURS=present.CLOCK_COLOURS,
    is_staff_roles=lambda roles: not STAFF_ROLES.isdisjoint(roles),
)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or bool(getattr(request.app.state.web, "force_secure_cookies", False))


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    token, new_cookie = form_csrf_token(request, principal)
    user = principal.user
    ctx = {
        "principal": principal,
        "user": user,
        "roles": user.roles if user is not None else frozenset(),
        "csrf_token": token,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=dict(headers or {}))
    # Pages may show personal data: no caching anywhere on the way.
    response.headers["Cache-Control"] = "no-store"
    if new_cookie:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), path="/")
    return response


def render_error(
    request: Request, status: int, body: ErrorBody, *, headers: Mapping[str, str] | None = None
) -> Response:
    from onestop.web.errors import label

    try:
        return render(
            request,
            "error.html",
            {"status": status, "error": body, "field_label": label(body.field) if body.field else None},
            status_code=status,
            headers=headers,
        )
    except Exception:  # the error page itself must never fail
        return HTMLResponse(f"<h1>{status}</h1><p>{html.escape(body.message)}</p>", status_code=status)
