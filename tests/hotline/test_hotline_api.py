"""The hotline's JSON API (/api/v1/hotline) over HTTP: intake, actions, queues, suggestions, KB, statistics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from onestop.actions.org import create_user
from onestop.org.roles import Role
from onestop.org.users import User
from onestop.web.app import create_app
from tests.hotline.hotline_helpers import HotlineCounty, complaint, token_for

API = "/api/v1/hotline"


@pytest.fixture
def client(hc: HotlineCounty) -> Iterator[TestClient]:
    with TestClient(create_app(hc.rt)) as c:
        yield c


def test_intake_dispatch_return_redispatch_over_http(hc: HotlineCounty, client: TestClient) -> None:
    op = token_for(hc.rt, hc.operator)
    scj, zjj = hc.units["SCJ"].id, hc.units["ZJJ"].id
    r = client.post(f"{API}/requests", json={**complaint(), "channel": "phone", "lead_unit_id": scj}, headers=op)
    assert r.status_code == 201, r.text
    body = r.json()
    number = body["request"]["number"]
    assert body["request"]["state"] == "dispatched"
    assert body["request"]["lead_unit"] == "测试县市场监督管理局"
    assert body["request"]["phone_masked"] == "138****8001"
    assert len(body["verification_code"]) >= 6

    h = token_for(hc.rt, hc.handlers["SCJ"])
    seen = client.get(f"{API}/requests/{number}", headers=h).json()
    assert set(seen["actions"]) == {"accept", "return", "request_extension", "reply"} - {"request_extension", "reply"}
    stale = client.post(
        f"{API}/requests/{number}/actions",
        json={"action": "return", "expected_version": 1, "data": {"return_reason": "非本单位职责"}},
        headers=h,
    )
    assert stale.status_code == 409
    assert "已被他人修改" in stale.json()["message"]
    ok = client.post(
        f"{API}/requests/{number}/actions",
        json={"action": "return", "expected_version": seen["version"], "data": {"return_reason": "非本单位职责"}},
        headers=h,
    )
    assert ok.status_code == 200
    assert ok.json()["state"] == "returned"
    queue = client.get(f"{API}/requests", params={"queue": "returned"}, headers=op).json()
    assert [q["number"] for q in queue] == [number]
    again = client.post(
        f"{API}/requests/{number}/actions",
        json={"action": "dispatch", "data": {"lead_unit_id": zjj}},
        headers=op,
    )
    assert again.json()["unit_id"] == zjj
    assert again.json()["state"] == "dispatched"
    # The first unit no longer leads it and no longer sees it.
    assert client.get(f"{API}/requests/{number}", headers=h).status_code == 404


def test_bad_input_is_a_chinese_422(hc: HotlineCounty, client: TestClient) -> None:
    op = token_for(hc.rt, hc.operator)
    r = client.post(f"{API}/requests", json={**complaint(text="", phone="123"), "channel": "phone"}, headers=op)
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "text"
    assert body["message"] == "请填写「诉求内容」"
    assert {e["field"] for e in body["errors"]} == {"text", "phone"}
    r = client.post(f"{API}/requests", json={**complaint(category="gossip"), "channel": "phone"}, headers=op)
    assert r.status_code == 422
    assert r.json()["field"] == "category"
    assert "诉求类型无效" in r.json()["message"]
    number = client.post(f"{API}/requests", json={**complaint(), "channel": "phone"}, headers=op).json()
    unknown = client.post(
        f"{API}/requests/{number['request']['number']}/actions",
        json={"action": "dispatch", "data": {"lead_unit_id": 4242}},
        headers=op,
    )
    assert unknown.status_code == 422
    assert unknown.json()["message"] == "单位 4242 不存在"
    assert client.post(f"{API}/requests", json=complaint(), headers={}).status_code == 401


def test_suggestions_kb_and_stats(hc: HotlineCounty, client: TestClient) -> None:
    op = token_for(hc.rt, hc.operator)
    top = client.get(f"{API}/suggest", params={"text": "超市出售过期食品"}, headers=op).json()
    assert len(top) == 3
    assert top[0]["unit_id"] == hc.units["SCJ"].id
    entry = client.post(
        f"{API}/kb",
        json={"question": "不动产登记需要什么材料？", "answer": "身份证、购房合同、完税证明。", "keywords": ["房产证"]},
        headers=op,
    )
    assert entry.status_code == 201
    hits = client.get(f"{API}/kb/search", params={"q": "办房产证要带什么"}, headers=op).json()
    assert hits[0]["entry"]["id"] == entry.json()["id"]
    assert "房产证" in hits[0]["matched"]
    client.post(f"{API}/requests", json={**complaint(), "channel": "phone"}, headers=op)
    stats = client.get(
        f"{API}/stats", params={"start": "2026-03-01", "end": "2026-03-31", "by": "category"}, headers=op
    )
    assert stats.status_code == 200
    (row,) = stats.json()["rows"]
    assert (row["key"], row["received"], row["label"]) == ("complaint", 1, "投诉")
    handler = token_for(hc.rt, hc.handlers["SCJ"])
    assert client.get(f"{API}/suggest", params={"text": "x"}, headers=handler).status_code == 403
    assert client.get(f"{API}/kb/search", params={"q": "房产证"}, headers=handler).status_code == 200
    citizen = create_user(hc.rt, User(0, "citizen", "市民", None, frozenset({Role.PUBLIC})), None).as_actor()
    public = token_for(hc.rt, citizen)
    assert client.get(f"{API}/kb/search", params={"q": "房产证"}, headers=public).status_code == 403
    assert client.put(f"{API}/settings", json={"sign_window": "2d"}, headers=public).status_code == 403
    changed = client.put(f"{API}/settings", json={"sign_window": "2d"}, headers=op)
    assert changed.json()["sign_window"] == "2d"
