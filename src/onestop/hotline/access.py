"""Who may see and do what on the hotline (the hotline's ``access_*`` functions; the generic ones are in
``onestop.access``).

* The center's operators (话务员) work the whole hotline queue of their region: every request, whichever unit
  holds it now, and the knowledge base. Supervisors (督查员) see the same, read-only except for extensions,
  reviews and supervision. The administrator sees all.
* A unit's staff see the requests their unit (or a unit below it) leads, and those it assists (协办).
* Anything else does not exist for the viewer (404), as everywhere on the platform.
"""

from __future__ import annotations

from collections.abc import Collection

from onestop.cases.case import Case
from onestop.cases.errors import ActionNotAllowed, NotFound
from onestop.errors import DomainError
from onestop.org.roles import Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor

NOT_FOUND = "工单 {number} 不存在或您无权查看"


class AccessDenied(DomainError):
    """A role-gated hotline page or endpoint: 403 (its existence is no secret, unlike a request's)."""

    code = "forbidden"
    status = 403


def is_center(actor: Actor | None) -> bool:
    """The hotline center's view: operators, supervisors, administrators."""
    return actor is not None and actor.has_role(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)


def hotline_scope(actor: Actor, tree: UnitTree) -> frozenset[UnitId] | None:
    """Units whose requests ``actor`` sees; None means every unit (administrator)."""
    if actor.has_role(Role.ADMIN):
        return None
    if actor.unit_id is None or actor.unit_id not in tree:
        return frozenset()
    if actor.has_role(Role.OPERATOR, Role.SUPERVISOR):
        region = tree.region_of(actor.unit_id)
        if region is not None:
            return tree.units_in_region(region)
    return unit_scope(actor, tree)


def access_request(actor: Actor, case: Case, tree: UnitTree, *, assisting: Collection[UnitId] = ()) -> None:
    """``NotFound`` unless ``actor`` may see the request (``assisting``: its 协办 units)."""
    scope = hotline_scope(actor, tree)
    if scope is None:
        return
    if case.unit_id is not None and case.unit_id in scope:
        return
    if not is_center(actor) and any(u in scope for u in assisting):
        return
    raise NotFound(NOT_FOUND.format(number=case.number), field="number")


def access_center(actor: Actor | None) -> Actor:
    """The operator console, queues and knowledge-base editing."""
    if actor is None or not actor.has_role(Role.OPERATOR, Role.ADMIN):
        raise AccessDenied("仅限 12345 话务员使用")
    return actor


def access_staff(actor: Actor, message: str) -> Actor:
    """Queues and the knowledge base: the hotline center and the units' handlers, not other staff."""
    if not is_center(actor) and not actor.has_role(Role.HANDLER):
        raise AccessDenied(message)
    return actor


def access_center_review(actor: Actor | None) -> Actor:
    """Extension approvals, reply reviews and concluding reviews: operators and supervisors."""
    if actor is None or not actor.has_role(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
        raise AccessDenied("仅限 12345 热线中心（话务员、督查员）办理")
    return actor


def access_unit_action(actor: Actor, case: Case, tree: UnitTree) -> None:
    """A unit's action (签收, 退单, 延期申请, 答复): only staff of the unit that leads the request now."""
    if actor.unit_id is None or case.unit_id is None or case.unit_id not in unit_scope(actor, tree):
        raise ActionNotAllowed("只有主办单位的工作人员可以办理该工单", field="unit")


def access_stats(actor: Actor | None, tree: UnitTree) -> frozenset[UnitId] | None:
    """Statistics: the center and supervisors see every unit of the region; a unit sees its own."""
    if actor is None or not actor.has_role(*(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER)):
        raise AccessDenied("统计仅供工作人员查看")
    return hotline_scope(actor, tree)
