"""Sessions, API tokens, failure counters and the audit logs in the database (the SQL of ``onestop.auth``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.db.tables import api_tokens, audit_log, pii_access_log, throttle, users, web_sessions

# -- sessions --------------------------------------------------------------------------------------------


def insert_session(
    conn: Connection,
    *,
    id_hash: str,
    user_id: int,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
    ip: str | None,
    user_agent: str | None,
) -> None:
    conn.execute(
        sa.insert(web_sessions).values(
            id_hash=id_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            ip=ip,
            user_agent=user_agent,
        )
    )


def load_session(conn: Connection, id_hash: str) -> RowMapping | None:
    """The session row with its account's columns (``users.*``), or None."""
    return (
        conn.execute(
            sa.select(web_sessions.c.csrf_token, web_sessions.c.last_seen_at, web_sessions.c.expires_at, users)
            .join(users, users.c.id == web_sessions.c.user_id)
            .where(web_sessions.c.id_hash == id_hash)
        )
        .mappings()
        .first()
    )


def session_owner(conn: Connection, id_hash: str) -> tuple[int, str] | None:
    row = conn.execute(
        sa.select(users.c.id, users.c.username)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.id_hash == id_hash)
    ).first()
    return None if row is None else (row.id, row.username)


def touch_session(conn: Connection, id_hash: str, now: datetime) -> None:
    conn.execute(sa.update(web_sessions).where(web_sessions.c.id_hash == id_hash).values(last_seen_at=now))


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.id_hash == id_hash))


def delete_expired_sessions(conn: Connection, now: datetime) -> None:
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.expires_at <= now))


def delete_user_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(sa.delete(web_sessions).where(web_sessions.c.user_id == user_id))


# -- login counters on the account ---------------------------------------------------------------------


def login_succeeded(conn: Connection, user_id: int, new_password_hash: str | None = None) -> None:
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
    if new_password_hash:
        values["password_hash"] = new_password_hash
    conn.execute(sa.update(users).where(users.c.id == user_id).values(values))


def login_failed(conn: Connection, user_id: int, *, lock_until: datetime | None) -> None:
    """One more failure; with ``lock_until`` the account is locked and the count starts again."""
    conn.execute(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(
            failed_logins=0 if lock_until is not None else users.c.failed_logins + 1,
            locked_until=lock_until if lock_until is not None else users.c.locked_until,
        )
    )


# -- API tokens ----------------------------------------------------------------------------------------------


def insert_token(
    conn: Connection,
    *,
    user_id: int,
    name: str,
    prefix: str,
    token_hash: str,
    now: datetime,
    created_by: str,
    expires_at: datetime | None,
) -> int:
    token_id: int = conn.execute(
        sa.insert(api_tokens)
        .values(
            user_id=user_id,
            name=name,
            prefix=prefix,
            token_hash=token_hash,
            created_at=now,
            created_by=created_by,
            expires_at=expires_at,
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    return token_id


def revoke_token(conn: Connection, token_id: int, now: datetime) -> bool:
    result = conn.execute(
        sa.update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)


def load_token(conn: Connection, token_hash: str) -> RowMapping | None:
    """The token row (id, last_used_at, expires_at, revoked_at) with its account's columns, or None."""
    return (
        conn.execute(
            sa.select(
                api_tokens.c.id.label("token_id"),
                api_tokens.c.last_used_at,
                api_tokens.c.expires_at,
                api_tokens.c.revoked_at,
                users,
            )
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash)
        )
        .mappings()
        .first()
    )


def touch_token(conn: Connection, token_id: int, now: datetime) -> None:
    conn.execute(sa.update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now))


def token_rows(conn: Connection) -> Sequence[RowMapping]:
    return (
        conn.execute(
            sa.select(api_tokens, users.c.username)
            .join(users, users.c.id == api_tokens.c.user_id)
            .order_by(api_tokens.c.id.desc())
        )
        .mappings()
        .all()
    )


# -- failure counters -----------------------------------------------------------------------------------------


def load_counter(conn: Connection, key: str) -> RowMapping | None:
    return conn.execute(sa.select(throttle).where(throttle.c.key == key)).mappings().first()


def count_failure(conn: Connection, key: str, now: datetime, window: timedelta) -> None:
    row = load_counter(conn, key)
    if row is None:
        conn.execute(sa.insert(throttle).values(key=key, count=1, window_start=now))
    elif row["window_start"] + window <= now:
        conn.execute(sa.update(throttle).where(throttle.c.key == key).values(count=1, window_start=now))
    else:
        conn.execute(sa.update(throttle).where(throttle.c.key == key).values(count=throttle.c.count + 1))


def prune_counters(conn: Connection, before: datetime) -> None:
    conn.execute(sa.delete(throttle).where(throttle.c.window_start < before))


# -- audit logs --------------------------------------------------------------------------------------------


def insert_audit(
    conn: Connection,
    *,
    at: datetime,
    user_id: int | None,
    username: str,
    action: str,
    target: str,
    ip: str | None,
    detail: Mapping[str, Any],
) -> None:
    conn.execute(
        sa.insert(audit_log).values(
            at=at, user_id=user_id, username=username, action=action, target=target, ip=ip, detail=dict(detail)
        )
    )


def insert_pii_view(
    conn: Connection,
    *,
    at: datetime,
    user_id: int,
    username: str,
    case_id: int,
    case_number: str,
    fields: Sequence[str],
    ip: str | None,
) -> None:
    conn.execute(
        sa.insert(pii_access_log).values(
            at=at,
            user_id=user_id,
            username=username,
            case_id=case_id,
            case_number=case_number,
            fields=list(fields),
            ip=ip,
        )
    )


def audit_rows(conn: Connection, *, limit: int, action: str | None) -> Sequence[RowMapping]:
    query = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if action:
        query = query.where(audit_log.c.action == action)
    return conn.execute(query).mappings().all()


def pii_view_rows(conn: Connection, *, limit: int, case_number: str | None) -> Sequence[RowMapping]:
    query = sa.select(pii_access_log).order_by(pii_access_log.c.at.desc(), pii_access_log.c.id.desc()).limit(limit)
    if case_number:
        query = query.where(pii_access_log.c.case_number == case_number)
    return conn.execute(query).mappings().all()
