"""Units (单位) and the tree they form: a region, its departments, towns, utilities and service centers.

Case ownership and permission scope are questions about this tree (is this unit inside that one? which region
does it belong to?), so the tree is a pure value built once from the unit rows and asked many times.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from onestop.choices import ChoiceSet
from onestop.org.errors import InvalidOrgData, UnitNotFound
from onestop.org.regions import region_contains, validate_region_code

UnitId = int


class UnitKind(ChoiceSet, verbose_name="单位类型"):
    REGION = "region", "行政区", "indigo"
    DEPARTMENT = "department", "部门", "blue"
    TOWN = "town", "乡镇（街道）", "teal"
    UTILITY = "utility", "公共服务企业", "orange"
    CENTER = "center", "政务服务中心", "green"


@dataclass(frozen=True, slots=True)
class Unit:
    id: UnitId
    code: str  # short stable code used in case numbers and imports, e.g. "SCJ"
    name: str
    kind: UnitKind
    parent_id: UnitId | None = None
    # Only where the unit starts a region of its own; other units take their nearest ancestor's (region_of).
    region_code: str | None = None
    duties: str = ""  # 职责: what the unit handles, read by dispatch and shown to operators

    def __post_init__(self) -> None:
        code = self.code.strip()
        name = self.name.strip()
        if not code or any(char.isspace() for char in code):
            raise InvalidOrgData(f"单位代码“{self.code}”无效：不能为空或含空格", field="code")
        if not name:
            raise InvalidOrgData("单位名称不能为空", field="name")
        if self.parent_id == self.id:
            raise InvalidOrgData(f"单位“{name}”不能以自身为上级单位", field="parent_id")
        # Rows from the database or an import arrive with plain strings.
        kind = UnitKind.parse(self.kind, field="kind")
        region_code = None if self.region_code is None else validate_region_code(self.region_code)
        if kind is UnitKind.REGION and region_code is None:
            raise InvalidOrgData(f"行政区“{name}”须填写行政区划代码", field="region_code")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "region_code", region_code)


class UnitTree:
    """The units of one deployment as a forest; every query is by unit id and raises ``UnitNotFound``."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[UnitId, Unit] = {}
        self._by_code: dict[str, Unit] = {}
        self._children: dict[UnitId | None, list[Unit]] = {}
        for unit in units:
            if unit.id in self._units:
                raise InvalidOrgData(f"单位编号 {unit.id} 重复", field="id")
            if unit.code in self._by_code:
                raise InvalidOrgData(f"单位代码“{unit.code}”重复", field="code")
            self._units[unit.id] = unit
            self._by_code[unit.code] = unit
            self._children.setdefault(unit.parent_id, []).append(unit)
        for unit in self._units.values():
            if unit.parent_id is not None and unit.parent_id not in self._units:
                raise InvalidOrgData(f"单位“{unit.name}”的上级单位 {unit.parent_id} 不存在", field="parent_id")
        self._check_acyclic()
        # Parents come before children in iteration order, so each unit's region is known from its parent's.
        self._regions: dict[UnitId, str | None] = {}
        for unit in self:
            inherited = None if unit.parent_id is None else self._regions[unit.parent_id]
            self._regions[unit.id] = unit.region_code or inherited
        self._check_regions_nest()

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        """Units depth-first from the roots, siblings in the order given."""
        for root in self.roots():
            yield root
            yield from self.descendants(root.id)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def get(self, unit_id: UnitId) -> Unit:
        try:
            return self._units[unit_id]
        except KeyError:
            raise UnitNotFound(f"单位 {unit_id} 不存在", field="unit_id") from None

    def by_code(self, code: str) -> Unit:
        try:
            return self._by_code[code.strip()]
        except KeyError:
            raise UnitNotFound(f"单位代码“{code}”不存在", field="unit_code") from None

    def roots(self) -> tuple[Unit, ...]:
        return tuple(self._children.get(None, ()))

    def children(self, unit_id: UnitId) -> tuple[Unit, ...]:
        self.get(unit_id)
        return tuple(self._children.get(unit_id, ()))

    def descendants(self, unit_id: UnitId) -> tuple[Unit, ...]:
        """Every unit below ``unit_id`` (itself excluded), depth-first, siblings in the order given."""
        self.get(unit_id)
        found: list[Unit] = []
        # An explicit stack: a deep imported tree must not hit the recursion limit.
        stack = list(reversed(self._children.get(unit_id, ())))
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(reversed(self._children.get(unit.id, ())))
        return tuple(found)

    def ancestors(self, unit_id: UnitId) -> tuple[Unit, ...]:
        """The units above ``unit_id``, nearest first (parent, grandparent, …, root)."""
        found: list[Unit] = []
        parent_id = self.get(unit_id).parent_id
        while parent_id is not None:
            parent = self._units[parent_id]
            found.append(parent)
            parent_id = parent.parent_id
        return tuple(found)

    def path(self, unit_id: UnitId) -> tuple[Unit, ...]:
        """Root first, ending with the unit itself: what a breadcrumb shows."""
        return (*reversed(self.ancestors(unit_id)), self.get(unit_id))

    def is_within(self, unit_id: UnitId, ancestor_id: UnitId) -> bool:
        """Whether ``unit_id`` is ``ancestor_id`` or lies below it."""
        self.get(ancestor_id)
        return unit_id == ancestor_id or any(unit.id == ancestor_id for unit in self.ancestors(unit_id))

    def subtree_ids(self, unit_id: UnitId) -> frozenset[UnitId]:
        """``unit_id`` and every unit below it: what a department's staff may see."""
        return frozenset({unit_id, *(unit.id for unit in self.descendants(unit_id))})

    def region_of(self, unit_id: UnitId) -> str | None:
        """The region code of the unit or of its nearest ancestor that has one; None if none has."""
        self.get(unit_id)
        return self._regions[unit_id]

    def units_in_region(self, region_code: str) -> frozenset[UnitId]:
        """Every unit whose region lies within ``region_code``: what a supervisor of that region may see."""
        code = validate_region_code(region_code)
        return frozenset(
            unit_id
            for unit_id, unit_region in self._regions.items()
            if unit_region is not None and region_contains(code, unit_region)
        )

    def _check_acyclic(self) -> None:
        # Every unit reachable from a root is on no cycle; any unit left over is (or hangs below) one.
        reached = {unit.id for root in self.roots() for unit in (root, *self.descendants(root.id))}
        stranded = [unit for unit in self._units.values() if unit.id not in reached]
        if stranded:
            names = "、".join(unit.name for unit in stranded[:5])
            raise InvalidOrgData(f"单位上下级关系成环：{names}", field="parent_id")

    def _check_regions_nest(self) -> None:
        # A county department registered under another province's code would silently escape that province's
        # supervisors, so a unit's own region must lie inside its parent's.
        for unit in self._units.values():
            if unit.region_code is None or unit.parent_id is None:
                continue
            outer = self._regions[unit.parent_id]
            if outer is not None and not region_contains(outer, unit.region_code):
                raise InvalidOrgData(
                    f"单位“{unit.name}”的行政区划代码 {unit.region_code} 不在上级单位的区划 {outer} 内",
                    field="region_code",
                )
