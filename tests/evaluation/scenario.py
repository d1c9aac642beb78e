"""A small year of generic applications in two counties, driven through the action layer (see the measures test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from onestop.actions.cases import ChildSpec, open_case, perform
from onestop.actions.evaluation import regions_for
from onestop.db.engine import read
from onestop.db.tables import cases
from onestop.evaluation.regions import Region
from onestop.worktime import TZ
from tests.evaluation.conftest import Prefecture


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Scenario:
    prefecture: Prefecture
    numbers: dict[str, str]
    regions: list[Region]

    def region(self, code: str) -> Region:
        (found,) = [r for r in self.regions if r.code == code]
        return found


def build_scenario(p: Prefecture) -> Scenario:
    rt, u, a = p.rt, p.units, p.actors
    clerk_hp = a["clerk_hp"]
    numbers: dict[str, str] = {}

    def application(name: str, when: datetime, unit: str, limit: str = "5d", clerk: str = "clerk_hp") -> str:
        p.at(when)
        case = open_case(rt, "generic_application", a[clerk], unit_id=u[unit].id, payload={"limit": limit})
        numbers[name] = case.number
        return case.number

    def act(number: str, action: str, when: datetime, actor: str, data: dict[str, object] | None = None) -> None:
        p.at(when)
        perform(rt, number, action, a[actor], data or {})

    def approval_of(number: str) -> str:
        with read(rt.engine) as conn:
            parent_id = conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one()
            return str(conn.execute(sa.select(cases.c.number).where(cases.c.parent_id == parent_id)).scalar_one())

    sq1 = application("SQ1", at(10, 12, 7, 45), "HPX-ZWFW")
    act(sq1, "accept", at(10, 12, 7, 50), "clerk_hp")
    act(sq1, "finish", at(10, 12, 16), "clerk_hp")

    sq2 = application("SQ2", at(9, 30, 9, 50), "HPX-ZWFW")
    act(sq2, "accept", at(9, 30, 10), "clerk_hp")
    p.at(at(9, 30, 10, 5))
    perform(rt, sq2, "dispatch", clerk_hp, children=[ChildSpec("generic_approval", u["HPX-SCJ"].id, {"limit": "5d"})])
    sp2 = approval_of(sq2)
    act(sp2, "request_supplement", at(9, 30, 15), "approver_hp", {"items": ["住所使用证明"]})
    act(sp2, "supplement", at(10, 8, 9, 30), "approver_hp")
    act(sp2, "approve", at(10, 9, 10), "approver_hp")  # the application joins: finished 9 Oct

    sq3 = application("SQ3", at(10, 12, 9, 50), "HPX-ZWFW", limit="2d")
    act(sq3, "accept", at(10, 12, 10), "clerk_hp")
    p.at(at(10, 12, 10, 5))
    perform(rt, sq3, "dispatch", clerk_hp, children=[ChildSpec("generic_approval", u["HPX-SCJ"].id, {"limit": "2d"})])
    sp3 = approval_of(sq3)
    act(sp3, "request_supplement", at(10, 13, 9), "approver_hp", {"items": ["章程"]})
    act(sp3, "supplement", at(10, 13, 10), "approver_hp")
    act(sp3, "request_supplement", at(10, 13, 11), "approver_hp", {"items": ["股东会决议"]})  # a second notice
    act(sp3, "supplement", at(10, 13, 14), "approver_hp")
    act(sp3, "approve", at(10, 19, 10), "approver_hp")

    sq4 = application("SQ4", at(10, 12, 10), "HPX-ZWFW")
    act(sq4, "reject", at(10, 12, 11), "clerk_hp", {"reason": "不属于本中心受理范围"})

    sq5 = application("SQ5", at(9, 14, 9, 50), "HPX-ZWFW")
    act(sq5, "accept", at(9, 14, 10), "clerk_hp")
    act(sq5, "finish", at(9, 15, 10), "clerk_hp")

    application("SQ6", at(10, 20, 10), "HPX-ZWFW")

    sq7 = application("SQ7", at(10, 12, 9, 50), "DYX-ZWFW", clerk="clerk_dy")
    act(sq7, "accept", at(10, 12, 10), "clerk_dy")
    act(sq7, "finish", at(10, 13, 10), "clerk_dy")
    return Scenario(p, numbers, regions_for(rt, u["HYS"].id))
