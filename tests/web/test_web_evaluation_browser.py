"""营商环境评价 in a real Chromium: the 营商办 reads the scores and charts, opens the county's tree, and
approves the value a department submitted; the approved value is then scored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from web_helpers import PASSWORD, County

from onestop.actions.runtime import Runtime
from onestop.demo.county import DemoCounty
from onestop.demo.evaluation import EvaluationSimulation, simulate_evaluation
from onestop.web.app import create_app
from tests.browser import WIDE, logged_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sim(rt: Runtime, county: County) -> EvaluationSimulation:
    return simulate_evaluation(rt, DemoCounty(county.units, county.users, {}), now=rt.now())


@pytest.fixture
def app(rt: Runtime, sim: EvaluationSimulation) -> FastAPI:
    """The county's app, started once the quarter is simulated."""
    return create_app(rt)


def _page(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD, WIDE)


def test_scores_tree_and_review(browser: Browser, base_url: str, sim: EvaluationSimulation, shots: Path) -> None:
    page = _page(browser, base_url, "supervisor")
    page.goto("/evaluation")
    expect(page.locator("h1")).to_contain_text("2026年第一季度")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert sim.overall is not None
    expect(page.locator("#ranking .overall")).to_have_text(f"{sim.overall:.2f}")
    page.screenshot(path=str(shots / "evaluation.png"), full_page=False)
    page.click("#ranking a")
    expect(page.locator("#overall")).to_have_text(f"{sim.overall:.2f}")
    waiting = sim.waiting[0]
    row = page.locator(f'tr[data-component="{waiting}"]')
    expect(row).to_contain_text("缺失")  # submitted, not yet reviewed: not scored
    page.click("text=指标填报与审核")
    entry = page.locator(f'div.entry[data-key="{waiting}"]')
    expect(entry).to_have_attribute("data-status", "submitted")
    entry.locator(".approve-form button").click()
    expect(page.locator("#done")).to_contain_text("已审核通过")
    expect(page.locator(f'div.entry[data-key="{waiting}"]')).to_have_attribute("data-status", "approved")
    page.goto("/evaluation")
    page.click("#ranking a")
    expect(page.locator(f'tr[data-component="{waiting}"]')).to_contain_text("单位填报")
