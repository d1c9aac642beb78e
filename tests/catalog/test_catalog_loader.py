"""The demo county's catalogue, its bundles, its version identity, and the loader's errors on bad files."""

from __future__ import annotations

from fractions import Fraction

import pytest

from onestop.catalog import CatalogError, ItemKind, MaterialForm, RejectRule, UnknownTarget, load_catalog, parse_catalog
from onestop.catalog.loader import DATA, read_files
from onestop.demo.county import UNITS
from onestop.worktime import Limit

CATALOG = load_catalog()


def test_the_demo_catalogue_is_large_enough_and_names_real_units() -> None:
    assert len(CATALOG.items) >= 30
    departments = {item.department for item in CATALOG.items.values()}
    assert len(departments) >= 8
    county_units = {code for code, *_ in UNITS}
    assert departments <= county_units, departments - county_units
    assert CATALOG.version == 1
    assert len(CATALOG.content_hash) == 64


def test_item_fields_are_kept_as_written() -> None:
    item = CATALOG.item("SCJ001")
    assert item.name == "企业设立登记"
    assert item.department == "SCJ"
    assert item.kind is ItemKind.COMMITTED
    assert item.statutory_limit == Limit.days(3)
    assert item.committed_limit == Limit.days(Fraction(1, 2))
    assert item.result_cert == "business_license"
    assert item.result_name == "营业执照"  # from the certificate type when the file gives none
    assert item.establishes_enterprise
    assert "市场主体登记管理条例" in item.legal_basis
    premises = item.material("premises_proof")
    assert premises is not None
    assert premises.deferrable
    assert premises.form is MaterialForm.COPY
    food = CATALOG.item("SCJ005")
    assert food.notify_commit
    layout = food.material("premises_layout")
    assert layout is not None
    assert layout.by_commitment
    licence = food.material("business_license")
    assert licence is not None
    assert licence.replaced_by == "business_license"
    immediate = CATALOG.item("SCJ004")
    assert immediate.kind is ItemKind.IMMEDIATE
    assert immediate.committed_limit == Limit.days(0)


def test_enterprise_start_up_bundle_and_its_half_day_variant() -> None:
    target = CATALOG.target("qykb")
    assert [i.code for i in target.items] == ["SCJ001", "GAJ001", "SWJ001", "RSJ001", "GJJ001", "YH001"]
    assert target.limit == Limit.days(1)
    assert target.departments == ("SCJ", "GAJ", "SWJ", "RSJ", "GJJ", "NSH")
    assert target.bundle is not None
    assert target.bundle.on_reject is RejectRule.KEY_ITEMS
    assert target.bundle.key_items == ("SCJ001",)
    express = CATALOG.target("qykb", "express")
    assert express.limit == Limit.days(Fraction(1, 2))
    assert len(express.items) == 6
    with pytest.raises(UnknownTarget) as caught:
        CATALOG.target("qykb", "slow")
    assert caught.value.field == "variant"
    assert "slow" in caught.value.message


def test_one_set_of_materials_for_a_bundle() -> None:
    materials = {m.code: m for m in CATALOG.materials_for(CATALOG.target("qykb"))}
    # The bundle itself issues the 营业执照 and the seal record, so nobody is asked to bring them.
    assert "business_license" not in materials
    assert "seal_record_proof" not in materials
    # Asked by two items (公章刻制: copy; 银行开户: original): once, as an original.
    assert materials["legal_rep_id"].form is MaterialForm.ORIGINAL
    # staff_roster is asked by 参保 and 公积金: once.
    assert list(materials).count("staff_roster") == 1
    assert materials["premises_proof"].deferrable
    # A single item still asks for the licence it needs.
    assert "business_license" in {m.code for m in CATALOG.materials_for(CATALOG.target("SCJ005"))}


def test_real_estate_bundle_has_general_and_mortgage_registration() -> None:
    full = CATALOG.target("bdcdj")
    assert [i.code for i in full.items] == ["SWJ002", "ZRZY001", "ZRZY002"]
    assert {i.result_cert for i in full.items} >= {"real_estate_certificate", "mortgage_certificate"}
    general = CATALOG.target("bdcdj", "general")
    assert [i.code for i in general.items] == ["SWJ002", "ZRZY001"]
    assert full.bundle is not None
    assert full.bundle.on_reject is RejectRule.STOP_ALL


def test_construction_project_has_four_sequential_stages() -> None:
    bundle = CATALOG.bundle("gcjs")
    assert [s.name for s in bundle.stages] == ["立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"]
    assert [s.lead for s in bundle.stages] == ["ZRZY", "ZRZY", "ZJJ", "ZJJ"]
    assert [s.limit for s in bundle.stages] == [Limit.days(15), Limit.days(15), Limit.days(10), Limit.days(10)]
    assert bundle.limit == Limit.days(50)  # the sum of the stages'
    # The planning permit of stage 1 proves the material stage 2 needs: not asked of the applicant.
    codes = {m.code for m in CATALOG.materials_for(CATALOG.target("gcjs"))}
    assert "land_planning_permit" not in codes
    assert "land_use_contract" in codes


def test_unknown_codes_are_named() -> None:
    with pytest.raises(UnknownTarget) as caught:
        CATALOG.target("XYZ999")
    assert caught.value.field == "item"
    assert "XYZ999" in caught.value.message
    with pytest.raises(UnknownTarget):
        CATALOG.item("qykb")


# -- version identity ----------------------------------------------------------------------------------------


def test_hash_ignores_formatting_but_not_meaning() -> None:
    files = read_files(DATA)
    same = dict(files)
    same["catalog.toml"] = "# 注释改动不改变内容\n" + files["catalog.toml"]
    assert parse_catalog(same).content_hash == CATALOG.content_hash
    changed = dict(files)
    changed["items/scj.toml"] = files["items/scj.toml"].replace('committed_limit = "0.5d"', 'committed_limit = "1d"', 1)
    assert changed["items/scj.toml"] != files["items/scj.toml"]
    assert parse_catalog(changed).content_hash != CATALOG.content_hash


# -- bad files -----------------------------------------------------------------------------------------------

META = 'version = 1\ntitle = "测试清单"\n'
MATERIALS = (
    '[material.form_a]\nname = "申请表"\n[material.licence]\nname = "营业执照"\nreplaced_by = "business_license"\n'
)
GOOD_ITEM = """
[[item]]
code = "ABC001"
name = "测试事项"
department = "ABC"
kind = "承诺件"
statutory_limit = "20d"
committed_limit = "5d"
legal_basis = "某条例"
  [[item.material]]
  code = "form_a"
  form = "原件"
"""


def _files(item: str = GOOD_ITEM, bundles: str = "", meta: str = META) -> dict[str, str]:
    out = {"catalog.toml": meta, "materials.toml": MATERIALS, "items/abc.toml": item}
    if bundles:
        out["bundles.toml"] = bundles
    return out


def test_a_small_good_catalogue_loads() -> None:
    catalog = parse_catalog(_files())
    assert list(catalog.items) == ["ABC001"]
    assert catalog.item("ABC001").materials[0].name == "申请表"


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        (GOOD_ITEM.replace('"5d"', '"30d"'), "committed_limit", "不能长于法定时限"),
        (GOOD_ITEM.replace('"5d"', '"五天"'), "committed_limit", "不是有效的期限"),
        (GOOD_ITEM.replace('code = "form_a"', 'code = "nothing"'), "code", "不在材料字典"),
        (GOOD_ITEM.replace('"ABC001"', '"abc-1"'), "code", "格式不正确"),
        (GOOD_ITEM.replace("committed_limit", "comitted_limit"), "comitted_limit", "不是可用的字段"),
        (GOOD_ITEM.replace('kind = "承诺件"', 'kind = "急件"'), "kind", "取值无效"),
        (GOOD_ITEM.replace('kind = "承诺件"', 'kind = "即办件"'), "committed_limit", "即办件"),
        (GOOD_ITEM.replace('form = "原件"', 'form = "原件"\n  by_commitment = true'), "by_commitment", "告知承诺"),
        (
            GOOD_ITEM.replace('legal_basis = "某条例"\n', 'legal_basis = "某条例"\nresult = "passport"\n'),
            "result",
            "电子证照类型",
        ),
        (GOOD_ITEM.replace('legal_basis = "某条例"\n', ""), "legal_basis", "缺失"),
    ],
)
def test_bad_items_name_file_and_field(item: str, field: str, words: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_files(item))
    assert caught.value.field == f"items/abc.toml:{field}"
    assert "items/abc.toml" in caught.value.message
    assert f"「{field}」" in caught.value.message
    assert words in caught.value.message
    assert "ABC001" in caught.value.message or field == "code"


def test_bad_toml_and_bad_meta() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_files(item="[[item]\ncode ="))
    assert "items/abc.toml" in caught.value.message
    assert "TOML" in caught.value.message
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_files(meta='version = 0\ntitle = "x"\n'))
    assert caught.value.field == "catalog.toml:version"


def test_duplicate_items_across_files() -> None:
    files = _files()
    files["items/other.toml"] = GOOD_ITEM
    with pytest.raises(CatalogError) as caught:
        parse_catalog(files)
    assert "ABC001" in caught.value.message
    assert "重复" in caught.value.message


SECOND = GOOD_ITEM.replace("ABC001", "ABC002")


@pytest.mark.parametrize(
    ("bundle", "field", "words"),
    [
        (
            '[[bundle]]\ncode = "b"\nname = "x"\nitems = ["ABC001", "ABC009"]\nlimit = "1d"\non_reject = "stop_all"\n',
            "items",
            "ABC009",
        ),
        (
            '[[bundle]]\ncode = "b"\nname = "x"\nitems = ["ABC001"]\nlimit = "1d"\non_reject = "stop_all"\n',
            "items",
            "至少包含两个",
        ),
        (
            '[[bundle]]\ncode = "b"\nname = "x"\nitems = ["ABC001", "ABC002"]\nlimit = "1d"\non_reject = "key_items"\n',
            "key_items",
            "关键事项",
        ),
        (
            '[[bundle]]\ncode = "b"\nname = "x"\nitems = ["ABC001", "ABC002"]\non_reject = "stop_all"\n'
            '[[bundle.stage]]\ncode = "s"\nname = "一"\nlead = "ABC"\nlimit = "5d"\nitems = ["ABC001"]\n',
            "stage",
            "全部事项",
        ),
        (
            '[[bundle]]\ncode = "b"\nname = "x"\nitems = ["ABC001", "ABC002"]\non_reject = "stop_all"\n'
            '[[bundle.stage]]\ncode = "s"\nname = "一"\nlead = "ZZZ"\nlimit = "5d"\nitems = ["ABC001", "ABC002"]\n',
            "lead",
            "牵头部门",
        ),
    ],
)
def test_bad_bundles_name_the_field(bundle: str, field: str, words: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_files(item=GOOD_ITEM + SECOND, bundles=bundle))
    assert caught.value.field == f"bundles.toml:{field}"
    assert words in caught.value.message
