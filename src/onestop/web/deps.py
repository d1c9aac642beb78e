"""Who is asking: the principal of a request (session cookie, API token or nobody), and the CSRF checks.

* ``Authorization: Bearer os_…`` — an integration; exempt from CSRF (a browser never adds the header itself).
* Cookie ``onestop_session`` — a logged-in browser; every state-changing request must carry the session's
  CSRF token, in the ``X-CSRF-Token`` header (API) or the ``csrf_token`` form field (pages).
* Neither — anonymous. Anonymous forms (login, public submission, lookup, registration) use a double-submit
  token: the ``onestop_csrf`` cookie and the form field must match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from onestop.auth import api_tokens, sessions
from onestop.auth.crypto import new_token, same
from onestop.auth.sessions import SessionInfo
from onestop.cases.errors import DomainError
from onestop.org.users import Actor, User
from onestop.web.state import WebState, web_state

SESSION_COOKIE = "onestop_session"
CSRF_COOKIE = "onestop_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="接口令牌（系统对接）：Authorization: Bearer os_…")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="登录会话（浏览器）")


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403


@dataclass(frozen=True)
class Principal:
    user: User | None
    session: SessionInfo | None = None
    via_token: bool = False
    session_token: str | None = None

    @property
    def actor(self) -> Actor | None:
        return self.user.as_actor() if self.user is not None and self.user.active else None

    @property
    def authenticated(self) -> bool:
        return self.user is not None


ANONYMOUS = Principal(user=None)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def resolve_principal(
    request: Request,
    state: Annotated[WebState, Depends(web_state)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    if bearer is None and not cookie:
        principal = ANONYMOUS  # nothing to look up: no trip to the thread pool
    else:
        principal = await run_in_threadpool(_look_up, state, bearer, cookie)
    request.state.principal = principal
    return principal


def _look_up(state: WebState, bearer: HTTPAuthorizationCredentials | None, cookie: str | None) -> Principal:
    now = state.rt.now()
    if bearer is not None:
        user = api_tokens.resolve(state.rt.engine, bearer.credentials, now)
        if user is None:
            raise Unauthenticated("接口令牌无效、已过期或已吊销", field="Authorization")
        return Principal(user=user, via_token=True)
    assert cookie
    info = sessions.resolve(state.rt.engine, cookie, now)
    return ANONYMOUS if info is None else Principal(user=info.user, session=info, session_token=cookie)


PrincipalDep = Annotated[Principal, Depends(resolve_principal)]


def require_actor(principal: Principal) -> Actor:
    actor = principal.actor
    if actor is None:
        raise Unauthenticated("请先登录", field=None)
    return actor


async def api_csrf(request: Request, principal: PrincipalDep) -> Principal:
    """For API routes: a cookie-authenticated state-changing request must carry the session's CSRF token."""
    if request.method in SAFE_METHODS or principal.via_token or principal.session is None:
        return principal
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not same(sent, principal.session.csrf_token):
        raise CsrfFailed(f"CSRF 校验失败：请求头 {CSRF_HEADER} 缺失或不正确，请刷新页面后重试", field=CSRF_HEADER)
    return principal


ApiPrincipal = Annotated[Principal, Depends(api_csrf)]


def check_form_csrf(request: Request, form: FormData, principal: Principal) -> None:
    """For HTML forms: the session's token, or (anonymous) the double-submit cookie, must match the field."""
    if principal.via_token:
        return
    sent = form.get(CSRF_FIELD)
    sent = sent if isinstance(sent, str) else ""
    session = principal.session
    expected = session.csrf_token if session is not None else request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not same(sent, expected):
        raise CsrfFailed("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交", field=CSRF_FIELD)


def form_csrf_token(request: Request, principal: Principal) -> tuple[str, bool]:
    """The token to put in forms, and whether a new anonymous cookie must be set with the response."""
    if principal.session is not None:
        return principal.session.csrf_token, False
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return new_token(), True
