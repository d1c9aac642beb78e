"""一窗受理 in a real Chromium against a real HTTP server.

A clerk takes a 企业开办 bundle at the window; the five departments (and the bank's window) approve in parallel;
the clerk issues the certificates at one window; the new enterprise comes back for a food business licence and
its 营业执照 is 免提交.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from window_helpers import PASSWORD, County, credit_code

from tests.browser import WIDE, logged_in

pytestmark = pytest.mark.browser


def _session(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD, WIDE)


def _tick_all(page: Page) -> None:
    for box in page.locator("#intake-form input[name=material]").all():
        box.check()


def _departments_approve(browser: Browser, base_url: str, number: str, code: str) -> None:
    """Each department works its own queue, in parallel; the market regulator registers the enterprise."""
    for username in ("ap_scj", "ap_gaj", "ap_swj", "ap_rsj", "ap_gjj", "ap_nsh"):
        dept = _session(browser, base_url, username)
        dept.goto("/window/approvals")
        row = dept.locator(f'#queue tr[data-application="{number}"]')
        expect(row).to_have_count(1)
        row.locator("a").click()
        if username == "ap_scj":
            dept.fill("#credit_code", code)
        dept.click("#action-approve button[type=submit]")
        expect(dept.locator(".alert-ok")).to_contain_text("已办理")
        dept.context.close()


def test_enterprise_bundle_parallel_approval_certificates_and_paperless_return(
    browser: Browser, base_url: str, county: County, shots: Path
) -> None:
    clerk = _session(browser, base_url, "clerk")
    clerk.goto("/window")
    clerk.click('#bundles a[data-code="qykb"]')
    expect(clerk.locator("h1")).to_contain_text("企业开办")
    clerk.fill("#applicant_name", "赵六")
    clerk.fill("#id_number", county.person().id_number)
    clerk.fill("#phone", "13800138000")
    clerk.fill("#enterprise_name", "和平县阳明农业科技有限公司")
    _tick_all(clerk)
    clerk.click("#submit-application")
    assert "已登记收件" in clerk.locator("h1").inner_text(), clerk.locator("main").inner_text()
    number = clerk.locator("#case-number").inner_text()
    clerk.click("#open-application")
    expect(clerk.locator(".case-head")).to_contain_text("待受理")
    clerk.click("#action-accept button[type=submit]")
    expect(clerk.locator(".alert-ok")).to_contain_text("已完成：受理")
    expect(clerk.locator("#approvals tbody tr")).to_have_count(6)
    clerk.screenshot(path=str(shots / "window-bundle.png"), full_page=False)

    code = credit_code(88)
    _departments_approve(browser, base_url, number, code)

    clerk.goto("/window/issuance")
    clerk.click(f'#issuance tr[data-number="{number}"] a')
    expect(clerk.locator(".case-head")).to_contain_text("已办结，待出件")
    clerk.click("#action-issue button[type=submit]")
    expect(clerk.locator("#results .cert-number")).to_have_count(6)
    clerk.fill("#recipient", "赵六")
    clerk.click("#action-deliver button[type=submit]")
    expect(clerk.locator(".case-head")).to_contain_text("已送达")

    # The new enterprise applies for a food business licence: its licence comes from the certificate.
    clerk.goto("/window/intake/SCJ005")
    clerk.select_option("#applicant_kind", "enterprise")
    clerk.fill("#applicant_name", "和平县阳明农业科技有限公司")
    clerk.fill("#id_number", code)
    clerk.click("#verify-certs")
    exempt = clerk.locator('#materials tr[data-code="business_license"]')
    expect(exempt).to_contain_text("免提交")
    expect(exempt).to_contain_text("营业执照")
    exempt.scroll_into_view_if_needed()
    clerk.screenshot(path=str(shots / "window-paperless.png"), full_page=False)
    _tick_all(clerk)
    clerk.click("#submit-application")
    clerk.click("#open-application")
    expect(clerk.locator('#materials tr[data-code="business_license"]')).to_contain_text("免提交")
    clerk.click("#action-accept button[type=submit]")
    expect(clerk.locator(".case-head")).to_contain_text("审批中")
    clerk.context.close()
