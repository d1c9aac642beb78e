"""The handling unit named in an official reply (weak labels from message boards)."""

from __future__ import annotations

import pytest

from onestop.hotline.routing import ReplyUnitExtractor


@pytest.fixture(scope="module")
def extractor() -> ReplyUnitExtractor:
    return ReplyUnitExtractor()


@pytest.mark.parametrize(
    ("reply", "post", "unit"),
    [
        ("网友您好！您反映的问题已转市商务局调查、核处。", "投诉L市迎丰市场收费涨价", "L市商务局"),
        ("针对您反映的问题，A3区洋湖街道高度重视，立即组织调查。", "A3区洋湖路段卫生差", "A3区洋湖街道"),
        ("经A5区教育局、黎托街道核实，该园已完工。感谢您的支持！", "A5区东澜湾小区幼儿园", "A5区教育局"),
        ("现回复如下：……特此回复。J7县教育局 2019年5月27日", "反映J7县教辅资料问题", "J7县教育局"),
        ("您反映的问题已转交至茅渡乡调查办复。", "请求解决茅渡乡村道硬化", "茅渡乡"),
        ("区住建局高度重视，现回复如下：已责成开发商整改。", "A3区某小区电梯问题", "A3区住建局"),
    ],
)
def test_reply_names_the_unit(extractor: ReplyUnitExtractor, reply: str, post: str, unit: str) -> None:
    assert extractor.extract(reply, post) == unit


@pytest.mark.parametrize(
    "reply",
    [
        "网友：您好！留言已收悉",
        "我局高度重视，立即派人核查。",
        "您反映的问题已转相关部门处理。",
        "您对我乡工作的意见已收悉。",
    ],
)
def test_reply_without_a_unit_gives_no_label(extractor: ReplyUnitExtractor, reply: str) -> None:
    assert extractor.extract(reply, "某某请求") is None
