"""The pages in a real Chromium (Debian's ``chromium``, driven by Playwright) against a real HTTP server.

Each role logs in and sees its own workbench; a clerk acts on a case and sees the timeline grow; the public
submits a request and finds it again by number and verification code. Screenshots of the main pages go to
``docs/screenshots/`` when ONESTOP_SCREENSHOTS=1 or in CI (elsewhere to a temporary folder).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect
from web_helpers import PASSWORD, County, person_values

from tests.browser import login, new_page

pytestmark = pytest.mark.browser

DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}


def test_each_role_sees_its_own_workbench(browser: Browser, base_url: str, county: County, shots: Path) -> None:
    expectations = {
        # username: (heading, numbers that must be listed, numbers that must not)
        "clerk": ("我的待办", [county.cases["pending"].number, county.cases["other"].number], []),
        "scj": ("我的待办", [county.cases["sp_scj"].number], [county.cases["sp_gaj"].number]),
        "gaj": ("我的待办", [county.cases["sp_gaj"].number], [county.cases["sp_scj"].number]),
        "handler": ("", [], [county.cases["own"].number]),
        "supervisor": ("我的待办", [county.cases["sp_scj"].number], []),
        "admin": ("全部办件", [], []),
    }
    for username, (heading, present, absent) in expectations.items():
        page = new_page(browser, base_url, DESKTOP)
        login(page, base_url, username, PASSWORD)
        if username == "admin":
            expect(page.locator("h1")).to_contain_text("系统管理")
            page.goto("/workbench")
        expect(page.locator("h1")).to_contain_text(heading)
        for number in present:
            expect(page.locator(f'tr[data-number="{number}"]')).to_be_visible()
        for number in absent:
            expect(page.locator(f'tr[data-number="{number}"]')).to_have_count(0)
        if username == "handler":  # the town's handler sees none of the service center's work
            expect(page.locator(".empty")).to_contain_text("没有符合条件的办件")
        if username == "clerk":
            page.screenshot(path=str(shots / "workbench.png"))
        page.context.close()


def test_clerk_acts_and_the_timeline_grows(browser: Browser, base_url: str, county: County, shots: Path) -> None:
    number = county.cases["pending"].number
    page = new_page(browser, base_url, DESKTOP)
    login(page, base_url, "clerk", PASSWORD)
    page.click(f'tr[data-number="{number}"] a')
    expect(page.locator("h1")).to_contain_text(number)
    entries = page.locator("#timeline li")
    expect(entries).to_have_count(1)
    page.click("#action-accept button[type=submit]")
    expect(page.locator(".alert-ok")).to_contain_text("已完成：受理")
    expect(entries).to_have_count(2)
    expect(entries.last).to_contain_text("受理")
    expect(page.locator(".clock-panel")).to_contain_text("20个工作日")
    # 一次性告知补正 without the list: refused, naming the field; with it: the clock pauses.
    page.click("#action-request_supplement button[type=submit]")
    expect(page.locator("#action-request_supplement .field-error")).to_contain_text("补正材料清单")
    page.fill("#request_supplement-items", "营业执照副本\n法定代表人身份证明")
    page.click("#action-request_supplement button[type=submit]")
    expect(entries).to_have_count(3)
    expect(entries.last).to_contain_text("营业执照副本")
    expect(page.locator(".clock-panel")).to_contain_text("暂停")
    page.screenshot(path=str(shots / "case.png"), full_page=True)
    # Personal data: masked until revealed, and the reveal is recorded.
    masked = page.locator("#party-id").inner_text()
    assert "*" in masked
    page.click("#reveal-pii")
    assert "*" not in page.locator("#party-id").inner_text()


def test_stale_form_is_refused_with_409(browser: Browser, base_url: str, county: County) -> None:
    number = county.cases["pending"].number
    first, second = new_page(browser, base_url, DESKTOP), new_page(browser, base_url, DESKTOP)
    for page in (first, second):
        login(page, base_url, "clerk", PASSWORD)
        page.goto(f"/cases/{number}")
    first.click("#action-accept button[type=submit]")
    expect(first.locator(".alert-ok")).to_be_visible()
    with second.expect_response(re.compile(r"/actions/accept$")) as answer:
        second.click("#action-accept button[type=submit]")
    assert answer.value.status == 409
    expect(second.locator("#action-error")).to_contain_text("已被他人修改")


def test_public_submits_and_finds_the_submission(browser: Browser, base_url: str, county: County, shots: Path) -> None:
    page = new_page(browser, base_url, PHONE)
    page.goto("/public")
    page.click("a[href='/public/apply/general']")
    values = person_values(40)
    page.select_option("#f-applicant_kind", values["applicant_kind"])
    for name in ("applicant_name", "phone", "item", "description"):
        page.fill(f"#f-{name}", values[name])
    page.fill("#f-id_number", values["id_number"][:-1] + ("0" if values["id_number"][-1] != "0" else "1"))
    page.click("#intake-form button[type=submit]")
    expect(page.locator("#err-id_number")).to_contain_text("校验位")
    page.fill("#f-id_number", values["id_number"])
    page.screenshot(path=str(shots / "public-form-phone.png"), full_page=True)
    page.click("#intake-form button[type=submit]")
    number = page.locator("#case-number").inner_text()
    code = page.locator("#verification-code").inner_text()
    assert number.startswith("SQ")
    page.screenshot(path=str(shots / "receipt-phone.png"))
    page.click("text=查询进度")
    expect(page.locator("#number")).to_have_value(number)
    page.fill("#code", "WRONGCODE")
    page.click("#lookup-form button[type=submit]")
    expect(page.locator(".alert-error")).to_contain_text("办件编号或查询码不正确")
    page.fill("#code", code.lower())
    page.click("#lookup-form button[type=submit]")
    expect(page.locator("#public-case h1")).to_contain_text(number)
    expect(page.locator("#public-case")).to_contain_text("待受理")
    page.screenshot(path=str(shots / "lookup-phone.png"), full_page=True)


def test_citizen_account_and_admin_pages(browser: Browser, base_url: str, county: County, shots: Path) -> None:
    page = new_page(browser, base_url, DESKTOP)
    login(page, base_url, "citizen", PASSWORD)
    expect(page.locator("h1")).to_contain_text("我的申请")
    own = county.cases["own"].number
    page.click(f'tr[data-number="{own}"] a')
    expect(page.locator(".steps li")).to_have_count(2)
    page.context.close()

    page = new_page(browser, base_url, DESKTOP)
    login(page, base_url, "admin", PASSWORD)
    page.goto("/admin/users")
    page.fill("#username", "liuyang")
    page.fill("#display_name", "住建局审批员 刘洋")
    page.select_option("#unit_id", str(county.units["ZJJ"].id))
    page.check("input[name=roles][value=approver]")
    page.fill("#password", "Liu-yang-2026")
    page.click("#user-form button[type=submit]")
    expect(page.locator(".alert-ok")).to_contain_text("用户已创建")
    page.goto("/admin/calendar")
    expect(page.locator("#import-command")).to_contain_text("onestop calendar import")
    expect(page.locator("#years")).to_contain_text("2026")
    page.screenshot(path=str(shots / "admin-calendar.png"))
