"""Units, users and parties in the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.db.tables import parties, units, users
from onestop.org.parties import Party
from onestop.org.units import Unit, UnitTree
from onestop.org.users import User


def insert_unit(conn: Connection, unit: Unit, now: datetime) -> Unit:
    values = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind.value,
        "parent_id": unit.parent_id,
        "region_code": unit.region_code,
        "duties": unit.duties,
        "created_at": now,
    }
    if unit.id:
        values["id"] = unit.id
    unit_id = conn.execute(sa.insert(units).values(values).returning(units.c.id)).scalar_one()
    return Unit(unit_id, unit.code, unit.name, unit.kind, unit.parent_id, unit.region_code, unit.duties)


def row_to_unit(row: RowMapping) -> Unit:
    return Unit(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        parent_id=row["parent_id"],
        region_code=row["region_code"],
        duties=row["duties"],
    )


def load_unit_tree(conn: Connection) -> UnitTree:
    return UnitTree(row_to_unit(r) for r in conn.execute(sa.select(units).order_by(units.c.id)).mappings())


def insert_user(
    conn: Connection, user: User, password_hash: str | None, now: datetime, phone: str | None = None
) -> User:
    values = {
        "username": user.username,
        "display_name": user.display_name,
        "unit_id": user.unit_id,
        "roles": sorted(r.value for r in user.roles),
        "password_hash": password_hash,
        "phone": phone,
        "active": user.active,
        "created_at": now,
    }
    user_id = conn.execute(sa.insert(users).values(values).returning(users.c.id)).scalar_one()
    return User(user_id, user.username, user.display_name, user.unit_id, user.roles, user.active)


def row_to_user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        unit_id=row["unit_id"],
        roles=frozenset(row["roles"]),
        active=row["active"],
    )


def load_user(conn: Connection, username: str) -> tuple[User, RowMapping] | None:
    row = conn.execute(sa.select(users).where(users.c.username == username)).mappings().first()
    return None if row is None else (row_to_user(row), row)


def upsert_party(conn: Connection, party: Party, now: datetime) -> Party:
    """One party per identifier: a second application by the same person finds the first record."""
    row = (
        conn.execute(
            sa.select(parties).where(parties.c.kind == party.kind.value, parties.c.id_number == party.id_number)
        )
        .mappings()
        .first()
    )
    if row is not None:
        updates = {"name": party.name, **({"phone": party.phone} if party.phone else {})}
        conn.execute(sa.update(parties).where(parties.c.id == row["id"]).values(updates))
        return Party(party.kind, party.name, party.id_number, party.phone or row["phone"], id=row["id"])
    party_id = conn.execute(
        sa.insert(parties)
        .values(
            kind=party.kind.value,
            name=party.name,
            id_number=party.id_number,
            phone=party.phone,
            created_at=now,
        )
        .returning(parties.c.id)
    ).scalar_one()
    return Party(party.kind, party.name, party.id_number, party.phone, id=party_id)
