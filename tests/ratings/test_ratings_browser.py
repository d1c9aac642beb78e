"""End to end in a real Chromium: a citizen gives a 差评 on a finished application, the unit contacts the rater,
verifies, rectifies and calls back; the supervisor's ratings statistics show 整改率 and 回访率 move from 0 % to
100 %, and the oversight module's unit scorecard (综合考评, /oversight/scorecards) shows the unit's 差评整改率 move
the same way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import logged_in
from tests.ratings.conftest import PASSWORD, County, finished_case

pytestmark = pytest.mark.browser


def _as(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD)


def _figures(page: Page) -> tuple[str, str]:
    page.goto("/ratings?month=2026-03")
    row = page.locator("#stats-table tbody tr").first
    return (
        row.locator('[data-col="rectification_rate"]').inner_text(),
        row.locator('[data-col="callback_rate"]').inner_text(),
    )


def _scorecard(page: Page) -> str:
    page.goto("/oversight/scorecards?period=2026-03")
    cell = page.locator('#measures tr[data-unit="测试县政务服务中心"] td[data-key="rectification_rate"]')
    return cell.inner_text().strip()


def _step(page: Page, number: str, step: str, label: str, *, text: str, result: str | None = None) -> None:
    page.locator(f"#rect-{number} summary", has_text=label).click()
    form = page.locator(f"#step-{number}-{step}")
    if result is not None:
        form.locator("select[name=result]").select_option(label=result)
    form.locator("textarea").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-ok")).to_be_visible()


def test_a_bad_rating_is_rectified_and_the_figures_change(browser: Browser, base_url: str, web_county: County) -> None:
    number, _ = finished_case(web_county)

    citizen = _as(browser, base_url, "citizen")
    citizen.goto(f"/ratings/rate/{number}")
    expect(citizen.locator("#rate")).to_contain_text("个体工商户名称变更")
    citizen.check("#level-1")
    citizen.locator("label.check", has_text="多次跑腿").locator("input").check()
    citizen.fill("#comment", "材料要求前后不一致，跑了三次")
    citizen.click("#rate-form button[type=submit]")
    expect(citizen.locator("#thanks")).to_contain_text("非常不满意")
    expect(citizen.locator("#rectification")).to_contain_text("工作人员将在 1 个工作日内联系您")
    rect = citizen.locator("#rectification").inner_text().split("整改编号 ")[1].split("）")[0]

    supervisor = _as(browser, base_url, "supervisor")
    assert _figures(supervisor) == ("0.0%", "0.0%")
    before = _scorecard(supervisor)

    clerk = _as(browser, base_url, "clerk")
    clerk.goto("/ratings/unit")
    row = clerk.locator(f"#rect-{rect}")
    expect(row).to_contain_text("待核实")
    expect(row).to_contain_text("待联系")
    _step(clerk, rect, "contact", "联系评价人", text="已电话联系评价人，了解到告知单与窗口口径不一致")
    expect(clerk.locator(f"#rect-{rect}")).to_contain_text("已联系")
    _step(clerk, rect, "verify", "核实", text="经核实属实：告知单未更新")
    _step(clerk, rect, "rectify", "整改", text="更新一次性告知单，对窗口人员培训")
    _step(clerk, rect, "callback", "回访评价人", text="评价人对整改表示满意", result="满意")
    expect(clerk.locator(f"#rect-{rect}")).to_contain_text("整改完成")
    expect(clerk.locator(f"#rect-{rect}")).to_contain_text("回访：满意")

    assert _figures(supervisor) == ("100.0%", "100.0%")
    expect(supervisor.locator('#figures [data-figure="rectification_rate"]')).to_contain_text("100.0%")
    after = _scorecard(supervisor)
    assert before.startswith("0")
    assert after.startswith("100")
