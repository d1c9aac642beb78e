"""Intake: bad input refused whole with Chinese messages; duplicates proposed and merged; 直接答复 from the
knowledge base."""

from __future__ import annotations

import pytest

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.db.tables import case_submissions, cases, hotline_requests, parties
from onestop.hotline.access import AccessDenied
from onestop.hotline.intake import RequestInvalid
from onestop.hotline.kinds import Channel
from onestop.hotline.rules import HotlineError
from onestop.org.synthetic import make_resident_id
from tests.hotline.hotline_helpers import HotlineCounty, complaint, count_rows


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"text": "  "}, "text", "请填写「诉求内容」"),
        ({"phone": "1380013800"}, "phone", "联系电话"),
        ({"phone": "12345"}, "phone", "联系电话长度错误"),
        ({"id_number": "441624199005170010"}, "id_number", "身份证号校验位错误"),
        ({"category": "rant"}, "category", "诉求类型无效"),
        ({"urgency": "asap"}, "urgency", "紧急程度无效"),
        ({"requester_name": ""}, "requester_name", "匿名"),
        ({"lat": "91", "long": "114"}, "lat", "超出范围"),
        ({"attachments": ["ftp://x"]}, "attachments", "http(s)"),
    ],
)
def test_bad_input_names_the_field_in_chinese_and_writes_nothing(
    hc: HotlineCounty, change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(RequestInvalid) as err:
        hl.register_request(hc.rt, hc.operator, complaint(**change), channel=Channel.PHONE)
    assert field in err.value.errors
    assert words in err.value.errors[field]
    assert err.value.status == 422
    for table in (cases, hotline_requests, case_submissions, parties):
        assert count_rows(hc.rt.engine, table) == 0


def test_every_wrong_field_is_named_at_once(hc: HotlineCounty) -> None:
    with pytest.raises(RequestInvalid) as err:
        hl.register_request(hc.rt, hc.operator, complaint(text="", phone="abc", category="x"), channel=Channel.WEB)
    assert set(err.value.errors) == {"text", "phone", "category"}


def test_unknown_unit_is_refused(hc: HotlineCounty) -> None:
    number = hl.register_request(hc.rt, hc.operator, complaint(), channel=Channel.PHONE).case.number
    with pytest.raises(HotlineError) as err:
        hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(9999))
    assert err.value.field == "lead_unit_id"
    assert err.value.message == "单位 9999 不存在"
    with pytest.raises(HotlineError) as center:
        hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.center.id))
    assert "不是承办单位" in center.value.message
    assert hl.get_request(hc.rt, hc.operator, number).case.state == "registered"


def test_an_id_number_makes_a_party_and_anonymity_hides_the_name(hc: HotlineCounty) -> None:
    pid = make_resident_id("441624", __import__("datetime").date(1985, 1, 2), 7)
    reg = hl.register_request(hc.rt, hc.operator, complaint(id_number=pid, anonymous="是"), channel=Channel.PHONE)
    assert reg.case.party_id is not None
    assert reg.case.payload["applicant"] == "匿名"
    row = hl.get_request(hc.rt, hc.operator, reg.case.number)
    assert row.anonymous
    assert row.phone == "138****8001"
    assert len(reg.code) >= 6


def test_same_place_similar_text_is_proposed_and_merged_and_shares_the_reply(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    first = hl.register_request(rt, op, complaint(), channel=Channel.PHONE)
    assert first.duplicates == []
    second = hl.register_request(
        rt,
        op,
        complaint(
            requester_name="李四",
            phone="13900139002",
            address="阳明镇东风路12号附近",
            text="东风路12号楼下的烧烤店油烟很大、噪音扰民，每晚到凌晨，希望有关部门尽快处理。",
        ),
        channel=Channel.WEB,
    )
    (match,) = second.duplicates
    assert match.case_number == first.case.number
    assert match.reason == "同一地点"
    assert match.score >= 0.35
    unrelated = hl.register_request(
        rt, op, complaint(phone="13700137003", text="东风路12号门前路灯不亮已经一周了。"), channel=Channel.WEB
    )
    assert unrelated.duplicates == []  # same place, another matter

    merged = hl.merge(rt, op, second.case.number, master=first.case.number)
    assert merged.state == "merged"
    assert merged.payload["master"] == first.case.number
    with pytest.raises(HotlineError):
        hl.merge(rt, op, unrelated.case.number, master=second.case.number)  # a merged request is no master

    number = first.case.number
    hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id))
    hl.accept(rt, hc.handlers["SCJ"], number)
    hl.reply(rt, hc.handlers["SCJ"], number, text="已查处，责令整改。")
    hl.review_reply(rt, op, number, approve=True)
    follower = hl.get_request(rt, op, second.case.number).case
    assert follower.state == "visiting"
    assert follower.payload["reply"] == "已查处，责令整改。"
    # Each requester is visited on their own; an unsatisfied merged requester goes to review, not 重办.
    assert hl.return_visit(rt, op, follower.number, result="unsatisfied", solved=False).state == "review"
    assert hl.return_visit(rt, op, number, result="basic", solved=True).state == "closed"


def test_same_requester_needs_less_likeness(hc: HotlineCounty) -> None:
    first = hl.register_request(hc.rt, hc.operator, complaint(address=""), channel=Channel.PHONE)
    again = hl.register_request(
        hc.rt,
        hc.operator,
        complaint(address="", text="我上周反映的烧烤店油烟问题还没人处理，晚上照样营业到两点。"),
        channel=Channel.PHONE,
    )
    assert [m.case_number for m in again.duplicates] == [first.case.number]
    assert again.duplicates[0].reason == "同一诉求人"


def test_knowledge_base_answers_a_consultation_on_the_spot(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    entry = kb.add_entry(
        rt,
        op,
        question="个体工商户营业执照怎么办理？",
        answer="携带身份证到县政务服务中心市场监管窗口办理，或在网上办事大厅申请，一般3个工作日内办结。",
        keywords=["营业执照", "个体户"],
        unit_id=hc.units["SCJ"].id,
        category="consult",
    )
    kb.add_entry(rt, op, question="公积金如何提取？", answer="持身份证和购房合同到公积金管理部办理。")
    (hit, *rest) = kb.search(rt, "我想开个小店，营业执照去哪办")
    assert hit.entry.id == entry.id
    assert "营业执照" in hit.matched
    assert all(h.entry.id != entry.id for h in rest)
    number = hl.register_request(
        rt, op, complaint(category="consult", text="请问个体户营业执照在哪里办理？"), channel=Channel.PHONE
    ).case.number
    case = hl.direct_answer(rt, op, number, reply_text="", kb_entry_id=entry.id)
    assert case.state == "closed"
    assert case.payload["reply"].startswith("携带身份证")
    assert kb.get_entry(rt, entry.id).hits == 1
    assert hl.get_request(rt, op, number).kb_entry_id == entry.id


def test_knowledge_base_validity_and_deactivation(hc: HotlineCounty) -> None:
    import datetime as dt

    rt, op = hc.rt, hc.operator
    old = kb.add_entry(
        rt, op, question="2025年取暖补贴怎么申请？", answer="已截止。", valid_until=dt.date(2025, 12, 31)
    )
    assert kb.search(rt, "取暖补贴申请") == []  # out of date on 2026-03-02
    current = kb.add_entry(rt, op, question="取暖补贴怎么申请？", answer="向社区居委会申请。")
    assert [h.entry.id for h in kb.search(rt, "取暖补贴申请")] == [current.id]
    kb.set_active(rt, op, current.id, active=False)
    assert kb.search(rt, "取暖补贴申请") == []
    number = hl.register_request(rt, op, complaint(category="consult"), channel=Channel.PHONE).case.number
    with pytest.raises(HotlineError) as err:
        hl.direct_answer(rt, op, number, reply_text="", kb_entry_id=old.id)
    assert err.value.field == "kb_entry_id"
    assert "有效期" in err.value.message
    with pytest.raises(HotlineError) as empty:
        kb.add_entry(rt, op, question=" ", answer="x")
    assert empty.value.field == "question"
    with pytest.raises(AccessDenied) as denied:
        kb.add_entry(rt, hc.handlers["SCJ"], question="q?", answer="a", unit_id=hc.units["ZJJ"].id)
    assert denied.value.status == 403
