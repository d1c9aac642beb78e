"""The hotline end to end in a real Chromium (Debian's ``chromium`` through Playwright) on a real HTTP server.

An operator takes a call that the knowledge base answers on the spot; then a complaint is dispatched with the
router's suggestion, returned by the unit, re-dispatched, extended, replied, visited as 不满意, reopened and
closed — every step on the pages, by the people whose step it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from onestop.actions import hotline_kb as kb
from onestop.web.app import create_app
from tests.browser import logged_in
from tests.hotline.hotline_helpers import PASSWORD, HotlineCounty, web_users

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_argon2")]


@pytest.fixture
def app(hc: HotlineCounty) -> FastAPI:
    web_users(hc)
    return create_app(hc.rt)


def _page(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD)


def _act(page: Page, number: str, action: str, fields: dict[str, str] | None = None) -> None:
    page.goto(f"/hotline/requests/{number}")
    form = page.locator(f"#act-{action}")
    for selector, value in (fields or {}).items():
        if selector.startswith("radio:"):
            form.locator(selector.removeprefix("radio:")).check()
        elif selector.startswith("select:"):
            form.locator(selector.removeprefix("select:")).select_option(value)
        else:
            form.locator(selector).fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-ok")).to_contain_text("已完成")


def test_operator_answers_from_the_kb_and_a_complaint_goes_round(  # noqa: PLR0915
    browser: Browser, base_url: str, hc: HotlineCounty, shots: Path
) -> None:
    kb.add_entry(
        hc.rt,
        hc.operator,
        question="个体工商户营业执照怎么办理？",
        answer="携带身份证到县政务服务中心市场监管窗口办理，一般3个工作日内办结。",
        keywords=["营业执照", "个体户"],
    )
    op = _page(browser, base_url, "web_op")
    op.goto("/hotline")
    expect(op.locator("h1")).to_contain_text("12345 话务台")

    # 1. A consultation: the knowledge base answers it while the caller is on the line.
    op.select_option("#f-category", "consult")
    op.fill("#f-name", "王五")
    op.fill("#f-phone", "13800138111")
    op.fill("#f-text", "请问开个体户营业执照要去哪里办？")
    first = op.locator("#kb-results li").first
    expect(first).to_contain_text("营业执照")
    first.locator("button.use-answer").click()
    expect(op.locator("#do-answer")).to_be_enabled()
    op.click("#do-answer")
    expect(op.locator("#case-state")).to_have_text("已办结")

    # 2. A complaint: the router suggests the unit; the operator dispatches it on the same screen.
    op.goto("/hotline")
    op.fill("#f-name", "张三")
    op.fill("#f-phone", "13800138001")
    op.fill("#f-address", "东风路 12 号华润超市")
    op.fill("#f-text", "超市出售过期食品，店家拒绝退换。")
    expect(op.locator("#suggestions input[type=radio]")).to_have_count(3)
    expect(op.locator("#f-lead")).to_have_value(str(hc.units["SCJ"].id))
    op.screenshot(path=str(shots / "hotline-console.png"), full_page=False)
    op.click("#do-dispatch")
    expect(op.locator("#case-state")).to_have_text("待签收")
    number = op.locator("#case-number").inner_text()
    assert re.fullmatch(r"RX\d+", number)

    # 3. The unit sees it on its workbench and returns it.
    scj = _page(browser, base_url, "web_scj")
    scj.goto("/workbench")
    expect(scj.locator(f'tr[data-number="{number}"]')).to_be_visible()
    _act(scj, number, "return", {"#return-reason": "该超市位于住建部门管理的商业综合体内，请改派"})
    expect(scj.locator("#timeline li").last).to_contain_text("退单")

    # 4. The center re-dispatches it (the returned queue lists it).
    op.goto("/hotline/queue/returned")
    expect(op.locator(f'tr[data-number="{number}"]')).to_be_visible()
    _act(op, number, "dispatch", {"select:#dispatch-lead": str(hc.units["ZJJ"].id)})
    expect(op.locator("#lead-unit")).to_have_text("测试县住房和城乡建设局")

    # 5. The new unit signs for it, asks for an extension; the center approves it; the unit replies.
    zjj = _page(browser, base_url, "web_zjj")
    _act(zjj, number, "accept")
    _act(zjj, number, "request_extension", {"#ext-days": "3d", "#ext-reason": "需联合市场监管部门现场核查"})
    _act(op, number, "approve_extension")
    _act(zjj, number, "reply", {"#reply-text-input": "已约谈商户，下架过期食品并为诉求人退款。"})

    # 6. Reviewed, visited as 不满意 → reopened for 重办; replied again, visited as 满意 → closed.
    _act(op, number, "approve_reply")
    _act(op, number, "visit", {"radio:#visit-unsatisfied": "", "#visit-comment": "退款未到账"})
    expect(op.locator(".case-head")).to_contain_text("办理中")
    _act(zjj, number, "reply", {"#reply-text-input": "已督促商户完成退款，诉求人确认到账。"})
    _act(op, number, "approve_reply")
    _act(op, number, "visit", {"radio:#visit-satisfied": "", "#visit-comment": "满意"})
    expect(op.locator(".case-head")).to_contain_text("已办结")
    actions = op.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == [
        "open",
        "dispatch",
        "return",
        "dispatch",
        "accept",
        "request_extension",
        "approve_extension",
        "reply",
        "approve_reply",
        "visit_reopen",
        "reply",
        "approve_reply",
        "visit_close",
    ]

    # 7. The statistics page counts it: one return, one extension, two visits.
    op.goto("/hotline/stats?start=2026-03-01&end=2026-03-31&by=unit")
    expect(op.locator(f'#stats tr[data-key="{hc.units["SCJ"].id}"] td.returns')).to_have_text("1")
    expect(op.locator('#stats tr[data-key="total"]')).to_contain_text("合计")
