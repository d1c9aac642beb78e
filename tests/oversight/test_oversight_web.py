"""The 效能监察 pages and API over the fixture month: who may see them, the figures they show, drill-down
into the workbench, bulletin downloads, raising an order by hand."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_scenario import PASSWORD, County

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _client(app: FastAPI, username: str | None) -> tuple[TestClient, str]:
    client = TestClient(app)
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    if username is None:
        return client, token.group(1)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    session_token = CSRF.search(client.get("/oversight/orders").text if username == "supervisor" else page.text)
    assert session_token is not None
    return client, session_token.group(1)


@pytest.mark.parametrize(
    ("username", "page_status", "api_status"),
    [(None, 303, 401), ("a", 403, 403), ("clerk", 403, 403), ("operator", 403, 403), ("supervisor", 200, 200)],
)
def test_only_supervisors_and_admins_see_oversight(
    app: FastAPI, username: str | None, page_status: int, api_status: int
) -> None:
    client, _ = _client(app, username)
    for path in ("/oversight", "/oversight/scorecards?period=2026-10", "/oversight/orders"):
        assert client.get(path, follow_redirects=False).status_code == page_status, path
    assert client.get("/oversight/bulletin.pdf?period=2026-10", follow_redirects=False).status_code == page_status
    assert client.get("/api/v1/oversight/overview").status_code == api_status
    assert client.get("/api/v1/oversight/scorecards?period=2026-10").status_code == api_status


def test_dashboard_counts_and_drill_down(app: FastAPI, october_web: County) -> None:
    client, _ = _client(app, "supervisor")
    page = client.get("/oversight?period=2026-10")
    assert page.status_code == 200
    a_id = october_web.units["A"].id
    link = f"/workbench?scope=all&amp;unit_id={a_id}&amp;colour=overdue"
    assert f'<a class="badge b-red" href="{link}">3</a>' in page.text
    assert "挂牌督办 <strong>1</strong>" in page.text
    assert 'id="ranking-chart" src="data:image/svg+xml;base64,' in page.text
    for fmt in ("docx", "xlsx", "pdf"):
        assert f"/oversight/bulletin.{fmt}?period=2026-10" in page.text
    # The drill-down lists 甲局's overdue cases: A3 among them, B's cases not.
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert october_web.cases["A3"].number in listed.text
    assert october_web.cases["B1"].number not in listed.text


def test_scorecards_page_flags_the_last_unit(app: FastAPI) -> None:
    client, _ = _client(app, "supervisor")
    page = client.get("/oversight/scorecards?period=2026-10").text
    rows = re.findall(r'<tr data-unit="([^"]+)" data-rank="(\d*)" data-interview="(\w+)"', page)
    assert rows == [("测试县丙局", "1", "no"), ("测试县乙局", "1", "no"), ("测试县甲局", "3", "yes")]
    assert "排名末位、综合得分低于60分" in page
    assert '<span class="badge b-red low">75.0%</span>' in page  # 甲局's 办结率, below 97 %
    bad = client.get("/oversight/scorecards?period=2026-13")
    assert bad.status_code == 422
    assert "月份无效" in bad.text


def test_bulletin_downloads(app: FastAPI) -> None:
    client, _ = _client(app, "admin")
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(f"/oversight/bulletin.{fmt}?period=2026-10")
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert f"bulletin-2026-10.{fmt}" in response.headers["content-disposition"]
    assert client.get("/oversight/bulletin.odt?period=2026-10").status_code == 422
    assert client.get("/oversight/bulletin.pdf?period=2026-10&region=110101").status_code == 404


def test_api_scorecards_and_bulletin_figures(app: FastAPI, october_web: County) -> None:
    client, _ = _client(app, "supervisor")
    cards = client.get("/api/v1/oversight/scorecards", params={"period": "2026-10"}).json()
    assert [(c["unit_name"], c["rank"], c["total"], c["interview"]) for c in cards["cards"]] == [
        ("测试县丙局", 1, 100.0, False),
        ("测试县乙局", 1, 100.0, False),
        ("测试县甲局", 3, 45.5, True),
    ]
    figures = client.get("/api/v1/oversight/bulletin", params={"period": "2026-10"}).json()
    assert figures["headline"]["received"] == 7
    assert figures["headline"]["orders"] == 1
    assert figures["typical"][0]["number"] == october_web.cases["A3"].number
    overview = client.get("/api/v1/oversight/overview").json()
    assert overview["totals"]["overdue"] == 3
    assert client.get("/api/v1/oversight/scorecards", params={"region": "110101"}).status_code == 404
    assert client.get("/api/v1/oversight/scorecards", params={"region": "12"}).status_code == 422


def test_orders_page_and_raising_by_hand(app: FastAPI, october_web: County) -> None:
    client, csrf = _client(app, "supervisor")
    page = client.get("/oversight/orders").text
    assert 'data-state="listed"' in page
    assert "overdue_3d" in page
    b1 = october_web.cases["B1"].number
    empty = client.post("/oversight/orders", data={"csrf_token": csrf, "number": b1, "reason": " "})
    assert empty.status_code == 422
    assert "「督办事由」不能为空" in empty.text
    made = client.post(
        "/oversight/orders",
        data={"csrf_token": csrf, "number": b1, "reason": "回访发现问题未解决", "limit_days": "2"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"].startswith("/cases/DB")
    again = client.post("/oversight/orders", data={"csrf_token": csrf, "number": b1, "reason": "再督办"})
    assert again.status_code == 409
    api = client.post(
        "/api/v1/oversight/orders",
        json={"number": october_web.cases["C1"].number, "reason": "抽查督办", "limit_days": 1},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 201
    assert api.json()["state"] == "issued"
    orders = client.get("/api/v1/oversight/orders", params={"state": "issued"}).json()["orders"]
    assert {o["subject_number"] for o in orders} == {b1, october_web.cases["C1"].number}
