"""我的待办, the case page and acting on cases: clocks in colour, filters, timeline, 409 on stale versions, PII."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from web_helpers import County, csrf_of, logged_in, login, person_values

from onestop.actions.cases import perform
from onestop.actions.intake import get_form, submit
from onestop.actions.runtime import Runtime
from onestop.db.tables import pii_access_log
from onestop.web.security import MaskingFilter
from onestop.worktime import TZ
from tests.conftest import TravelClock


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([A-Z0-9]+)"', html)


def test_clerk_workbench_lists_what_waits_for_the_clerk(client: TestClient, county: County) -> None:
    login(client, "clerk")
    page = client.get("/workbench")
    assert page.status_code == 200
    assert "我的待办" in page.text
    listed = _numbers(page.text)
    # pending (受理), other (accepted: 补正/不予受理/办结) and own (in approval: 补正/办结) wait for the clerk.
    assert set(listed) == {county.cases[k].number for k in ("pending", "other", "own")}
    # Approval steps are visible to the clerk (全部可见) but are not the clerk's to do.
    everything = _numbers(client.get("/workbench?scope=all").text)
    assert county.cases["sp_scj"].number in everything
    # Masked in the list: 138****0001, never the full number.
    assert "138****0001" in page.text
    assert "13800130001" not in page.text


def test_approver_sees_only_the_own_departments_steps(client: TestClient, county: County) -> None:
    login(client, "scj")
    listed = _numbers(client.get("/workbench?scope=all").text)
    assert listed == [county.cases["sp_scj"].number]


def test_filters_by_kind_state_unit_colour_due_date_and_text(client: TestClient, county: County) -> None:
    login(client, "supervisor")
    base = "/workbench?scope=all"
    assert set(_numbers(client.get(f"{base}&kind=generic_approval").text)) == {
        county.cases["sp_scj"].number,
        county.cases["sp_gaj"].number,
    }
    assert _numbers(client.get(f"{base}&state=pending").text) == [county.cases["pending"].number]
    gaj = county.units["GAJ"].id
    assert _numbers(client.get(f"{base}&unit_id={gaj}").text) == [county.cases["sp_gaj"].number]
    assert _numbers(client.get(f"{base}&colour=not_started").text) == [county.cases["pending"].number]
    # Approvals are due in 5 working days (2026-03-09); applications in 20 (2026-03-30).
    due = _numbers(client.get(f"{base}&due_after=2026-03-09&due_before=2026-03-09").text)
    assert set(due) == {county.cases["sp_scj"].number, county.cases["sp_gaj"].number}
    assert _numbers(client.get(f"{base}&q={county.cases['pending'].number}").text) == [county.cases["pending"].number]
    assert _numbers(client.get(f"{base}&q=张五").text) == [county.cases["pending"].number]


def test_bad_filter_values_get_a_chinese_page_naming_the_field(client: TestClient) -> None:
    login(client, "clerk")
    for query, label in (
        ("unit_id=abc", "承办单位"),
        ("due_before=2026-13-01", "到期日（止）"),
        ("colour=purple", "时限状态"),
    ):
        page = client.get(f"/workbench?{query}")
        assert page.status_code == 422, query
        assert label in page.text


def test_clock_colours_follow_time_even_before_the_tick(client: TestClient, county: County, clock: TravelClock) -> None:
    login(client, "supervisor")
    page = client.get("/workbench?scope=all")
    assert 'data-clock="normal"' in page.text
    # 2 working days before the approvals' due (warn_before 3d): warning; after it: overdue.
    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=TZ))
    client.cookies.clear()
    login(client, "supervisor")
    warning = client.get("/workbench?scope=all&colour=warning").text
    assert set(_numbers(warning)) == {county.cases["sp_scj"].number, county.cases["sp_gaj"].number}
    clock.set(datetime(2026, 3, 10, 10, 0, tzinfo=TZ))
    client.cookies.clear()
    login(client, "supervisor")
    page = client.get("/workbench?scope=all&colour=overdue")
    assert set(_numbers(page.text)) == {county.cases["sp_scj"].number, county.cases["sp_gaj"].number}
    assert re.search(r"超期 <strong>2</strong>", page.text)


def test_paused_clock_shows_as_paused(client: TestClient, county: County) -> None:
    csrf = login(client, "scj")
    case = county.cases["sp_scj"]
    response = client.post(
        f"/cases/{case.number}/actions/request_supplement",
        data={"csrf_token": csrf, "expected_version": str(case.version), "items": "股东会决议原件\n住所使用证明"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "已完成：一次性告知补正" in page.text
    assert "计时暂停中" in page.text
    assert "股东会决议原件；住所使用证明" in page.text
    assert case.number in _numbers(client.get("/workbench?scope=all&colour=paused").text)


def test_case_page_shows_timeline_clock_and_only_the_allowed_actions(client: TestClient, county: County) -> None:
    login(client, "clerk")
    own = county.cases["own"]
    page = client.get(f"/cases/{own.number}").text
    # Timeline: 登记 (by the citizen), 受理, 分送审批.
    assert [m for m in re.findall(r'data-action="([a-z_]+)"', page) if m in {"open", "accept", "dispatch"}] == [
        "open",
        "accept",
        "dispatch",
    ]
    assert "申请人" in page  # who filed it, not the account name
    assert "20个工作日" in page
    assert "2026-03-30 17:30" in page  # 20 working days after 2026-03-02 (start day not counted)
    forms = set(re.findall(r'<form method="post" action="/cases/[A-Z0-9]+/actions/([a-z_]+)"', page))
    assert forms == {"request_supplement", "finish"}  # 受理 and 分送审批 are behind it; 不予受理 not from 审批中
    assert f'name="expected_version" value="{own.version}"' in page
    # The departments' steps are listed with their units.
    assert "和平县市场监督管理局" in page
    assert "和平县公安局" in page


def test_acting_through_the_form_updates_the_timeline(client: TestClient, county: County) -> None:
    csrf = login(client, "clerk")
    pending = county.cases["pending"]
    response = client.post(
        f"/cases/{pending.number}/actions/accept",
        data={"csrf_token": csrf, "expected_version": str(pending.version), "opinion": "材料齐全"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "已完成：受理" in page
    assert page.count("<li ") >= 2
    assert "材料齐全" in page
    assert "已受理" in page


def test_stale_version_is_409_with_a_chinese_message(client: TestClient, county: County) -> None:
    csrf = login(client, "clerk")
    pending = county.cases["pending"]
    data = {"csrf_token": csrf, "expected_version": str(pending.version)}
    assert client.post(f"/cases/{pending.number}/actions/accept", data=data, follow_redirects=False).status_code == 303
    again = client.post(f"/cases/{pending.number}/actions/reject", data={**data, "reason": "重复提交"})
    assert again.status_code == 409
    assert "已被他人修改" in again.text
    api = client.post(
        f"/api/v1/cases/{pending.number}/actions/reject",
        json={"expected_version": pending.version, "data": {"reason": "重复提交"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 409
    assert api.json()["error"] == "version_conflict"
    assert api.json()["field"] == "version"


def test_missing_required_field_is_422_naming_it(client: TestClient, county: County) -> None:
    csrf = login(client, "clerk")
    other = county.cases["other"]
    page = client.post(
        f"/cases/{other.number}/actions/reject",
        data={"csrf_token": csrf, "expected_version": str(other.version), "reason": "  "},
    )
    assert page.status_code == 422
    assert "请填写「理由」" in page.text
    api = client.post(
        f"/api/v1/cases/{other.number}/actions/request_supplement",
        json={"expected_version": other.version, "data": {}},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 422
    assert api.json() == {
        "error": "missing_data",
        "message": "请填写「补正材料清单」",
        "field": "items",
        "errors": [],
    }


def test_action_not_valid_in_the_state_is_409_and_unknown_action_named(client: TestClient, county: County) -> None:
    csrf = login(client, "clerk")
    own = county.cases["own"]
    headers = {"X-CSRF-Token": csrf}
    body = {"expected_version": own.version}
    wrong_state = client.post(f"/api/v1/cases/{own.number}/actions/accept", json=body, headers=headers)
    assert wrong_state.status_code == 409
    assert "不能执行「受理」" in wrong_state.json()["message"]
    unknown = client.post(f"/api/v1/cases/{own.number}/actions/fly", json=body, headers=headers)
    assert unknown.status_code == 409
    assert unknown.json()["field"] == "action"


def test_api_case_detail_has_clock_timeline_and_actions(client: TestClient, county: County) -> None:
    login(client, "scj")
    step = county.cases["sp_scj"]
    body = client.get(f"/api/v1/cases/{step.number}").json()
    assert body["state_label"] == "审批中"
    assert body["clock"]["colour"] == "正常"
    assert body["clock"]["limit"] == "5个工作日"
    assert body["clock"]["due_at"].startswith("2026-03-09T")
    assert [t["action"] for t in body["timeline"]] == ["open"]
    assert {a["code"] for a in body["actions"]} == {"approve", "deny", "request_supplement", "extend"}
    assert body["parent"]["number"] == county.cases["own"].number
    assert body["party"]["id_number"].count("*") == 10


def test_provisional_due_is_flagged(app: FastAPI, rt: Runtime, county: County, clock: TravelClock) -> None:
    # Accepted in late December 2026: 20 working days reach into 2027, whose notice is not out yet.
    clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=TZ))
    sub = submit(rt, get_form("general"), person_values(9), actor=None, channel="web")
    perform(rt, sub.case.number, "accept", county.users["clerk"].as_actor())
    client, _ = logged_in(app, "window_clerk")
    detail = client.get(f"/api/v1/cases/{sub.case.number}").json()
    assert detail["clock"]["provisional"] is True
    page = client.get(f"/cases/{sub.case.number}").text
    assert "暂定" in page
    listed = client.get("/api/v1/cases", params={"q": sub.case.number}).json()["items"]
    assert listed[0]["due_provisional"] is True


def test_pii_is_masked_everywhere_and_each_full_view_is_recorded(
    client: TestClient, county: County, db: Engine
) -> None:
    csrf = login(client, "clerk")
    own = county.cases["own"]
    full_id = person_values(1)["id_number"]
    page = client.get(f"/cases/{own.number}").text
    assert full_id not in page
    assert full_id[:4] + "*" * 10 + full_id[-4:] in page
    export = client.get("/workbench.csv?scope=all")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert full_id not in export.text
    assert "13800130001" not in export.text
    assert "138****0001" in export.text
    revealed = client.post(f"/cases/{own.number}/pii", data={"csrf_token": csrf})
    assert revealed.status_code == 200
    assert full_id in revealed.text
    assert "13800130001" in revealed.text
    api = client.post(f"/api/v1/cases/{own.number}/pii", headers={"X-CSRF-Token": csrf}).json()
    assert api["id_number"] == full_id
    assert api["revealed"] is True
    with db.connect() as conn:
        rows = conn.execute(sa.select(pii_access_log)).mappings().all()
    assert len(rows) == 2
    assert {r["case_number"] for r in rows} == {own.number}
    assert {r["username"] for r in rows} == {"clerk"}
    assert list(rows[0]["fields"]) == ["id_number", "phone"]


def test_supervisors_and_admins_never_see_pii_whole(app: FastAPI, county: County) -> None:
    own = county.cases["own"]
    for role in ("supervisor", "admin"):
        client, csrf = logged_in(app, role)
        page = client.get(f"/cases/{own.number}").text
        assert 'id="reveal-pii"' not in page
        assert client.post(f"/cases/{own.number}/pii", data={"csrf_token": csrf}).status_code == 403


def test_logs_are_masked() -> None:
    record = logging.LogRecord(
        "onestop", logging.INFO, __file__, 1, "来电 %s 身份证 %s", ("13812345678", "441624199005170017"), None
    )
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "来电 138****5678 身份证 4416**********0017"


def test_public_cannot_open_the_workbench(app: FastAPI) -> None:
    client, _ = logged_in(app, "public")
    page = client.get("/workbench")
    assert page.status_code == 403
    assert "工作台仅供工作人员使用" in page.text


@pytest.mark.parametrize("role", ["approver", "handler"])
def test_idor_other_departments_case_is_404_like_a_missing_one(app: FastAPI, county: County, role: str) -> None:
    client, csrf = logged_in(app, role)
    hidden = county.cases["sp_gaj"].number  # 公安局's step: neither scj nor the town's handler may see it
    missing = hidden[:-6] + "999999"
    for number in (hidden, missing):
        response = client.get(f"/api/v1/cases/{number}")
        assert response.status_code == 404
        assert response.json()["message"] == f"办件 {number} 不存在或您无权查看"
        assert client.get(f"/cases/{number}").status_code == 404
        acted = client.post(
            f"/api/v1/cases/{number}/actions/approve", json={"expected_version": 1}, headers={"X-CSRF-Token": csrf}
        )
        assert acted.status_code == 404
        assert client.post(f"/api/v1/cases/{number}/pii", headers={"X-CSRF-Token": csrf}).status_code == 404


def test_csrf_is_required_for_session_requests(client: TestClient, county: County) -> None:
    csrf = login(client, "clerk")
    pending = county.cases["pending"]
    form = {"expected_version": str(pending.version)}
    for token in (None, "forged-token-value-1234567890"):
        data = form if token is None else {**form, "csrf_token": token}
        page = client.post(f"/cases/{pending.number}/actions/accept", data=data)
        assert page.status_code == 403
        assert "CSRF" in page.text
    api = client.post(f"/api/v1/cases/{pending.number}/actions/accept", json={"expected_version": pending.version})
    assert api.status_code == 403
    assert api.json()["field"] == "X-CSRF-Token"
    # The anonymous double-submit token of another browser does not work either.
    stranger = TestClient(client.app)
    foreign = csrf_of(stranger.get("/login").text)
    assert client.post("/logout", data={"csrf_token": foreign}).status_code == 403
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303


def test_anonymous_forms_need_the_double_submit_cookie(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/public/apply/general").text)
    fresh = TestClient(app)  # has no cookie: a cross-site post
    response = fresh.post("/public/apply/general", data={**person_values(30), "csrf_token": token})
    assert response.status_code == 403
    ok = client.post("/public/apply/general", data={**person_values(30), "csrf_token": token})
    assert ok.status_code == 201


def test_workbench_pages(client: TestClient, rt: Runtime, county: County, clock: TravelClock) -> None:
    form = get_form("general")
    for i in range(55):
        clock.set(clock.current + timedelta(seconds=1))
        submit(rt, form, person_values(100 + i), actor=None, channel="web")
    login(client, "clerk")
    first = client.get("/workbench")
    assert "共 58 件" in first.text
    assert len(_numbers(first.text)) == 50
    second = client.get("/workbench?page=2")
    assert len(_numbers(second.text)) == 8
    assert "第 2 / 2 页" in second.text


def test_cached_api_list_is_never_staler_than_a_query(app: FastAPI, county: County, clock: TravelClock) -> None:
    client, csrf = logged_in(app, "window_clerk")
    first = client.get("/api/v1/cases", params={"mine": True})
    assert first.status_code == 200
    etag = first.headers["etag"]
    # Unchanged: the same page, and a conditional request is answered 304 without a body.
    assert client.get("/api/v1/cases", params={"mine": True}).content == first.content
    not_modified = client.get("/api/v1/cases", params={"mine": True}, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    # An action anywhere changes the data version: the next list shows it at once.
    pending = county.cases["pending"]
    acted = client.post(
        f"/api/v1/cases/{pending.number}/actions/accept",
        json={"expected_version": pending.version},
        headers={"X-CSRF-Token": csrf},
    )
    assert acted.status_code == 200
    after = {c["number"]: c for c in client.get("/api/v1/cases", params={"mine": True}).json()["items"]}
    assert after[pending.number]["state"] == "accepted"
    assert client.get("/api/v1/cases", params={"mine": True}, headers={"If-None-Match": etag}).status_code == 200
    # Time alone turns colours: past the warning instant the cached page is not served.
    clock.set(datetime(2026, 3, 26, 10, 0, tzinfo=TZ))  # 3 working days before 2026-03-30
    client, _ = logged_in(app, "window_clerk")  # the old session has long expired
    items = client.get("/api/v1/cases", params={"mine": True}).json()["items"]
    assert {c["clock"] for c in items if c["number"] == pending.number} == {"warning"}


def test_a_stampede_of_misses_builds_the_page_once(app: FastAPI, county: County) -> None:
    import asyncio

    from onestop.web.listcache import Entry, ListCache

    cache = ListCache()
    built: list[int] = []

    async def build() -> Entry:
        built.append(1)
        await asyncio.sleep(0.01)
        return cache.put("k", 1, datetime(2030, 1, 1, tzinfo=TZ), b"[]")

    async def many() -> list[Entry]:
        return await asyncio.gather(*(cache.single_flight(("k", 1), build) for _ in range(10)))

    entries = asyncio.run(many())
    assert len(built) == 1
    assert {e.body for e in entries} == {b"[]"}
