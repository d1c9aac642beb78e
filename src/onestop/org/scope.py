"""Unit scope: the units whose cases an actor may see by the org rules alone.

The access_* functions combine this with each module's own rules (an operator works the whole hotline queue,
an applicant sees their own applications); this module only answers the organisational part.
"""

from __future__ import annotations

from onestop.org.roles import STAFF_ROLES, Role
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor


def unit_scope(actor: Actor, tree: UnitTree) -> frozenset[UnitId]:
    """Unit ids in scope: all for admin and system; a supervisor's region; a staff member's unit and below.

    A supervisor whose unit has no region (none of its ancestors carries a code) falls back to their subtree.
    The public and actors without a unit get no unit scope.
    """
    if actor.has_role(Role.SYSTEM, Role.ADMIN):
        return frozenset(unit.id for unit in tree)
    if actor.unit_id is None or not actor.has_role(*STAFF_ROLES):
        return frozenset()
    scope = tree.subtree_ids(actor.unit_id)
    region = tree.region_of(actor.unit_id)
    if actor.has_role(Role.SUPERVISOR) and region is not None:
        scope |= tree.units_in_region(region)
    return scope
