"""API tokens for system integrations: ``Authorization: Bearer os_…``, stored only as SHA-256.

A token acts as the account it belongs to (create an account with the roles the integration needs, e.g. a
话务员 account for a call-center system). The plain token is shown once, at creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection, Engine

from onestop.auth import audit
from onestop.auth.crypto import digest, new_token
from onestop.db import auth_repo, org_repo
from onestop.db.engine import read, write
from onestop.org.users import User

PREFIX = "os_"
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def create_token(
    conn: Connection,
    *,
    user_id: int,
    name: str,
    now: datetime,
    created_by: User,
    expires_at: datetime | None = None,
    ip: str | None = None,
) -> tuple[str, int]:
    """A new token for ``user_id``; returns (plain token, id). Runs in the caller's transaction."""
    plain = PREFIX + new_token()
    token_id = auth_repo.insert_token(
        conn,
        user_id=user_id,
        name=name,
        prefix=plain[: len(PREFIX) + 6],
        token_hash=digest(plain),
        now=now,
        created_by=created_by.username,
        expires_at=expires_at,
    )
    audit.record(
        conn,
        at=now,
        action="token_created",
        username=created_by.username,
        user_id=created_by.id,
        target=f"token:{token_id}",
        ip=ip,
        detail={"name": name, "for_user_id": user_id},
    )
    return plain, token_id


def revoke_token(conn: Connection, token_id: int, *, now: datetime, by: User, ip: str | None = None) -> bool:
    revoked = auth_repo.revoke_token(conn, token_id, now)
    if revoked:
        audit.record(
            conn, at=now, action="token_revoked", username=by.username, user_id=by.id, target=f"token:{token_id}", ip=ip
        )
    return revoked


def resolve(engine: Engine, plain: str, now: datetime) -> User | None:
    """The active account a bearer token belongs to, or None."""
    if not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    token_hash = digest(plain)
    with read(engine) as conn:
        row = auth_repo.load_token(conn, token_hash)
    if row is None or row["revoked_at"] is not None or not row["active"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= now:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOUCH_EVERY:
        with write(engine) as conn:
            auth_repo.touch_token(conn, row["token_id"], now)
    return org_repo.row_to_user(row)


def list_tokens(conn: Connection) -> list[TokenInfo]:
    return [
        TokenInfo(
            id=r["id"],
            user_id=r["user_id"],
            username=r["username"],
            name=r["name"],
            prefix=r["prefix"],
            created_at=r["created_at"],
            created_by=r["created_by"],
            last_used_at=r["last_used_at"],
            expires_at=r["expires_at"],
            revoked_at=r["revoked_at"],
        )
        for r in auth_repo.token_rows(conn)
    ]
