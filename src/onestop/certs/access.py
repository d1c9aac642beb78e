"""Who may see and revoke certificates (the certs module's ``access_*`` checks).

* The public verify page and API need no login and show only what the paper shows anyone: type, holder name
  with the ID number masked, validity, issuing unit, outcome.
* Staff see the certificates issued by units in their scope (``unit_scope``: their unit and below; a
  supervisor's region; an administrator all) — the list, the full page with the data, the printable page.
* Revoking (注销) is for 窗口受理员 and 审批员 of the issuing unit (or a unit above it) and administrators.
* A certificate the viewer may not see does not exist for them: callers answer 404 with the same message as
  for a number nobody issued.
"""

from __future__ import annotations

from onestop.certs.errors import CertNotFound
from onestop.org.roles import STAFF_ROLES, Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor

NOT_FOUND_MESSAGE = "证照 {number} 不存在或您无权查看"
REVOKE_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER})


def may_see_certificate(actor: Actor | None, tree: UnitTree, issuing_unit_id: UnitId) -> bool:
    if actor is None or not actor.has_role(*STAFF_ROLES):
        return False
    return issuing_unit_id in unit_scope(actor, tree)


def access_certificate(actor: Actor | None, tree: UnitTree, issuing_unit_id: UnitId, number: str) -> None:
    if not may_see_certificate(actor, tree, issuing_unit_id):
        raise CertNotFound(NOT_FOUND_MESSAGE.format(number=number), field="number")


def may_revoke(actor: Actor | None, tree: UnitTree, issuing_unit_id: UnitId) -> bool:
    if actor is None:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(*REVOKE_ROLES) and issuing_unit_id in unit_scope(actor, tree)


def access_visible_units(actor: Actor | None, tree: UnitTree) -> frozenset[UnitId]:
    """The issuing units whose certificates ``actor`` lists (empty for the public)."""
    if actor is None or not actor.has_role(*STAFF_ROLES):
        return frozenset()
    return unit_scope(actor, tree)
