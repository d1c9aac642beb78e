"""Who may see 效能监察 and what of it (the oversight module's ``access_*`` checks).

* The dashboard, scorecards, bulletins and the list of supervision orders are for supervisors (督查员) and
  administrators only (403 for anyone else: the page's existence is no secret).
* A supervisor sees the units of their region (``unit_scope``); an administrator sees every unit.
* A region outside the viewer's scope does not exist for them (404), like a case they may not see.
* Raising an order by hand is a supervisor's act, on a case of a unit in their scope.
* The supervision rules and scorecard settings: supervisors read them (they explain the orders and ranks they
  see), only an administrator changes them (they bind the whole deployment).
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.org.identifiers import InvalidIdentifier
from onestop.org.regions import validate_region_code
from onestop.org.roles import Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitId, UnitKind, UnitTree
from onestop.org.users import Actor
from onestop.oversight.errors import OversightError, OversightForbidden


class InvalidRegion(OversightError):
    code = "invalid_region"


class RegionNotFound(OversightError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class Region:
    code: str | None  # GB/T 2260; None: every unit of the deployment (an administrator's whole view)
    name: str
    unit_ids: frozenset[UnitId]


def may_oversee(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(Role.SUPERVISOR, Role.ADMIN)


def access_oversight(actor: Actor | None) -> Actor:
    if actor is None or not may_oversee(actor):
        raise OversightForbidden("效能监察仅供督查员和管理员使用")
    return actor


def oversight_scope(actor: Actor, tree: UnitTree) -> frozenset[UnitId]:
    access_oversight(actor)
    return unit_scope(actor, tree)


def _region_unit_name(tree: UnitTree, code: str) -> str:
    for unit in tree:
        if unit.kind is UnitKind.REGION and unit.region_code == code:
            return unit.name
    return code


def access_region(actor: Actor, tree: UnitTree, code: str | None = None) -> Region:
    """The region the viewer asked for (or their own), with the units in it that the viewer may see."""
    scope = oversight_scope(actor, tree)
    if code is None or not code.strip():
        if actor.unit_id is not None and not actor.has_role(Role.ADMIN):
            own = tree.region_of(actor.unit_id)
            if own is not None:
                return Region(own, _region_unit_name(tree, own), frozenset(tree.units_in_region(own) & scope))
        roots = [u for u in tree.roots() if u.kind is UnitKind.REGION]
        root_code = roots[0].region_code if len(roots) == 1 else None
        if root_code is not None:
            return Region(root_code, roots[0].name, frozenset(tree.units_in_region(root_code) & scope))
        return Region(None, "全部单位", scope)
    try:
        code = validate_region_code(code, field="region", label="「地区」行政区划代码")
    except InvalidIdentifier as exc:
        raise InvalidRegion(exc.message, field="region") from None
    units = frozenset(tree.units_in_region(code) & scope)
    if not units:
        raise RegionNotFound(f"地区 {code} 不存在或您无权查看", field="region")
    return Region(code, _region_unit_name(tree, code), units)


def access_raise(actor: Actor) -> None:
    """督办 by hand is a supervisor's act (403 for anyone else)."""
    if not actor.has_role(Role.SUPERVISOR):
        raise OversightForbidden("只有督查员可以发起督办", field="number")


def access_raise_on(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> None:
    """…on a case of a unit in the supervisor's scope (404 otherwise, as for the case itself)."""
    access_raise(actor)
    if unit_id is None or unit_id not in unit_scope(actor, tree):
        raise RegionNotFound("办件不存在或您无权查看", field="number")


def access_settings(actor: Actor | None) -> Actor:
    """Reading the rules and scorecard settings in force: supervisors and administrators (403 otherwise)."""
    return access_oversight(actor)


def may_change_settings(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(Role.ADMIN)


def access_settings_change(actor: Actor | None) -> Actor:
    """Changing or resetting them: administrators only (403 otherwise, a supervisor included)."""
    if actor is None or not may_change_settings(actor):
        raise OversightForbidden("只有管理员可以修改督办规则和考评设置")
    return actor
