from __future__ import annotations

import pytest

from onestop.choices import InvalidChoice
from onestop.org import InvalidIdentifier, InvalidOrgData, Unit, UnitKind, UnitNotFound, UnitTree

REGION, DEPT, TOWN, CENTER, UTILITY = (
    UnitKind.REGION,
    UnitKind.DEPARTMENT,
    UnitKind.TOWN,
    UnitKind.CENTER,
    UnitKind.UTILITY,
)

UNITS = [
    Unit(1, "URUMQI", "乌鲁木齐市", REGION, None, "650100"),
    Unit(2, "TS", "天山区", REGION, 1, "650102"),
    Unit(3, "TS-SCJ", "天山区市场监管局", DEPT, 2, duties="市场主体登记、食品安全监管"),
    Unit(4, "TS-SCJ-DJK", "登记注册科", DEPT, 3),
    Unit(5, "TS-ZWZX", "天山区政务服务中心", CENTER, 2),
    Unit(6, "TS-JFL", "解放南路街道", TOWN, 2),
    Unit(7, "SYBK", "沙依巴克区", REGION, 1, "650103"),
    Unit(8, "SYBK-RSJ", "沙依巴克区人社局", DEPT, 7),
    Unit(9, "WATER", "乌鲁木齐水务集团", UTILITY, 1),
    Unit(10, "LOOSE", "未挂靠单位", DEPT),
]


@pytest.fixture
def tree() -> UnitTree:
    return UnitTree(UNITS)


def _ids(units: tuple[Unit, ...]) -> list[int]:
    return [unit.id for unit in units]


def test_lookup(tree: UnitTree) -> None:
    assert len(tree) == 10
    assert 3 in tree
    assert 99 not in tree
    assert tree.get(3).name == "天山区市场监管局"
    assert tree.by_code("TS-SCJ").id == 3
    with pytest.raises(UnitNotFound) as caught:
        tree.get(99)
    assert caught.value.status == 404
    assert caught.value.message == "单位 99 不存在"
    with pytest.raises(UnitNotFound):
        tree.by_code("NOPE")


def test_iteration_is_depth_first_in_given_order(tree: UnitTree) -> None:
    assert [unit.id for unit in tree] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_roots_children_descendants(tree: UnitTree) -> None:
    assert _ids(tree.roots()) == [1, 10]
    assert _ids(tree.children(2)) == [3, 5, 6]
    assert _ids(tree.children(4)) == []
    assert _ids(tree.descendants(2)) == [3, 4, 5, 6]
    assert _ids(tree.descendants(1)) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert _ids(tree.descendants(10)) == []


def test_ancestors_and_path(tree: UnitTree) -> None:
    assert _ids(tree.ancestors(4)) == [3, 2, 1]
    assert _ids(tree.ancestors(1)) == []
    assert [unit.name for unit in tree.path(4)] == ["乌鲁木齐市", "天山区", "天山区市场监管局", "登记注册科"]


def test_is_within(tree: UnitTree) -> None:
    assert tree.is_within(4, 2)
    assert tree.is_within(4, 4)
    assert tree.is_within(8, 1)
    assert not tree.is_within(8, 2)
    assert not tree.is_within(2, 4)
    assert not tree.is_within(10, 1)
    with pytest.raises(UnitNotFound):
        tree.is_within(4, 99)
    with pytest.raises(UnitNotFound):
        tree.is_within(99, 4)


def test_subtree_ids(tree: UnitTree) -> None:
    assert tree.subtree_ids(3) == {3, 4}
    assert tree.subtree_ids(4) == {4}


def test_region_of_is_inherited(tree: UnitTree) -> None:
    assert tree.region_of(2) == "650102"
    assert tree.region_of(4) == "650102"
    assert tree.region_of(8) == "650103"
    assert tree.region_of(9) == "650100"
    assert tree.region_of(10) is None


def test_units_in_region(tree: UnitTree) -> None:
    assert tree.units_in_region("650102") == {2, 3, 4, 5, 6}
    assert tree.units_in_region("650100") == {1, 2, 3, 4, 5, 6, 7, 8, 9}
    assert tree.units_in_region("650000") == {1, 2, 3, 4, 5, 6, 7, 8, 9}
    assert tree.units_in_region("110101") == frozenset()


def test_unit_normalises_and_accepts_plain_strings() -> None:
    unit = Unit(1, " TS ", " 天山区 ", "region", region_code="６５０１０２")  # type: ignore[arg-type]
    assert (unit.code, unit.name, unit.kind, unit.region_code) == ("TS", "天山区", UnitKind.REGION, "650102")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"code": " "}, InvalidOrgData, "单位代码“ ”无效：不能为空或含空格"),
        ({"code": "A B"}, InvalidOrgData, "单位代码“A B”无效：不能为空或含空格"),
        ({"name": ""}, InvalidOrgData, "单位名称不能为空"),
        ({"parent_id": 1}, InvalidOrgData, "单位“某局”不能以自身为上级单位"),
        ({"kind": "ministry"}, InvalidChoice, None),
        ({"kind": UnitKind.REGION}, InvalidOrgData, "行政区“某局”须填写行政区划代码"),
        ({"region_code": "6501"}, InvalidIdentifier, None),
    ],
)
def test_unit_validation(kwargs: dict[str, object], error: type[Exception], message: str | None) -> None:
    fields: dict[str, object] = {"id": 1, "code": "X", "name": "某局", "kind": UnitKind.DEPARTMENT, **kwargs}
    with pytest.raises(error) as caught:
        Unit(**fields)  # type: ignore[arg-type]
    if message is not None:
        assert str(caught.value) == message


def test_duplicate_id_or_code() -> None:
    with pytest.raises(InvalidOrgData, match="单位编号 1 重复"):
        UnitTree([Unit(1, "A", "甲", DEPT), Unit(1, "B", "乙", DEPT)])
    with pytest.raises(InvalidOrgData, match="单位代码“A”重复"):
        UnitTree([Unit(1, "A", "甲", DEPT), Unit(2, "A", "乙", DEPT)])


def test_unknown_parent() -> None:
    with pytest.raises(InvalidOrgData, match="上级单位 7 不存在"):
        UnitTree([Unit(1, "A", "甲", DEPT, 7)])


def test_cycle() -> None:
    with pytest.raises(InvalidOrgData, match="成环") as caught:
        UnitTree([Unit(1, "R", "根", DEPT), Unit(2, "A", "甲", DEPT, 3), Unit(3, "B", "乙", DEPT, 2)])
    assert caught.value.field == "parent_id"


def test_child_region_must_lie_in_parents_region() -> None:
    with pytest.raises(InvalidOrgData, match="110101 不在上级单位的区划 650100 内"):
        UnitTree([Unit(1, "U", "乌鲁木齐市", REGION, None, "650100"), Unit(2, "D", "东城区", REGION, 1, "110101")])


def test_deep_tree_needs_no_recursion() -> None:
    depth = 5000
    chain = [Unit(1, "U1", "单位1", DEPT)] + [Unit(i, f"U{i}", f"单位{i}", DEPT, i - 1) for i in range(2, depth + 1)]
    tree = UnitTree(chain)
    assert len(tree.descendants(1)) == depth - 1
    assert len(tree.ancestors(depth)) == depth - 1
    assert tree.is_within(depth, 1)


def test_empty_tree() -> None:
    tree = UnitTree([])
    assert len(tree) == 0
    assert tree.roots() == ()
