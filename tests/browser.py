"""What every browser test stands on: Chromium through Playwright, the app on a live server, logging in.

A plugin of ``tests/conftest.py``, so every test module has the ``browser``, ``base_url`` and ``shots``
fixtures. ``base_url`` serves the ``app`` fixture of the test's directory; a module whose pages need other
data overrides ``app``. Without Chromium a browser test skips locally and fails in CI (``require``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.conftest import IN_CI, require
from tests.web.web_server import ROOT, serve_in_thread

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDE: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    require(executable is not None, "chromium is not on PATH (Debian: apt-get install -y chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``docs/screenshots/`` in CI or with ONESTOP_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("ONESTOP_SCREENSHOTS") == "1" or IN_CI:
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def new_page(browser: Browser, base_url: str, viewport: ViewportSize | None = None) -> Page:
    """A page in a fresh context (its own cookies): one person at one browser. No viewport: Playwright's."""
    return browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN").new_page()


def login(page: Page, base_url: str, username: str, password: str) -> Page:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    return page


def logged_in(
    browser: Browser, base_url: str, username: str, password: str, viewport: ViewportSize | None = None
) -> Page:
    return login(new_page(browser, base_url, viewport), base_url, username, password)
