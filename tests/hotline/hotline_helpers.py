"""Helpers of the hotline tests: the county they run in and a complaint's form values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onestop.actions.runtime import Runtime
from onestop.org.units import Unit
from onestop.org.users import Actor
from onestop.worktime import TZ
from tests.conftest import TravelClock

START = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday, a working day, far from holidays


@dataclass
class HotlineCounty:
    rt: Runtime
    clock: TravelClock
    region: Unit
    center: Unit
    units: dict[str, Unit]
    operator: Actor
    supervisor: Actor
    handlers: dict[str, Actor]

    def at(self, when: datetime) -> None:
        self.clock.set(when)


def complaint(**extra: object) -> dict[str, object]:
    return {
        "category": "complaint",
        "urgency": "ordinary",
        "requester_name": "张三",
        "phone": "13800138001",
        "address": "阳明镇东风路 12 号",
        "text": "东风路12号楼下烧烤店每晚油烟和噪音扰民，到凌晨两点还不停，请相关部门处理。",
        **extra,
    }


def count_rows(db: Engine, table: sa.Table) -> int:
    with db.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def token_for(rt: Runtime, actor: Actor) -> dict[str, str]:
    """An ``Authorization`` header for ``actor`` (an API token: no login, no CSRF)."""
    from onestop.auth.api_tokens import create_token
    from onestop.db.engine import write
    from onestop.org.users import User

    assert actor.user_id is not None
    user = User(actor.user_id, actor.username, actor.username, actor.unit_id, actor.roles)
    with write(rt.engine) as conn:
        plain, _ = create_token(conn, user_id=actor.user_id, name="test", now=rt.now(), created_by=user)
    return {"Authorization": f"Bearer {plain}"}


PASSWORD = "Hotline-pass-2026"


def web_users(county: HotlineCounty) -> dict[str, Actor]:
    """Accounts with a password for the pages: an operator, two unit handlers, a citizen."""
    from onestop.actions.org import create_user
    from onestop.org.roles import Role
    from onestop.org.users import User

    spec = {
        "web_op": (county.center.id, Role.OPERATOR),
        "web_scj": (county.units["SCJ"].id, Role.HANDLER),
        "web_zjj": (county.units["ZJJ"].id, Role.HANDLER),
        "web_citizen": (None, Role.PUBLIC),
    }
    return {
        name: create_user(county.rt, User(0, name, name, unit, frozenset({role})), PASSWORD).as_actor()
        for name, (unit, role) in spec.items()
    }
