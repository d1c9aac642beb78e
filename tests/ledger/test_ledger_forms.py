"""The parser on plans of our own in forms the seeds do not use, and its parts one by one."""

from __future__ import annotations

from datetime import date

import pytest

from onestop.ledger import parse_text
from onestop.ledger.attribution import find_attributions, parse_unkeyed
from onestop.ledger.deadlines import ONGOING, is_deadline_phrase, parse_deadline
from onestop.ledger.targets import find_targets
from onestop.ledger.text import normalise_line
from onestop.ledger.unitnames import clean_unit, is_collective, normalise_units, split_units
from tests.ledger.plans import PLAN_A, PLAN_B, PLAN_C


def _row(task: object) -> tuple[object, ...]:
    t = task
    return (t.number, t.lead_units, t.cooperating_units, t.responsible_units, t.deadline)  # type: ignore[attr-defined]


def test_plan_a_unkeyed_and_section_brackets() -> None:
    plan = parse_text(PLAN_A)
    assert plan.title == "某市2023年优化营商环境攻坚行动方案"
    assert [_row(t) for t in plan.tasks] == [
        ("1.", ["市市场监管局", "市政务服务局"], [], ["市公安局", "市税务局"], "2023-06-30"),
        ("2.", ["市市场监管局"], ["市直有关部门"], [], "2023-10-31"),
        ("(二)", ["市自然资源局"], ["市税务局", "市住建局"], [], "2023-09-30"),
        ("(三)", [], [], ["市税务局"], ONGOING),
    ]
    first, _, section, tax = plan.tasks
    assert first.deadline_text == "6月底完成"
    assert [t.to_json() for t in first.targets] == [
        {"metric": "企业开办时间", "comparator": "<=", "value": 1, "unit": "工作日"},
        {"metric": "申请材料", "comparator": "<=", "value": 5, "unit": "件"},
    ]
    # the bracket on the section heading covers its sub-items
    assert (
        section.text
        == "提升不动产登记效率。\n1.一般登记、抵押登记业务办理时间压缩至3个工作日。\n2.推行不动产登记“全城通办”。"
    )
    assert section.title == "提升不动产登记效率"
    assert tax.path == ["一、重点任务"]
    # 二、保障措施 mentions 牵头单位 inside brackets, in prose: no task
    assert all(t.path[:1] != ["二、保障措施"] and t.number != "二、" for t in plan.tasks)


def test_plan_b_field_lines_circled_items_and_chinese_numerals() -> None:
    plan = parse_text(PLAN_B)
    assert (plan.title, plan.issuer, plan.date) == (
        "XX县2022年“放管服”改革工作要点",
        "XX县人民政府办公室",
        "2022-03-01",
    )
    assert [_row(t) for t in plan.tasks] == [
        ("(1)", ["县司法局"], ["县直各部门"], [], "2022-12-31"),
        ("(2)", ["县政务服务中心"], ["县人社局", "县医保局"], [], "2022-10-31"),
        ("2、", [], [], ["县12345热线中心"], ONGOING),
    ]
    hotline = plan.tasks[2]
    assert hotline.leader == "李明副县长"
    assert hotline.deadline_text == "每月"
    assert "完成时间" not in plan.tasks[0].text  # field lines are the attribution, not the task's text
    assert {(t.metric, t.value) for t in hotline.targets} == {("热线接通率", 95), ("办结率", 97), ("满意率", 92)}


def test_plan_c_split_paragraph_deadline_after_bracket_and_next_year() -> None:
    plan = parse_text(PLAN_C)
    assert plan.title == "关于进一步压减涉企审批时限的若干措施"
    assert [_row(t) for t in plan.tasks] == [
        ("一、", ["区住建局"], [], [], None),
        ("一、", ["区自然资源局"], ["区住建局"], [], None),
        ("1.", ["区营商办"], [], [], "2022-03-31"),  # issued 2021-10-08: "3月底前" is next March
        ("2.", ["区委组织部", "区营商办"], ["各街道(镇)", "区直各有关单位"], [], None),
    ]
    assert plan.tasks[1].text == "社会投资低风险项目审批时间压缩至15个工作日"
    assert plan.tasks[2].deadline_text == "3月底前完成"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年12月底", "2021-12-31"),
        ("2021 年 5 月底 ", "2021-05-31"),
        ("2022年10月底前", "2022-10-31"),
        ("6月底完成", "2022-06-30"),
        ("2022年底", "2022-12-31"),
        ("年底前", "2022-12-31"),
        ("上半年", "2022-06-30"),
        ("2022年第三季度", "2022-09-30"),
        ("9月中旬", "2022-09-20"),
        ("2022年6月30日", "2022-06-30"),
        ("二〇二二年十月底", "2022-10-31"),
        ("2021—2023年", "2023-12-31"),
        ("长期坚持", ONGOING),
        ("长 期推进", ONGOING),
        ("持续推进", ONGOING),
        ("2020年8月底,长期推进", ["2020-08-31", ONGOING]),
        ("", None),
        ("按要求", None),
    ],
)
def test_deadlines(text: str, expected: object) -> None:
    assert parse_deadline(normalise_line(text), year=2022) == expected


def test_month_only_deadline_without_a_year_rolls_past_the_issue_date() -> None:
    assert parse_deadline("6月底", issued=date(2022, 9, 15)) == "2023-06-30"
    assert parse_deadline("12月底", issued=date(2022, 9, 15)) == "2022-12-31"
    assert parse_deadline("6月底") is None  # no year to take it from


def test_deadline_phrases() -> None:
    assert is_deadline_phrase("2022年底前完成")
    assert is_deadline_phrase("6月底完成")
    assert is_deadline_phrase("长期坚持")
    assert not is_deadline_phrase("力争到2022年底逐步压缩审批时限至30-60个工作日")
    assert not is_deadline_phrase("力争8月份完成一期项目施工")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("州公安局、司法局,各县(市、区)", ["州公安局", "司法局", "各县(市、区)"]),
        ("自然资源局(不动产登记局)、住建局", ["自然资源局(不动产登记局)", "住建局"]),
        ("市协作办〔招商局〕、市国资委", ["市协作办〔招商局〕", "市国资委"]),
        ("发改委、供电分局等", ["发改委", "供电分局"]),
        ("政务服务和公共资源交易中心等单位", ["政务服务和公共资源交易中心"]),
        ("县自然资源局等行政审批服务部门", ["县自然资源局"]),
        ("水气暖通讯等企业", ["水气暖通讯等企业"]),
        ("区直各 有 关 部 门", ["区直各有关部门"]),
    ],
)
def test_unit_lists(text: str, expected: list[str]) -> None:
    assert split_units(normalise_line(text)) == expected


def test_shared_prefix_and_suffix() -> None:
    assert normalise_units("州党委网信办,州公安局、司法局、人社局,各县市人民政府") == [
        "州党委网信办",
        "州公安局",
        "州司法局",
        "州人社局",
        "各县市人民政府",
    ]
    assert normalise_units("州水利局,库尔勒市、尉犁县人民政府") == ["州水利局", "库尔勒市人民政府", "尉犁县人民政府"]
    # central agencies and names with their own place keep their names
    assert normalise_units("州金融服务中心、人民银行巴州中心支行、银保监局巴音郭楞监管分局") == [
        "州金融服务中心",
        "人民银行巴州中心支行",
        "银保监局巴音郭楞监管分局",
    ]
    # 市场监管局 does not start with the prefix 市
    assert normalise_units("州行政服务中心、市场监管局") == ["州行政服务中心", "州市场监管局"]
    assert clean_unit(" 住建局 ") == "住建局"


def test_collective_names() -> None:
    for name in ("各县市人民政府", "州直各有关部门", "市级相关部门", "县直相关部门", "驻会有关单位", "各县〔市、区〕"):
        assert is_collective(name), name
    for name in ("州司法局", "太阳庙农场", "市场监管分局"):
        assert not is_collective(name), name


@pytest.mark.parametrize(
    "text",
    [
        "(由市监局牵头设立综合受理窗口进行统一接件)",
        "(各牵头单位要加强协调)",
        "(牵头单位要定期报送进展情况)",
        "(不含用户自建工程)",
        "(2020年版)",
        "(即1个工作日办结)",
    ],
)
def test_brackets_that_are_not_attributions(text: str) -> None:
    assert find_attributions(text) == []


def test_unkeyed_attributions() -> None:
    found = parse_unkeyed("市发展改革委、市财政局牵头,市直有关部门按职责分工负责,2022年底前完成")
    assert found is not None
    assert (found.lead, found.responsible, found.deadline_text) == (
        ["市发展改革委", "市财政局"],
        ["市直有关部门"],
        "2022年底前完成",
    )
    found = parse_unkeyed("区自然资源局牵头,区住建局配合")
    assert found is not None
    assert found.cooperating == ["区住建局"]
    assert parse_unkeyed("国家发展改革委负责") is not None
    assert parse_unkeyed("市场主体满意度提升") is None


def test_keyed_attribution_with_comma_between_fields() -> None:
    (found,) = find_attributions("(牵头单位:税务局,责任单位:市场监管分局、社保局;完成时限:2020年8月底,长期推进)")
    assert found.lead == ["税务局"]
    assert found.responsible == ["市场监管分局", "社保局"]
    assert found.deadline_text == "2020年8月底,长期推进"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("压缩至30个工作日", ("", "<=", 30, "工作日")),
        ("设立登记0.5个工作日内办结", ("设立登记", "<=", 0.5, "工作日")),
        ("办结率达到97%以上", ("办结率", ">=", 97, "%")),
        ("申请材料不超过8件", ("申请材料", "<=", 8, "件")),
        ("环节压缩为2个", ("环节", "<=", 2, "个")),
        ("审批环节减少到三个", ("审批环节", "<=", 3, "个")),
        ("接电时间压缩至两个工作日", ("接电时间", "<=", 2, "工作日")),
        ("办理时限压缩30%", ("办理时限", "reduce_by", 30, "%")),
        ("贷款利率低于5%", ("贷款利率", "<", 5, "%")),
    ],
)
def test_targets(text: str, expected: tuple[object, ...]) -> None:
    targets = find_targets(text)
    assert targets, text
    t = targets[0]
    metric, comparator, value, unit = expected
    assert (t.comparator, t.value, t.unit) == (comparator, value, unit)
    if metric:
        assert t.metric == metric


def test_full_width_and_spaces() -> None:
    assert (
        normalise_line("（牵 头单位：财金 局；完成 时限：2021 年 12 月底）")
        == "(牵头单位:财金局;完成时限:2021年12月底)"
    )
    assert normalise_line("Open 311 接口") == "Open 311接口"


def test_plan_d_parenthesis_items_and_space_separated_fields() -> None:
    from tests.ledger.plans import PLAN_D

    plan = parse_text(PLAN_D)
    assert [_row(t) for t in plan.tasks] == [
        ("1)", ["县政务服务中心"], ["县直各部门"], [], "2024-06-30"),
        ("2)", [], [], ["各乡镇人民政府", "县直有关部门"], "2024-12-31"),
        ("二、", ["县司法局"], ["县法院", "县检察院"], [], ["2024-12-31", ONGOING]),
    ]
    assert plan.tasks[2].title == "优化法治环境"
    assert plan.tasks[2].deadline_text == "2024年底前完成并长期坚持"
