"""Helpers shared by the page handlers: forms, query values, redirects, the session cookie."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from onestop.access import is_staff
from onestop.auth.sessions import LIFETIME
from onestop.cases.errors import DomainError
from onestop.org.roles import Role
from onestop.org.users import Actor, User
from onestop.web.deps import CSRF_COOKIE, SESSION_COOKIE, Principal, Unauthenticated, check_form_csrf
from onestop.web.state import WebState, web_state
from onestop.web.validators import EARLIEST_DATE, INT_MAX, LATEST_DATE, text_value

StateDep = Annotated[WebState, Depends(web_state)]


class BadValue(DomainError):
    code = "validation_error"
    status = 422


async def _form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=200)


FormDep = Annotated[FormData, Depends(_form)]


def checked_form(request: Request, form: FormData, principal: Principal) -> FormData:
    check_form_csrf(request, form, principal)
    return form


def value(form: FormData, name: str, *, max_length: int = 5000) -> str:
    return text_value(form.get(name), max_length=max_length).strip()


def values(form: FormData) -> dict[str, str]:
    return {key: text_value(v) for key, v in form.multi_items() if isinstance(v, str)}


def page_actor(principal: Principal) -> Actor:
    actor = principal.actor
    if actor is None:
        raise Unauthenticated("请先登录", field=None)
    return actor


def home_for(user: User | None) -> str:
    if user is None:
        return "/public"
    if user.has_role(Role.ADMIN):
        return "/admin"
    if user.active and is_staff(user.as_actor()):
        return "/workbench"
    return "/my"


def safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect after login would hand the user to a phishing page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.web.force_secure_cookies


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
        max_age=int(LIFETIME.total_seconds()),
    )
    response.delete_cookie(CSRF_COOKIE, path="/")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure(request))


def opt_int(raw: str | None, field: str, label: str) -> int | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= INT_MAX:
        raise BadValue(f"「{label}」应为正整数", field=field)
    return int(text)


def opt_date(raw: str | None, field: str, label: str) -> date | None:
    if raw is None or not raw.strip():
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise BadValue(f"「{label}」应为日期，格式 YYYY-MM-DD", field=field) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise BadValue(f"「{label}」超出范围", field=field)
    return day


def opt_text(raw: str | None, field: str, label: str, max_length: int = 100) -> str | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if "\x00" in text or len(text) > max_length:
        raise BadValue(f"「{label}」不能超过 {max_length} 个字符且不能含空字符", field=field)
    return text
