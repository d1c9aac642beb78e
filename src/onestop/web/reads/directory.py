"""Administration reads: users and units with their counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.db.tables import cases, units, users
from onestop.org.masking import mask_phone
from onestop.org.units import UnitTree
from onestop.web.reads.caselist import unit_name


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    unit_id: int | None
    unit_name: str
    roles: list[str]
    role_labels: list[str]
    active: bool
    locked_until: datetime | None
    failed_logins: int
    phone_masked: str
    created_at: datetime


def list_users(conn: Connection, tree: UnitTree, *, q: str | None = None) -> list[UserRow]:
    from onestop.org.roles import Role

    query = sa.select(users).order_by(users.c.id)
    if q:
        query = query.where(
            sa.or_(users.c.username.contains(q, autoescape=True), users.c.display_name.contains(q, autoescape=True))
        )
    out = []
    for r in conn.execute(query).mappings():
        roles = sorted(r["roles"])
        out.append(
            UserRow(
                id=r["id"],
                username=r["username"],
                display_name=r["display_name"],
                unit_id=r["unit_id"],
                unit_name=unit_name(tree, r["unit_id"]),
                roles=roles,
                role_labels=[Role(x).label for x in roles if x in Role.__members__.values()],
                active=r["active"],
                locked_until=r["locked_until"],
                failed_logins=r["failed_logins"],
                phone_masked=mask_phone(r["phone"]) if r["phone"] else "",
                created_at=r["created_at"],
            )
        )
    return out


def get_user(conn: Connection, tree: UnitTree, user_id: int) -> UserRow | None:
    return next((u for u in list_users(conn, tree) if u.id == user_id), None)


def unit_case_counts(conn: Connection) -> dict[int, int]:
    return {
        r.unit_id: r.n
        for r in conn.execute(
            sa.select(cases.c.unit_id, sa.func.count().label("n"))
            .where(cases.c.unit_id.is_not(None))
            .group_by(cases.c.unit_id)
        )
    }


def unit_user_counts(conn: Connection) -> dict[int, int]:
    return {
        r.unit_id: r.n
        for r in conn.execute(
            sa.select(users.c.unit_id, sa.func.count().label("n"))
            .where(users.c.unit_id.is_not(None))
            .group_by(users.c.unit_id)
        )
    }


def unit_exists(conn: Connection, unit_id: int) -> bool:
    return conn.execute(sa.select(units.c.id).where(units.c.id == unit_id)).first() is not None
