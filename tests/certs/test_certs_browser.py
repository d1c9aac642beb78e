"""The verify page and the printed QR in a real Chromium: type a number, scan the printed code, revoke.

The QR is read back from a screenshot of the printable page by an independent decoder (zxing-cpp), and the
URL it holds is opened: what a phone does with the paper.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser import login, new_page
from tests.certs.conftest import PASSWORD, Issued

pytestmark = pytest.mark.browser


def _page(browser: Browser, base_url: str) -> Page:
    return new_page(browser, base_url, {"width": 1100, "height": 1400})


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
    browser: Browser, base_url: str, issued: Issued, tmp_path: Path, shots: Path
) -> None:
    staff = login(_page(browser, base_url), base_url, "amrweb", PASSWORD)
    staff.goto(f"/certs/{issued.firm}/print")
    staff.screenshot(path=str(shots / "certificate-print.png"), full_page=True)
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
