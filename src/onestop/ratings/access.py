"""Who may rate, work a rectification, appeal, review an appeal and read ratings (the module's ``access_*``).

* rate — the party themselves online (their own account, or anyone holding the case number and its
  verification code); at the counter, the window device of the issuing window, i.e. a window clerk of the unit
  that owns the case (or a unit above it); by phone or SMS, a hotline operator of the case's region recording
  what the party said on the return call.
* rectification — staff of the rated unit (its own unit or a unit above it), never a supervisor: supervisors
  follow rectifications, units do them.
* appeal — staff of the rated unit; review — a supervisor (督查员) whose region contains the unit.
* read ratings — staff see their unit's (and sub-units'), supervisors their region's, administrators all.
"""

from __future__ import annotations

from onestop.org.roles import Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitId, UnitTree
from onestop.org.users import Actor
from onestop.ratings.errors import RatingForbidden
from onestop.ratings.kinds import UNIT_STAFF
from onestop.ratings.levels import Channel

_UNIT_STAFF_ROLES = tuple(Role(r) for r in sorted(UNIT_STAFF))


def _in_subtree(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> bool:
    if actor.unit_id is None or unit_id is None or actor.unit_id not in tree or unit_id not in tree:
        return False
    return tree.is_within(unit_id, actor.unit_id)


def _in_region(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> bool:
    if actor.unit_id is None or unit_id is None or actor.unit_id not in tree or unit_id not in tree:
        return False
    region = tree.region_of(actor.unit_id)
    return region is not None and unit_id in tree.units_in_region(region)


def may_rate(
    actor: Actor | None,
    channel: Channel,
    tree: UnitTree,
    *,
    case_unit_id: UnitId | None,
    owner_id: int | None,
    by_code: bool,
) -> bool:
    if channel in (Channel.ONLINE, Channel.APP):
        if by_code:
            return True
        return actor is not None and owner_id is not None and actor.user_id == owner_id
    if actor is None:
        return False
    if channel is Channel.WINDOW_DEVICE:
        return actor.has_role(Role.WINDOW_CLERK) and _in_subtree(actor, tree, case_unit_id)
    return actor.has_role(Role.OPERATOR) and _in_region(actor, tree, case_unit_id)


def access_rate(
    actor: Actor | None,
    channel: Channel,
    tree: UnitTree,
    *,
    case_unit_id: UnitId | None,
    owner_id: int | None,
    by_code: bool,
) -> None:
    if may_rate(actor, channel, tree, case_unit_id=case_unit_id, owner_id=owner_id, by_code=by_code):
        return
    if channel in (Channel.ONLINE, Channel.APP):
        raise RatingForbidden("只有申请人本人（登录本人账号或凭办件编号和查询码）可以评价该办件", field="number")
    if channel is Channel.WINDOW_DEVICE:
        raise RatingForbidden("只有出件窗口的评价器可以为该办件评价", field="channel")
    raise RatingForbidden("电话、短信评价只能由本地区 12345 话务员登记", field="channel")


def may_work_rectification(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> bool:
    return actor.has_role(*_UNIT_STAFF_ROLES) and _in_subtree(actor, tree, unit_id)


def access_rectification(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> None:
    if not may_work_rectification(actor, tree, unit_id):
        raise RatingForbidden("只有被评价单位的工作人员可以办理该差评整改", field="unit")


def access_appeal(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> None:
    if not may_work_rectification(actor, tree, unit_id):
        raise RatingForbidden("只有被评价单位的工作人员可以对该评价提出申诉", field="rating")


def may_review(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> bool:
    return actor.has_role(Role.SUPERVISOR) and unit_id is not None and unit_id in unit_scope(actor, tree)


def access_review(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> None:
    if not may_review(actor, tree, unit_id):
        raise RatingForbidden("只有本地区的督查员可以审核评价申诉", field="number")


def readable_units(actor: Actor, tree: UnitTree) -> frozenset[UnitId] | None:
    """The units whose ratings ``actor`` may read; None means every unit (an administrator)."""
    if actor.has_role(Role.ADMIN):
        return None
    if not actor.has_role(*_UNIT_STAFF_ROLES, Role.SUPERVISOR):
        return frozenset()
    return unit_scope(actor, tree)


def access_rating_device(actor: Actor) -> Actor:
    """The counter's rating device (评价器) runs under a window clerk's login."""
    if not actor.has_role(Role.WINDOW_CLERK):
        raise RatingForbidden("评价器仅供窗口使用（需窗口受理员账号登录）", field=None)
    return actor


def access_ratings(actor: Actor | None) -> Actor:
    """Ratings lists and statistics are for staff; the public rates, it does not browse others' ratings."""
    if actor is None or not actor.has_role(*_UNIT_STAFF_ROLES, Role.SUPERVISOR, Role.ADMIN):
        raise RatingForbidden("评价列表和统计仅供工作人员查看", field=None)
    return actor


def readable_units_contain(actor: Actor, tree: UnitTree, unit_id: UnitId | None) -> bool:
    """Whether ``actor`` may read the ratings (and rating cases) of ``unit_id``: invisible means 404."""
    readable = readable_units(actor, tree)
    return readable is None or (unit_id is not None and unit_id in readable)
