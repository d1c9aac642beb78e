"""The ratings API and pages: rating by account and by number + code, the device, lists scoped and masked,
statistics, rectification steps, appeals; errors are Chinese 4xx naming the field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.ratings.conftest import CSRF, County, finished_case, login

API = "/api/v1/ratings"


def _api(client: TestClient, username: str) -> dict[str, str]:
    return {"X-CSRF-Token": login(client, username)}


def test_rating_through_the_api(client: TestClient, web_county: County) -> None:
    number, code = finished_case(web_county)
    unfinished, _ = finished_case(web_county, finish=False)
    headers = _api(client, "citizen")
    bad = client.post(
        API, json={"number": number, "level": 1, "comment": "跑了三次", "tags": ["many_trips"]}, headers=headers
    )
    assert bad.status_code == 201, bad.text
    body = bad.json()
    assert (body["bad"], body["real_name"], body["level_label"]) == (True, True, "非常不满意")
    assert body["rectification_number"].startswith("ZG")
    again = client.post(API, json={"number": number, "level": 5}, headers=headers)
    assert again.status_code == 409
    assert again.json()["message"] == "该办件已通过「网上办事大厅」评价过，同一渠道只能评价一次（一次一评）"
    assert again.json()["field"] == "channel"
    early = client.post(API, json={"number": unfinished, "level": 5}, headers=headers)
    assert early.status_code == 422
    assert "尚未办结" in early.json()["message"]
    out_of_range = client.post(API, json={"number": number, "level": 9}, headers=headers)
    assert out_of_range.status_code == 422
    assert out_of_range.json()["field"] == "level"
    # without an account: the number and the verification code
    anonymous = TestClient(client.app)
    wrong = anonymous.post(API, json={"number": number, "level": 5, "channel": "app", "code": "ZZZZZZ"})
    assert wrong.status_code == 404
    assert wrong.json()["message"] == "办件编号或查询码不正确"
    by_code = anonymous.post(API, json={"number": number, "level": 5, "channel": "app", "code": code})
    assert by_code.status_code == 201


def test_lists_and_stats_are_scoped_and_masked(client: TestClient, web_county: County) -> None:
    number, _ = finished_case(web_county)
    other, _ = finished_case(web_county)
    citizen = _api(client, "citizen")
    client.post(API, json={"number": number, "level": 2, "comment": "电话 13912345678 打不通"}, headers=citizen)
    client.post(API, json={"number": other, "level": 5}, headers=citizen)
    assert client.get(API).status_code == 403  # the public rates; it does not browse ratings
    clerk = TestClient(client.app)
    _api(clerk, "clerk")
    rows = clerk.get(API).json()
    assert [r["level"] for r in rows] == [5, 2]
    assert rows[1]["comment"] == "电话 139****5678 打不通"
    assert re.fullmatch(r"138\*{4}\d{4}", rows[1]["rater_phone"])
    assert clerk.get(f"{API}/{rows[1]['id']}").json()["rectification_state"] == "待核实"
    approver = TestClient(client.app)
    _api(approver, "approver")
    assert approver.get(API).json() == []
    assert approver.get(f"{API}/{rows[1]['id']}").status_code == 404
    stats = clerk.get(f"{API}/stats", params={"month": "2026-03"}).json()
    total = stats["total"]
    assert (total["finished"], total["rated"], total["ratings"], total["bad"]) == (2, 2, 2, 1)
    assert total["rates"] == {
        "coverage": 1.0,
        "good_rate": 0.5,
        "satisfied_rate": 0.5,
        "callback_rate": 0.0,
        "rectification_rate": 0.0,
        "rectification_rate_real": 0.0,
        "rectification_rate_anonymous": None,
    }
    assert clerk.get(f"{API}/stats", params={"month": "2026-13"}).json()["field"] == "month"


def test_rectification_and_appeal_through_the_api(client: TestClient, web_county: County) -> None:
    number, _ = finished_case(web_county)
    other, _ = finished_case(web_county)
    citizen = _api(client, "citizen")
    rect = client.post(API, json={"number": number, "level": 1}, headers=citizen).json()["rectification_number"]
    malicious = client.post(API, json={"number": other, "level": 1}, headers=citizen).json()
    clerk = TestClient(client.app)
    headers = _api(clerk, "clerk")
    path = f"{API}/rectifications/{rect}"
    missing = clerk.post(f"{path}/verify", json={"data": {}}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["message"] == "请填写「核实情况」"
    for step, data in (
        ("contact", {"note": "已电话联系"}),
        ("verify", {"finding": "属实"}),
        ("rectify", {"measures": "已培训"}),
        ("callback", {"result": "satisfied", "note": "满意"}),
    ):
        response = clerk.post(f"{path}/{step}", json={"data": data}, headers=headers)
        assert response.status_code == 200, response.text
    assert response.json()["state"] == "closed"
    listed = clerk.get(f"{API}/rectifications").json()
    done = next(r for r in listed if r["number"] == rect)
    assert (done["contacted"], done["callback_result"]) == (True, "满意")
    appeal = clerk.post(
        f"{API}/{malicious['id']}/appeal", json={"ground": "malicious", "explanation": "恶意评价"}, headers=headers
    )
    assert appeal.status_code == 201
    supervisor = TestClient(client.app)
    review = supervisor.post(
        f"{API}/appeals/{appeal.json()['number']}/review",
        json={"approve": True, "reason": "属实，核销"},
        headers=_api(supervisor, "supervisor"),
    )
    assert review.json()["state"] == "annulled"
    assert clerk.get(f"{API}/{malicious['id']}").json()["status"] == "annulled"
    # limits: staff read them, only an administrator changes them
    assert clerk.get(f"{API}/limits").json()["finish"] == "15d"
    assert clerk.put(f"{API}/limits", json={"finish": "10d"}, headers=headers).status_code == 403
    admin = TestClient(client.app)
    assert admin.put(f"{API}/limits", json={"finish": "10d"}, headers=_api(admin, "admin")).json()["finish"] == "10d"


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None
    return match.group(1)


def test_the_citizen_form_the_device_and_the_unit_page(client: TestClient, web_county: County) -> None:
    number, _ = finished_case(web_county)
    second, code = finished_case(web_county, owner=None)
    login(client, "citizen")
    page = client.get(f"/ratings/rate/{number}")
    assert page.status_code == 200
    assert "个体工商户名称变更" in page.text  # the owner sees their case
    refused = client.post("/ratings/rate", data={"csrf_token": _csrf(page.text), "number": number})
    assert refused.status_code == 422
    assert "请选择「评价等级」" in refused.text
    thanks = client.post(
        "/ratings/rate",
        data={"csrf_token": _csrf(page.text), "number": number, "level": "2", "tags": ["slow"], "comment": "太慢"},
    )
    assert thanks.status_code == 201
    assert "已转交测试县政务服务中心核实整改" in thanks.text
    # someone else's case by number and code, anonymously
    visitor = TestClient(client.app)
    form = visitor.get(f"/ratings/rate/{second}")
    assert "个体工商户名称变更" not in form.text  # no details without proof
    rated = visitor.post(
        "/ratings/rate",
        data={"csrf_token": _csrf(form.text), "number": second, "code": code, "level": "5", "anonymous": "1"},
    )
    assert rated.status_code == 201
    # the counter's device: a clerk of the issuing window
    clerk = TestClient(client.app)
    login(clerk, "clerk")
    kiosk = clerk.get(f"/ratings/device/{second}")
    assert kiosk.text.count('name="level"') == 5
    done = clerk.post(
        f"/ratings/device/{second}", data={"csrf_token": _csrf(kiosk.text), "level": "4", "tags": ["slow"]}
    )
    assert done.status_code == 201
    assert "「满意」已记录" in done.text
    twice = clerk.post(f"/ratings/device/{second}", data={"csrf_token": _csrf(kiosk.text), "level": "4"})
    assert twice.status_code == 409
    approver = TestClient(client.app)
    login(approver, "approver")
    assert approver.get(f"/ratings/device/{second}").status_code == 403
    # the unit's page: the rectification with its steps
    unit = clerk.get("/ratings/unit")
    assert unit.status_code == 200
    rect = re.search(r'id="rect-(ZG\d+)"', unit.text)
    assert rect is not None
    step = clerk.post(
        f"/ratings/rectifications/{rect.group(1)}/verify",
        data={"csrf_token": _csrf(unit.text), "finding": "属实"},
        follow_redirects=False,
    )
    assert step.status_code == 303
    assert "已核实" in clerk.get(step.headers["location"]).text
    empty = clerk.post(
        f"/ratings/rectifications/{rect.group(1)}/rectify", data={"csrf_token": _csrf(unit.text), "measures": " "}
    )
    assert empty.status_code == 422
    assert "请填写「整改措施」" in empty.text
    stats = clerk.get("/ratings", params={"month": "2026-03"})
    assert stats.status_code == 200
    assert 'data-col="rectification_rate">0.0%' in stats.text
    assert client.get("/ratings").status_code == 403  # the citizen


def test_appeal_and_review_through_the_pages(client: TestClient, web_county: County) -> None:
    number, _ = finished_case(web_county)
    headers = _api(client, "citizen")
    rating = client.post(API, json={"number": number, "level": 1, "comment": "乱评"}, headers=headers).json()
    clerk = TestClient(client.app)
    login(clerk, "clerk")
    unit = clerk.get("/ratings/unit")
    assert f'id="appeal-{rating["id"]}"' in unit.text
    filed = clerk.post(
        f"/ratings/{rating['id']}/appeal",
        data={"csrf_token": _csrf(unit.text), "ground": "malicious", "explanation": "恶意评价，附叫号记录"},
        follow_redirects=False,
    )
    assert filed.status_code == 303
    assert "申诉已提交" in clerk.get(filed.headers["location"]).text
    assert "review-" not in clerk.get("/ratings/appeals").text  # the unit sees its appeal, cannot decide it
    supervisor = TestClient(client.app)
    login(supervisor, "supervisor")
    page = supervisor.get("/ratings/appeals")
    appeal = re.search(r'id="review-(SS\d+)"', page.text)
    assert appeal is not None
    no_reason = supervisor.post(
        f"/ratings/appeals/{appeal.group(1)}/review", data={"csrf_token": _csrf(page.text), "decision": "approve"}
    )
    assert no_reason.status_code == 422
    assert "请填写「审核意见」" in no_reason.text
    decided = supervisor.post(
        f"/ratings/appeals/{appeal.group(1)}/review",
        data={"csrf_token": _csrf(page.text), "decision": "approve", "reason": "经核实属恶意评价"},
    )
    assert "已同意申诉，评价已核销" in decided.text
    listed = supervisor.get("/ratings/unit").text
    assert "经核实属恶意评价" in listed  # the annulled rating stays listed, with its reason
    assert f'id="rating-{rating["id"]}" class="annulled"' in listed
    # the device's start page and the public rating form without a number
    assert "请办事群众评价" in clerk.get("/ratings/device").text
    assert 'id="rate-form"' in TestClient(client.app).get("/ratings/rate").text
