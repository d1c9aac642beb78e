"""The routing model on the platform: cold start from the units' duties, then retrained on the dispatch history."""

from __future__ import annotations

from pathlib import Path

from onestop.actions import hotline as hl
from onestop.actions import hotline_router as hr
from onestop.hotline.kinds import Channel
from onestop.hotline.routing import Router
from tests.hotline.hotline_helpers import HotlineCounty, complaint


def test_cold_start_suggests_from_duties(hc: HotlineCounty, tmp_path: Path) -> None:
    model = tmp_path / "none.npz"  # no trained model yet
    top = hr.suggest(hc.rt, "小区物业不作为，楼道施工噪音扰民", model_path=model)
    assert len(top) == 3
    assert top[0].unit_id == hc.units["ZJJ"].id
    assert {s.unit_id for s in top} == {u.id for u in hc.units.values()}
    assert top[0].score >= top[1].score >= top[2].score
    food = hr.suggest(hc.rt, "超市卖过期食品", model_path=model)
    assert food[0].unit_id == hc.units["SCJ"].id
    assert hr.suggest(hc.rt, "  ", model_path=model) == []
    # The place routes too: a street of the town goes to the town.
    assert hr.suggest(hc.rt, "阳明镇和平路 路灯坏了一个月", model_path=model)[0].unit_id == hc.units["YMZ"].id


def test_retrain_learns_from_answered_requests(hc: HotlineCounty, tmp_path: Path) -> None:
    rt, op = hc.rt, hc.operator
    ymz = hc.units["YMZ"].id
    texts = [f"东风村{i}组的水渠堵塞，农田灌溉困难，请求疏通" for i in range(6)]
    for i, text in enumerate(texts):
        number = hl.register_request(rt, op, complaint(text=text, phone=f"1390000{i:04d}"), channel=Channel.PHONE)
        hl.dispatch(rt, op, number.case.number, hl.DispatchOrder(ymz))
        hl.accept(rt, hc.handlers["YMZ"], number.case.number)
        hl.reply(rt, hc.handlers["YMZ"], number.case.number, text="已组织疏通")
        hl.review_reply(rt, op, number.case.number, approve=True)
    out = tmp_path / "router.npz"
    router, path = hr.retrain(rt, out)
    assert path == out
    assert out.exists()
    assert router.info["history_rows"] == 6
    assert router.info["profiles"] == 3
    assert Router.load(out).units == router.units
    assert hr.suggest(rt, "村里水渠堵了，没法灌溉", model_path=out)[0].unit_id == ymz
