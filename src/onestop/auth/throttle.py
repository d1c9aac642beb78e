"""Failure counters shared by every web process (a table, not process memory): login and lookup throttling.

A key counts failures in a fixed window; once ``limit`` failures are counted the key is blocked until the
window ends. Successful attempts do not count, so an office behind one NAT address is not locked out by its
own staff logging in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from onestop.db import auth_repo


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
    row = auth_repo.load_counter(conn, _key(rule, subject))
    if row is None:
        return None
    ends: datetime = row["window_start"] + rule.window
    if ends <= now or row["count"] < rule.limit:
        return None
    return ends


def count_failure(conn: Connection, rule: Rule, subject: str, now: datetime) -> None:
    auth_repo.count_failure(conn, _key(rule, subject), now, rule.window)


def prune(conn: Connection, now: datetime, *, older_than: timedelta = timedelta(days=1)) -> None:
    auth_repo.prune_counters(conn, now - older_than)
