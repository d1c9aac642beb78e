"""The supervisor's dashboard in a real Chromium (Debian's ``chromium`` through Playwright): the overview with
drill-down into the workbench, the ranking with its chart, bulletin links; and the scorecard changing when the
unit rectifies a 差评 on its case page (整改 done: 差评整改率 50 % → 100 %, 甲局 45.50 → 55.50)."""

from __future__ import annotations

from pathlib import Path

import pytest
from oversight_scenario import PASSWORD, County
from playwright.sync_api import Browser, Page, expect

from tests.browser import WIDE, logged_in

pytestmark = pytest.mark.browser


def _login(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD, WIDE)


def test_supervisor_dashboard_and_the_scorecard_after_rectification(
    browser: Browser, base_url: str, october_web: County, shots: Path
) -> None:
    supervisor = _login(browser, base_url, "supervisor")
    supervisor.goto("/oversight?period=2026-10")
    expect(supervisor.locator("h1")).to_contain_text("效能监察")
    row = supervisor.locator('#overview tr[data-unit="测试县甲局"]')
    expect(row.locator('td[data-colour="overdue"]')).to_have_text("3")
    expect(supervisor.locator('#ranking tr[data-unit="测试县甲局"] td.total')).to_have_text("45.50")
    chart = supervisor.locator("#ranking-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 100  # the SVG chart decoded and drawn
    expect(supervisor.locator("#bulletin-links a")).to_have_count(3)
    supervisor.screenshot(path=str(shots / "oversight-dashboard.png"), full_page=False)
    # Drill down: 甲局's overdue cases in the workbench.
    row.locator('td[data-colour="overdue"] a').click()
    supervisor.wait_for_load_state()
    expect(supervisor.locator(f'tr[data-number="{october_web.cases["A3"].number}"]')).to_be_visible()
    expect(supervisor.locator(f'tr[data-number="{october_web.cases["B1"].number}"]')).to_have_count(0)

    # The unit rectifies the open 差评 (A4's) on the case page; the rating was anonymous: no call-back, so the
    # rectification closes itself once rectified (the ratings module's rule, kept on the generic page too).
    unit = _login(browser, base_url, "a")
    unit.goto(f"/cases/{october_web.rectifications['A4']}")
    unit.fill("#verify-finding", "属实：告知不清")
    unit.click("#action-verify button[type=submit]")
    unit.fill("#rectify-measures", "已重新培训窗口人员")
    unit.click("#action-rectify button[type=submit]")
    expect(unit.locator("body")).to_contain_text("整改完成")
    expect(unit.locator("#action-close_unreachable")).to_have_count(0)

    # (30×25 + 30×33.33 + 20×100 + 10×80 + 10×100) ÷ 100 = 55.50; still last, still below 60.
    supervisor.goto("/oversight/scorecards?period=2026-10")
    flagged = supervisor.locator('#ranking tr[data-unit="测试县甲局"]')
    expect(flagged.locator("td.total")).to_have_text("55.50")
    expect(flagged).to_have_attribute("data-interview", "yes")
    expect(supervisor.locator('#measures tr[data-unit="测试县甲局"] td[data-key="rectification_rate"]')).to_have_text(
        "100.0%"
    )
