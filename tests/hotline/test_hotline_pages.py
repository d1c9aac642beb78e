"""The hotline pages through HTTP forms (CSRF, errors shown in Chinese, permissions)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.hotline.kinds import Channel
from onestop.web.app import create_app
from tests.hotline.hotline_helpers import PASSWORD, HotlineCounty, complaint, web_users

pytestmark = pytest.mark.usefixtures("fast_argon2")

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(hc: HotlineCounty) -> Iterator[TestClient]:
    web_users(hc)
    with TestClient(create_app(hc.rt)) as c:
        yield c


def login(client: TestClient, username: str) -> str:
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    found = CSRF.search(client.get("/hotline/kb").text)
    assert found
    return found.group(1)


def test_console_intake_errors_and_dispatch(hc: HotlineCounty, client: TestClient) -> None:
    csrf = login(client, "web_op")
    page = client.get("/hotline")
    assert page.status_code == 200
    assert "来电登记" in page.text
    bad = client.post("/hotline/intake", data={"csrf_token": csrf, "text": "", "phone": "123", "do": "register"})
    assert bad.status_code == 422
    assert "请填写「诉求内容」" in bad.text
    assert 'id="err-phone"' in bad.text
    unknown = client.post(
        "/hotline/intake", data={"csrf_token": csrf, **complaint(), "do": "dispatch", "lead_unit_id": "777"}
    )
    assert unknown.status_code == 422
    assert "单位 777 不存在" in unknown.text
    ok = client.post(
        "/hotline/intake",
        data={"csrf_token": csrf, **complaint(), "do": "dispatch", "lead_unit_id": str(hc.units["SCJ"].id)},
    )
    assert ok.status_code == 201
    assert "待签收" in ok.text
    number = re.search(r'id="case-number">(RX\d+)<', ok.text)
    assert number
    detail = client.get(f"/hotline/requests/{number.group(1)}")
    assert "测试县市场监督管理局" in detail.text
    assert "13800138001" in detail.text


def test_unit_returns_on_the_request_page_and_sees_errors(hc: HotlineCounty, client: TestClient) -> None:
    number = hl.register_request(hc.rt, hc.operator, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units["SCJ"].id, designate=True, reason="指定"))
    csrf = login(client, "web_scj")
    page = client.get(f"/hotline/requests/{number}")
    assert page.status_code == 200
    assert "138****8001" in page.text
    assert 'id="act-return"' not in page.text
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert version
    refused = client.post(
        f"/hotline/requests/{number}/act",
        data={"csrf_token": csrf, "action": "return", "expected_version": version.group(1), "return_reason": "x"},
    )
    assert refused.status_code == 422
    assert "指定承办，不能退单" in refused.text
    done = client.post(
        f"/hotline/requests/{number}/act",
        data={"csrf_token": csrf, "action": "accept", "expected_version": version.group(1)},
        follow_redirects=True,
    )
    assert "已完成：签收" in done.text
    other = client.get("/hotline/requests/RX19990101000001")
    assert other.status_code == 404


def test_public_form_stats_and_kb_pages(hc: HotlineCounty, client: TestClient) -> None:
    form = client.get("/public/hotline")
    csrf = CSRF.search(form.text)
    assert csrf
    sent = client.post("/public/hotline", data={"csrf_token": csrf.group(1), **complaint(), "urgency": "urgent"})
    assert sent.status_code == 201
    number = re.search(r'id="case-number">(RX\d+)<', sent.text)
    code = re.search(r'id="verification-code">([^<]+)<', sent.text)
    assert number
    assert code
    row = hl.get_request(hc.rt, hc.operator, number.group(1))
    assert (row.channel, row.urgency) == ("web", "ordinary")  # the public does not set urgency
    lookup = client.post(
        "/public/lookup", data={"csrf_token": csrf.group(1), "number": number.group(1), "code": code.group(1)}
    )
    assert lookup.status_code == 200
    assert "待派单" in lookup.text
    kb.add_entry(hc.rt, hc.operator, question="社保卡丢了怎么补办？", answer="到人社局窗口或银行网点补办。")
    login(client, "web_op")
    found = client.get("/hotline/kb", params={"q": "社保卡补办"})
    assert "到人社局窗口或银行网点补办" in found.text
    stats = client.get("/hotline/stats", params={"start": "2026-03-01", "end": "2026-03-31", "by": "category"})
    assert stats.status_code == 200
    assert 'data-key="complaint"' in stats.text
    bad = client.get("/hotline/stats", params={"start": "2026-03-31", "end": "2026-03-01"})
    assert bad.status_code == 422
    assert "结束日期不能早于开始日期" in bad.text
