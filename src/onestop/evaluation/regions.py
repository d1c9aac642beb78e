"""The regions an evaluation compares: the counties of a prefecture, the towns of a county, or one region.

A region is a unit of kind REGION; its cases are those of every unit in its subtree. Compared regions are the
REGION units with no REGION below them, so that nested regions are never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.org.units import UnitId, UnitKind, UnitTree


@dataclass(frozen=True)
class Region:
    id: UnitId
    code: str  # the unit's code
    name: str
    region_code: str | None
    unit_ids: frozenset[UnitId]


def region_of_unit(units: UnitTree, unit_id: UnitId) -> Region:
    unit = units.get(unit_id)
    return Region(unit.id, unit.code, unit.name, units.region_of(unit.id), units.subtree_ids(unit.id))


def evaluated_regions(units: UnitTree, root_id: UnitId | None = None) -> list[Region]:
    """The leaf REGION units at or below ``root_id`` (all roots when None), in tree order."""
    scope = list(units) if root_id is None else [units.get(root_id), *units.descendants(root_id)]
    regions = [u for u in scope if u.kind is UnitKind.REGION]
    leaves = [r for r in regions if not any(d.kind is UnitKind.REGION for d in units.descendants(r.id))]
    return [region_of_unit(units, r.id) for r in leaves]
