"""Accounts and units as the administrator (and the public, registering) change them.

Each function is one transaction that also writes its audit entry, so the log can never miss a change.
Changing an account's roles, unit or status, or its password, ends its sessions: the next request logs in anew
with what the account is now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.runtime import Runtime
from onestop.auth import api_tokens, audit, sessions, throttle
from onestop.auth.passwords import hash_password, password_problem
from onestop.cases.errors import DomainError, NotFound
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.db.tables import units, users
from onestop.org.errors import InvalidOrgData
from onestop.org.phones import validate_phone
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitTree
from onestop.org.users import User


class AccountConflict(DomainError):
    code = "conflict"
    status = 409


class TooManyRegistrations(DomainError):
    code = "too_many_attempts"
    status = 429


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise DomainError(problem, field="password", code="weak_password")


def _phone(phone: str | None) -> str | None:
    return validate_phone(phone, field="phone") if phone and phone.strip() else None


def _load_user(conn: Connection, user_id: int) -> User:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).mappings().first()
    if row is None:
        raise NotFound(f"用户 {user_id} 不存在", field="user_id")
    return org_repo.row_to_user(row)


def _check_unit(conn: Connection, unit_id: int | None) -> None:
    if unit_id is not None and conn.execute(sa.select(units.c.id).where(units.c.id == unit_id)).first() is None:
        raise InvalidOrgData(f"单位 {unit_id} 不存在", field="unit_id")


def create_account(
    rt: Runtime,
    user: User,
    password: str,
    *,
    phone: str | None = None,
    by: User | None,
    ip: str | None = None,
    action: str = "user_created",
) -> User:
    _check_password(password, user.username)
    phone = _phone(phone)
    password_hash = hash_password(password)  # slow on purpose: outside the write transaction
    now = rt.now()
    with write(rt.engine) as conn:
        _check_unit(conn, user.unit_id)
        taken = conn.execute(
            sa.select(users.c.id).where(sa.func.lower(users.c.username) == user.username.lower())
        ).first()
        if taken is not None:
            raise AccountConflict(f"用户名“{user.username}”已被使用", field="username")
        created = org_repo.insert_user(conn, user, password_hash, now, phone)
        audit.record(
            conn,
            at=now,
            action=action,
            username=by.username if by else created.username,
            user_id=by.id if by else created.id,
            target=f"user:{created.username}",
            ip=ip,
            detail={"roles": sorted(created.roles), "unit_id": created.unit_id},
        )
    return created


def register_public(
    rt: Runtime, *, username: str, display_name: str, password: str, phone: str | None, ip: str | None
) -> User:
    """A citizen's or enterprise's own account (申请人/诉求人): sees only what it submits."""
    now = rt.now()
    with write(rt.engine) as conn:
        if throttle.blocked_until(conn, throttle.REGISTER_BY_ADDRESS, ip or "unknown", now) is not None:
            raise TooManyRegistrations("注册过于频繁，请稍后再试")
        # Every attempt counts: registration is the cheap way to probe usernames and fill the table.
        throttle.count_failure(conn, throttle.REGISTER_BY_ADDRESS, ip or "unknown", now)
    user = User(0, username, display_name, None, frozenset({Role.PUBLIC}))
    return create_account(rt, user, password, phone=phone, by=None, ip=ip, action="register")


def update_account(
    rt: Runtime,
    user_id: int,
    *,
    display_name: str,
    unit_id: int | None,
    roles: Iterable[str],
    active: bool,
    by: User,
    ip: str | None = None,
) -> User:
    now = rt.now()
    with write(rt.engine) as conn:
        before = _load_user(conn, user_id)
        _check_unit(conn, unit_id)
        after = User(
            before.id,
            before.username,
            display_name,
            unit_id,
            frozenset(Role.parse(r, field="roles") for r in roles),
            active,
        )
        if before.id == by.id and (Role.ADMIN not in after.roles or not after.active):
            raise DomainError("不能取消自己的管理员角色或停用自己的账号", field="roles", code="self_lockout")
        conn.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(
                display_name=after.display_name,
                unit_id=after.unit_id,
                roles=sorted(r.value for r in after.roles),
                active=after.active,
            )
        )
        changed = {
            name: {"from": old, "to": new}
            for name, old, new in (
                ("display_name", before.display_name, after.display_name),
                ("unit_id", before.unit_id, after.unit_id),
                ("roles", sorted(before.roles), sorted(after.roles)),
                ("active", before.active, after.active),
            )
            if old != new
        }
        if set(changed) - {"display_name"}:
            sessions.end_sessions(conn, user_id)
        audit.record(
            conn,
            at=now,
            action="user_updated",
            username=by.username,
            user_id=by.id,
            target=f"user:{before.username}",
            ip=ip,
            detail=changed,
        )
    return after


def reset_password(rt: Runtime, user_id: int, password: str, *, by: User, ip: str | None = None) -> None:
    now = rt.now()
    with write(rt.engine) as conn:
        target = _load_user(conn, user_id)
    _check_password(password, target.username)
    password_hash = hash_password(password)
    with write(rt.engine) as conn:
        conn.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(password_hash=password_hash, failed_logins=0, locked_until=None)
        )
        sessions.end_sessions(conn, user_id)
        audit.record(
            conn,
            at=now,
            action="password_reset",
            username=by.username,
            user_id=by.id,
            target=f"user:{target.username}",
            ip=ip,
        )


def unlock(rt: Runtime, user_id: int, *, by: User, ip: str | None = None) -> None:
    now = rt.now()
    with write(rt.engine) as conn:
        target = _load_user(conn, user_id)
        conn.execute(sa.update(users).where(users.c.id == user_id).values(failed_logins=0, locked_until=None))
        audit.record(
            conn,
            at=now,
            action="user_unlocked",
            username=by.username,
            user_id=by.id,
            target=f"user:{target.username}",
            ip=ip,
        )


def create_unit(rt: Runtime, unit: Unit, *, by: User, ip: str | None = None) -> Unit:
    """Adds a unit, checked against the whole tree (unique code, existing parent, regions nest)."""
    now = rt.now()
    with write(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        next_id = max((u.id for u in tree), default=0) + 1
        UnitTree([*tree, replace(unit, id=next_id)])  # raises InvalidOrgData naming the field
        created = org_repo.insert_unit(conn, replace(unit, id=0), now)
        audit.record(
            conn,
            at=now,
            action="unit_created",
            username=by.username,
            user_id=by.id,
            target=f"unit:{created.code}",
            ip=ip,
            detail={"name": created.name, "parent_id": created.parent_id},
        )
    return created


def issue_token(
    rt: Runtime, user_id: int, name: str, *, by: User, ip: str | None = None, expires_at: datetime | None = None
) -> tuple[str, int]:
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("令牌名称须为 1–100 个字符", field="name", code="invalid_name")
    now = rt.now()
    with write(rt.engine) as conn:
        target = _load_user(conn, user_id)
        if not target.active:
            raise DomainError("不能为已停用的账号创建令牌", field="user_id", code="account_disabled")
        return api_tokens.create_token(
            conn, user_id=user_id, name=name, now=now, created_by=by, expires_at=expires_at, ip=ip
        )


def revoke_token(rt: Runtime, token_id: int, *, by: User, ip: str | None = None) -> None:
    with write(rt.engine) as conn:
        if not api_tokens.revoke_token(conn, token_id, now=rt.now(), by=by, ip=ip):
            raise NotFound(f"令牌 {token_id} 不存在或已吊销", field="token_id")
