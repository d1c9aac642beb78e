"""Who may enter and review indicator values (the evaluation module's ``access_*`` checks).

* enter (填报): an administrator; staff of a unit inside the region (the department that holds the data);
  a supervisor whose region contains it;
* review (审核): an administrator or a supervisor (营商办) whose region contains it, never on their own entry
  (that rule is in ``entries``).
"""

from __future__ import annotations

from onestop.evaluation.errors import EntryForbidden
from onestop.org.roles import UNIT_ROLES, Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor


def can_enter(actor: Actor, units: UnitTree, region_id: UnitId) -> bool:
    if actor.has_role(Role.ADMIN):
        return True
    if actor.unit_id is None or actor.unit_id not in units:
        return False
    if actor.has_role(Role.SUPERVISOR) and region_id in unit_scope(actor, units):
        return True
    return actor.has_role(*UNIT_ROLES) and units.is_within(actor.unit_id, region_id)


def can_review(actor: Actor, units: UnitTree, region_id: UnitId) -> bool:
    if actor.has_role(Role.ADMIN):
        return True
    if actor.unit_id is None or actor.unit_id not in units or not actor.has_role(Role.SUPERVISOR):
        return False
    return region_id in unit_scope(actor, units)


def access_enter(actor: Actor, units: UnitTree, region_id: UnitId) -> None:
    if not can_enter(actor, units, region_id):
        raise EntryForbidden("您无权填报该地区的评价数据", field="region_id")


def access_review(actor: Actor, units: UnitTree, region_id: UnitId) -> None:
    if not can_review(actor, units, region_id):
        raise EntryForbidden("只有营商环境主管部门（督查员）可以审核该地区的评价数据", field="region_id")


def can_view(actor: Actor, units: UnitTree, region_id: UnitId) -> bool:
    """The scores of a region: those who review it, and the staff of its own units."""
    if can_review(actor, units, region_id):
        return True
    return (
        actor.unit_id is not None
        and actor.unit_id in units
        and actor.has_role(*UNIT_ROLES)
        and units.is_within(actor.unit_id, region_id)
    )


def access_view(actor: Actor, units: UnitTree, region_id: UnitId) -> None:
    if not can_view(actor, units, region_id):
        raise EntryForbidden("您无权查看该地区的营商环境评价", field="region_id")
