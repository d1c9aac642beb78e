"""Failure counters shared by every web process (a table, not process memory): login and lookup throttling.

A key counts failures in a fixed window; once ``limit`` failures are counted the key is blocked until the
window ends. Successful attempts do not count, so an office behind one NAT address is not locked out by its
own staff logging in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.db.tables import throttle


@dataclass(frozen=True)
class Rule:
    prefix: str
    limit: int
    window: timedelta


LOGIN_BY_ADDRESS = Rule("login:ip", limit=20, window=timedelta(minutes=15))
LOOKUP_BY_ADDRESS = Rule("lookup:ip", limit=10, window=timedelta(minutes=10))
REGISTER_BY_ADDRESS = Rule("register:ip", limit=5, window=timedelta(hours=1))


def _key(rule: Rule, subject: str) -> str:
    return f"{rule.prefix}:{subject}"[:200]


def blocked_until(conn: Connection, rule: Rule, subject: str, now: datetime) -> datetime | None:
    """When the block on ``subject`` ends, or None when it may try now."""
    row = conn.execute(sa.select(throttle).where(throttle.c.key == _key(rule, subject))).mappings().first()
    if row is None:
        return None
    ends = row["window_start"] + rule.window
    if ends <= now or row["count"] < rule.limit:
        return None
    return ends


def count_failure(conn: Connection, rule: Rule, subject: str, now: datetime) -> None:
    key = _key(rule, subject)
    row = conn.execute(sa.select(throttle).where(throttle.c.key == key)).mappings().first()
    if row is None:
        conn.execute(sa.insert(throttle).values(key=key, count=1, window_start=now))
    elif row["window_start"] + rule.window <= now:
        conn.execute(sa.update(throttle).where(throttle.c.key == key).values(count=1, window_start=now))
    else:
        conn.execute(sa.update(throttle).where(throttle.c.key == key).values(count=throttle.c.count + 1))


def prune(conn: Connection, now: datetime, *, older_than: timedelta = timedelta(days=1)) -> None:
    conn.execute(sa.delete(throttle).where(throttle.c.window_start < now - older_than))
