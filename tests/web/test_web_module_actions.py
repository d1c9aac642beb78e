"""The generic case route (page and API) hands each module's kinds to the module's action layer, and the case
page links to the module's own page.

Each test takes an action through ``POST /api/v1/cases/{number}/actions/{action}`` that plain ``perform`` would
take differently, and checks the module's effect: the hotline's return window and its 督办 on a second return,
an anonymous rectification closing itself, an appeal annulling its rating, the ledger filing the month's report
with the lead unit's progress.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, START, County, logged_in, login, person_values

from onestop.actions import hotline as hl
from onestop.actions import ledger, ratings
from onestop.actions.cases import perform
from onestop.actions.intake import get_form, submit
from onestop.actions.org import create_user
from onestop.actions.runtime import Runtime
from onestop.cases.case import Case
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import ratings as ratings_table
from onestop.demo.ledger import MAPPING, SUPERVISOR, demo_plan_text
from onestop.hotline.kinds import Channel
from onestop.ledger import parse_text
from onestop.org.roles import Role
from onestop.org.users import User
from onestop.web.module_pages import module_page
from tests.conftest import TravelClock

COMPLAINT = {
    "category": "complaint",
    "urgency": "ordinary",
    "requester_name": "张三",
    "phone": "13800138001",
    "address": "阳明镇东风路 12 号",
    "text": "东风路12号楼下烧烤店每晚油烟和噪音扰民，到凌晨两点还不停，请相关部门处理。",
}


def _load(rt: Runtime, number: str) -> Case:
    with read(rt.engine) as conn:
        return cases_repo.load_case(conn, number)


def _actions(rt: Runtime, number: str) -> list[tuple[str, str]]:
    with read(rt.engine) as conn:
        case = cases_repo.load_case(conn, number)
        return [(e.action, e.actor) for e in cases_repo.load_events(conn, case)]


def _act(client: TestClient, csrf: str, case: Case, action: str, data: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/cases/{case.number}/actions/{action}",
        json={"expected_version": case.version, "data": data},
        headers={"X-CSRF-Token": csrf},
    )


def _link(page: str) -> str:
    marker = 'id="module-page"'
    assert marker in page, "the case page has no link to the module's page"
    start = page.rindex('href="', 0, page.index(marker)) + len('href="')
    return page[start : page.index('"', start)]


# -- 12345 热线 ------------------------------------------------------------------------------------------------


def _dispatched(rt: Runtime, county: County) -> Case:
    operator = county.users["operator"].as_actor()
    order = hl.DispatchOrder(county.units["YMZ"].id)
    return hl.register_request(rt, operator, COMPLAINT, channel=Channel.PHONE, dispatch_to=order).case


def test_a_hotline_return_after_its_window_is_refused_on_the_generic_route(
    app: FastAPI, rt: Runtime, county: County, clock: TravelClock
) -> None:
    request = _dispatched(rt, county)
    # sign-for window 1 working day from Monday 10:00: Wednesday 10:00 is past it
    clock.set(START + timedelta(days=2))
    handler, csrf = logged_in(app, "handler")
    page = handler.get(f"/cases/{request.number}").text
    assert _link(page) == f"/hotline/requests/{request.number}"
    refused = _act(handler, csrf, request, "return", {"return_reason": "非本单位职责"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "return_window_passed"
    assert refused.json()["message"].startswith("已超过退单时限（派单后 1d 内，截至 2026-03-03")
    # the page form takes the same route
    form = handler.post(
        f"/cases/{request.number}/actions/return",
        data={"csrf_token": csrf, "expected_version": str(request.version), "return_reason": "非本单位职责"},
    )
    assert form.status_code == 422
    assert "已超过退单时限" in form.text
    assert _load(rt, request.number).state == "dispatched"
    assert [a for a, _ in _actions(rt, request.number)] == ["open", "dispatch"]


def test_a_second_return_on_the_generic_route_raises_supervision(app: FastAPI, rt: Runtime, county: County) -> None:
    request = _dispatched(rt, county)
    handler, csrf = logged_in(app, "handler")
    first = _act(handler, csrf, request, "return", {"return_reason": "非本单位职责"})
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "returned"
    operator = county.users["operator"].as_actor()
    again = hl.dispatch(rt, operator, request.number, hl.DispatchOrder(county.units["YMZ"].id))
    second = _act(handler, csrf, again, "return", {"return_reason": "仍非本单位职责"})
    assert second.status_code == 200, second.text
    assert _actions(rt, request.number)[-3:] == [
        ("dispatch", "operator"),
        ("return", "handler"),
        ("flag_supervision", "system"),
    ]
    assert _load(rt, request.number).payload["returns"] == 2


def test_a_return_visit_on_the_generic_route_follows_the_hotline_rule(
    app: FastAPI, rt: Runtime, county: County
) -> None:
    request = _dispatched(rt, county)
    handler = county.users["handler"].as_actor()
    operator = county.users["operator"].as_actor()
    hl.accept(rt, handler, request.number)
    hl.reply(rt, handler, request.number, text="已责令烧烤店安装油烟净化设备并限时经营")
    visiting = hl.review_reply(rt, operator, request.number, approve=True)
    # The generic page shows a request held by a town to whoever's unit scope has the town: here the center's
    # head, who is both an operator and a supervisor of the region.
    head = User(0, "center_head", "热线中心主任", county.units["ZWFW"].id, frozenset({Role.OPERATOR, Role.SUPERVISOR}))
    create_user(rt, head, PASSWORD)
    client = TestClient(app)
    csrf = login(client, "center_head")
    mismatch = _act(client, csrf, visiting, "visit_close", {"result": "不满意"})
    assert mismatch.status_code == 422
    assert mismatch.json()["field"] == "result"
    assert mismatch.json()["message"].startswith("「回访办结」与回访结果「不满意」不符")
    reopened = _act(client, csrf, visiting, "visit_reopen", {"result": "不满意", "opinion": "油烟仍在"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["state"] == "handling"
    case = _load(rt, request.number)
    assert case.payload["reopens"] == 1  # 重办 once, with a fresh clock: the hotline's rule, not the bare action
    with read(rt.engine) as conn:
        last = cases_repo.load_events(conn, case)[-1]
    assert (last.action, last.data["result"], last.data["comment"], last.data["clock_restarted"]) == (
        "visit_reopen",
        "unsatisfied",
        "油烟仍在",
        True,
    )


def test_what_the_hotline_does_only_itself_is_neither_offered_nor_taken(
    app: FastAPI, rt: Runtime, county: County
) -> None:
    operator = county.users["operator"].as_actor()
    request = hl.register_request(rt, operator, COMPLAINT, channel=Channel.PHONE).case
    client, csrf = logged_in(app, "operator")
    page = client.get(f"/cases/{request.number}").text
    assert f'action="/cases/{request.number}/actions/dispatch"' in page
    assert f'action="/cases/{request.number}/actions/flag_supervision"' not in page
    refused = _act(client, csrf, request, "flag_supervision", {"reason": "手工督办"})
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        "「提请督办」由热线在多次退单时自动提出；需要人工督办的，请在效能监察中下达督办单"
    )
    assert [a for a, _ in _actions(rt, request.number)] == ["open"]


# -- 好差评 ----------------------------------------------------------------------------------------------------


def _finished(rt: Runtime, county: County, seq: int) -> str:
    citizen = county.users["citizen"].as_actor()
    clerk = county.users["clerk"].as_actor()
    sub = submit(rt, get_form("general"), person_values(seq), actor=citizen, channel="web")
    perform(rt, sub.case.number, "accept", clerk)
    perform(rt, sub.case.number, "finish", clerk)
    return sub.case.number


def test_an_anonymous_rectification_closes_itself_after_rectify_on_the_generic_route(
    app: FastAPI, rt: Runtime, county: County
) -> None:
    number = _finished(rt, county, 11)
    citizen = county.users["citizen"].as_actor()
    rated = ratings.rate(rt, number, level=1, channel="online", actor=citizen, anonymous=True)
    assert rated.rectification_number is not None
    rect = _load(rt, rated.rectification_number)
    clerk, csrf = logged_in(app, "window_clerk")
    assert _link(clerk.get(f"/cases/{rect.number}").text) == (
        f"/ratings/unit?unit_id={county.units['ZWFW'].id}#rect-{rect.number}"
    )
    stale = clerk.post(
        f"/api/v1/cases/{rect.number}/actions/verify",
        json={"expected_version": rect.version + 1, "data": {"finding": "调取监控核实"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert stale.status_code == 409
    assert [a for a, _ in _actions(rt, rect.number)] == ["open"]
    verified = _act(clerk, csrf, rect, "verify", {"finding": "调取监控核实"})
    assert verified.status_code == 200, verified.text
    done = _act(clerk, csrf, _load(rt, rect.number), "rectify", {"measures": "已对窗口人员开展服务规范培训"})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "closed"  # nobody to call back: closed by the system in the same transaction
    assert _actions(rt, rect.number)[-2:] == [("rectify", "clerk"), ("close_unreachable", "system")]


def test_a_callback_on_an_anonymous_rectification_is_refused(app: FastAPI, rt: Runtime, county: County) -> None:
    number = _finished(rt, county, 12)
    citizen = county.users["citizen"].as_actor()
    rated = ratings.rate(rt, number, level=2, channel="online", actor=citizen, anonymous=True)
    assert rated.rectification_number is not None
    rect = _load(rt, rated.rectification_number)
    clerk, csrf = logged_in(app, "window_clerk")
    refused = _act(clerk, csrf, rect, "contact", {"note": "电话联系评价人"})
    assert refused.status_code == 422
    assert refused.json()["message"] == "匿名评价无法联系或回访评价人"
    assert [a for a, _ in _actions(rt, rect.number)] == ["open"]


def test_an_appeal_approved_on_the_generic_route_annuls_the_rating(app: FastAPI, rt: Runtime, county: County) -> None:
    number = _finished(rt, county, 13)
    citizen = county.users["citizen"].as_actor()
    rated = ratings.rate(rt, number, level=1, channel="online", actor=citizen, comment="乱评")
    clerk = county.users["clerk"].as_actor()
    appeal = ratings.appeal(rt, rated.id, clerk, ground="malicious", explanation="评价人与办件无关，系恶意差评")
    supervisor, csrf = logged_in(app, "supervisor")
    assert _link(supervisor.get(f"/cases/{appeal.number}").text) == f"/ratings/appeals#appeal-{appeal.number}"
    decided = _act(supervisor, csrf, appeal, "approve", {"reason": "经调查属恶意评价，予以核销"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "annulled"
    with read(rt.engine) as conn:
        status = conn.execute(sa.select(ratings_table.c.status).where(ratings_table.c.id == rated.id)).scalar_one()
    assert status == "annulled"
    assert rated.rectification_number is not None
    assert _load(rt, rated.rectification_number).state == "withdrawn"
    assert _actions(rt, appeal.number)[-1] == ("approve", "supervisor")


# -- 改革任务台账 ------------------------------------------------------------------------------------------------


def test_a_progress_report_on_the_generic_route_files_the_months_report(
    app: FastAPI, rt: Runtime, county: County
) -> None:
    supervisor = county.users["supervisor"].as_actor()
    plan = parse_text(demo_plan_text(date(2026, 3, 2)))
    made = ledger.import_plan(rt, plan, supervisor, mapping=MAPPING, supervisor=SUPERVISOR)
    tasks = {row.seq: row.case_number for row in ledger.ledger_rows(rt, made.id)}
    ledger.dispatch_reports(rt, supervisor, ledger_id=made.id)
    task = _load(rt, tasks[2])  # 一窗受理改革, led by the service center, 长期坚持: reported monthly
    (report,) = [c for c in _children(rt, task) if c.kind == "ledger_report"]
    assert report.state == "due"
    clerk, csrf = logged_in(app, "window_clerk")
    assert _link(clerk.get(f"/cases/{task.number}").text) == f"/ledger/tasks/{task.number}"
    assert _link(clerk.get(f"/cases/{report.number}").text) == f"/ledger/tasks/{task.number}"
    refused = _act(clerk, csrf, report, "file", {})
    assert refused.status_code == 409
    assert refused.json()["message"] == "月调度报告随任务的「报送进展」一并报送，请在改革任务页报送"
    done = _act(clerk, csrf, task, "report", {"text": "本月新增网上可办事项 42 项", "percent": "45"})
    assert done.status_code == 200, done.text
    progress = _load(rt, task.number).payload["progress"]
    assert (progress["text"], progress["percent"], progress["status_label"]) == (
        "本月新增网上可办事项 42 项",
        45,
        "正常推进",
    )
    assert _load(rt, report.number).state == "filed"


def _children(rt: Runtime, case: Case) -> list[Case]:
    with read(rt.engine) as conn:
        return cases_repo.load_children(conn, case.id or 0)


# -- the link --------------------------------------------------------------------------------------------------


def test_the_module_page_of_each_kind(county: County) -> None:
    own = county.cases["own"]
    assert module_page(own) is None  # a generic application: the case page is its page
    application = replace(own, kind="window_application")
    page = module_page(application)
    assert page is not None
    assert (page.url, page.label) == (f"/window/applications/{own.number}", "一窗受理申请页")
    approval = module_page(replace(own, kind="window_approval"))
    assert approval is not None
    assert approval.url == f"/window/approvals/{own.number}"
    part = replace(own, kind="hotline_dispatch")
    assert module_page(part) is None  # a co-unit's part is worked on its request's page: no parent, no link
    with_parent = module_page(part, "RX2026000001")
    assert with_parent is not None
    assert with_parent.url == "/hotline/requests/RX2026000001"
