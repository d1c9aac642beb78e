"""Creating units, accounts and parties."""

from __future__ import annotations

from onestop.actions.runtime import Runtime
from onestop.auth.passwords import hash_password
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.org.parties import Party
from onestop.org.units import Unit
from onestop.org.users import User


def create_units(rt: Runtime, units: list[Unit]) -> list[Unit]:
    """Creates units in order (parents first); ids given in `units` are kept so trees can be declared."""
    now = rt.now()
    with write(rt.engine) as conn:
        return [org_repo.insert_unit(conn, unit, now) for unit in units]


def create_user(rt: Runtime, user: User, password: str | None, phone: str | None = None) -> User:
    password_hash = hash_password(password) if password else None
    with write(rt.engine) as conn:
        return org_repo.insert_user(conn, user, password_hash, rt.now(), phone)


def register_party(rt: Runtime, party: Party) -> Party:
    with write(rt.engine) as conn:
        return org_repo.upsert_party(conn, party, rt.now())
