"""营商环境评价 in a real Chromium: the 营商办 reads the scores and charts, opens the county's tree, and
approves the value a department submitted; the approved value is then scored."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import PASSWORD, County
from web_server import serve_in_thread

from onestop.actions.runtime import Runtime
from onestop.demo.county import DemoCounty
from onestop.demo.evaluation import EvaluationSimulation, simulate_evaluation
from tests.conftest import IN_CI, require

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    require(executable is not None, "chromium is not on PATH (Debian: apt-get install -y chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def sim(rt: Runtime, county: County) -> EvaluationSimulation:
    return simulate_evaluation(rt, DemoCounty(county.units, county.users, {}), now=rt.now())


@pytest.fixture
def base_url(app: FastAPI, sim: EvaluationSimulation) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if IN_CI:
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def _page(browser: Browser, base_url: str, username: str) -> Page:
    page = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    return page


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
