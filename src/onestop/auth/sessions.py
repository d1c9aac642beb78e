"""Server-side login sessions: a random id in an HttpOnly cookie, its SHA-256 in ``web_sessions``.

* Login always issues a new id and deletes any session the browser came with, so an id planted before login
  (session fixation) is worthless after it.
* Each session has its own CSRF token, sent back in every form and in the ``X-CSRF-Token`` header.
* A session ends at logout, after ``IDLE`` without a request, or ``LIFETIME`` after login, whichever is first;
  disabling an account ends its sessions at once (the user row is read with the session).
* Failed logins count per account (``users.failed_logins``; ``MAX_FAILED`` in a row lock it for ``LOCK``) and
  per client address (``throttle.LOGIN_BY_ADDRESS``), so neither guessing one password nor spraying many
  accounts from one address gets far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.engine import Connection, Engine, RowMapping

from onestop.actions.runtime import Runtime
from onestop.auth import audit, throttle
from onestop.auth.crypto import digest, new_token
from onestop.auth.passwords import hash_password, needs_rehash, verify_password
from onestop.db import auth_repo, org_repo
from onestop.db.engine import read, write
from onestop.org.users import User
from onestop.worktime import TZ

MAX_FAILED = 5
LOCK = timedelta(minutes=15)
IDLE = timedelta(hours=2)
LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often (a write per request is costly)


@cache
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so the answer takes as long as for a real account."""
    return hash_password("onestop-dummy-password")


class LoginError(Exception):
    """A refused login; ``status`` and the Chinese ``message`` go to the user as they are."""

    code = "login_failed"
    status = 401

    def __init__(self, message: str, *, field: str | None = "password", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class TooManyAttempts(LoginError):
    code = "too_many_attempts"
    status = 429


@dataclass(frozen=True)
class SessionInfo:
    user: User
    csrf_token: str
    id_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginResult:
    token: str  # the cookie value; only its digest is stored
    session: SessionInfo


def _hhmm(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%H:%M")


def login(
    rt: Runtime,
    username: str,
    password: str,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    previous_token: str | None = None,
) -> LoginResult:
    now = rt.now()
    username = username.strip()
    address = ip or "unknown"
    with read(rt.engine) as conn:
        until = throttle.blocked_until(conn, throttle.LOGIN_BY_ADDRESS, address, now)
        found = org_repo.load_user(conn, username) if username else None
    if until is not None:
        raise TooManyAttempts(f"登录失败次数过多，请于 {_hhmm(until)} 后再试", field=None)
    if found is None:
        verify_password(_dummy_hash(), password)
        with write(rt.engine) as conn:
            throttle.count_failure(conn, throttle.LOGIN_BY_ADDRESS, address, now)
            audit.record(
                conn, at=now, action="login_failed", username=username or "-", ip=ip, detail={"reason": "unknown_user"}
            )
        raise LoginError("用户名或密码错误")
    user, row = found
    locked_until = row["locked_until"]
    if locked_until is not None and locked_until > now:
        raise TooManyAttempts(f"该账号登录失败次数过多，已锁定，请于 {_hhmm(locked_until)} 后再试", field=None)
    if not row["password_hash"] or not verify_password(row["password_hash"], password):
        _failed(rt, user, row, now, ip)
    if not user.active:
        raise LoginError("该账号已停用，请联系管理员", field="username", code="account_disabled")
    token = new_token()
    csrf = new_token()
    id_hash = digest(token)
    expires = now + LIFETIME
    new_hash = hash_password(password) if needs_rehash(row["password_hash"]) else None
    with write(rt.engine) as conn:
        if previous_token:
            auth_repo.delete_session(conn, digest(previous_token))
        auth_repo.delete_expired_sessions(conn, now)
        auth_repo.login_succeeded(conn, user.id, new_hash)
        auth_repo.insert_session(
            conn,
            id_hash=id_hash,
            user_id=user.id,
            csrf_token=csrf,
            now=now,
            expires_at=expires,
            ip=ip,
            user_agent=(user_agent or "")[:200] or None,
        )
        audit.record(conn, at=now, action="login", username=user.username, user_id=user.id, ip=ip)
        throttle.prune(conn, now)
    return LoginResult(token=token, session=SessionInfo(user, csrf, id_hash, expires))


def _failed(rt: Runtime, user: User, row: RowMapping, now: datetime, ip: str | None) -> None:
    failures = int(row["failed_logins"] or 0) + 1
    locked = failures >= MAX_FAILED
    with write(rt.engine) as conn:
        auth_repo.login_failed(conn, user.id, lock_until=now + LOCK if locked else None)
        throttle.count_failure(conn, throttle.LOGIN_BY_ADDRESS, ip or "unknown", now)
        audit.record(
            conn,
            at=now,
            action="login_locked" if locked else "login_failed",
            username=user.username,
            user_id=user.id,
            ip=ip,
            detail={"failures": failures},
        )
    if locked:
        raise TooManyAttempts(f"连续 {MAX_FAILED} 次密码错误，账号已锁定，请于 {_hhmm(now + LOCK)} 后再试", field=None)
    left = MAX_FAILED - failures
    raise LoginError(f"用户名或密码错误（再错 {left} 次账号将被锁定 {int(LOCK.total_seconds() // 60)} 分钟）")


def resolve(engine: Engine, token: str, now: datetime) -> SessionInfo | None:
    """The live session for a cookie value, or None (unknown, expired, idle too long, account disabled)."""
    if not token or len(token) > 200:
        return None
    id_hash = digest(token)
    with read(engine) as conn:
        row = auth_repo.load_session(conn, id_hash)
    if row is None or row["expires_at"] <= now or row["last_seen_at"] + IDLE <= now or not row["active"]:
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        with write(engine) as conn:
            auth_repo.touch_session(conn, id_hash, now)
    return SessionInfo(org_repo.row_to_user(row), row["csrf_token"], id_hash, row["expires_at"])


def logout(rt: Runtime, token: str, *, ip: str | None = None) -> None:
    now = rt.now()
    id_hash = digest(token)
    with write(rt.engine) as conn:
        owner = auth_repo.session_owner(conn, id_hash)
        auth_repo.delete_session(conn, id_hash)
        if owner is not None:
            audit.record(conn, at=now, action="logout", username=owner[1], user_id=owner[0], ip=ip)


def end_sessions(conn: Connection, user_id: int) -> None:
    """Ends every session of an account (password reset, role change, disabling)."""
    auth_repo.delete_user_sessions(conn, user_id)
