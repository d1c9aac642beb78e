"""The verify page and the printed QR in a real Chromium: type a number, scan the printed code, revoke.

The QR is read back from a screenshot of the printable page by an independent decoder (zxing-cpp), and the
URL it holds is opened: what a phone does with the paper.
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from fastapi import FastAPI
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.certs.conftest import PASSWORD, Issued
from tests.conftest import require

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_server import serve_in_thread

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
def base_url(app: FastAPI) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


def _page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 1400}, locale="zh-CN")
    return context.new_page()


def test_typing_a_number_verifies_it(browser: Browser, base_url: str, issued: Issued) -> None:
    page = _page(browser, base_url)
    page.goto("/verify")
    page.fill("#number", issued.firm.replace("-", " ").lower())
    page.click("#verify-form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/verify/{issued.firm}")
    result = page.locator("#verify-result")
    expect(result).to_have_attribute("data-outcome", "valid")
    expect(result).to_contain_text("食品经营许可证")
    expect(result).to_contain_text("有效")
    page.context.close()


def test_the_printed_qr_opens_the_verify_page_and_revocation_shows(
    browser: Browser, base_url: str, issued: Issued, tmp_path: Path
) -> None:
    staff = _page(browser, base_url)
    staff.goto("/login")
    staff.fill("#username", "amrweb")
    staff.fill("#password", PASSWORD)
    staff.click("#login-form button[type=submit]")
    staff.wait_for_load_state()
    staff.goto(f"/certs/{issued.firm}/print")
    staff.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    png = staff.locator("#cert-qr svg").screenshot(path=str(tmp_path / "qr.png"))
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert [f.format for f in found] == [zxingcpp.BarcodeFormat.QRCode]
    scanned = found[0].text
    assert scanned.startswith(f"{base_url}/verify/{issued.firm}?s=")

    phone = _page(browser, base_url)
    phone.goto(scanned)
    expect(phone.locator("#verify-result")).to_have_attribute("data-outcome", "valid")

    staff.goto(f"/certs/{issued.firm}")
    staff.fill("#reason", "经营者申请注销")
    staff.click("#revoke-form button[type=submit]")
    staff.wait_for_load_state()
    expect(staff.locator("#cert-outcome")).to_have_attribute("data-outcome", "revoked")

    phone.goto(scanned)
    result = phone.locator("#verify-result")
    expect(result).to_have_attribute("data-outcome", "revoked")
    expect(result).to_contain_text("经营者申请注销")
    phone.screenshot(path=str(tmp_path / "verify-revoked.png"), full_page=True)
    staff.context.close()
    phone.context.close()
