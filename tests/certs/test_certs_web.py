"""The public verify page and API, staff pages and API, the holder's own certificates (TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from onestop.certs.qr import qr_svg
from onestop.db.engine import read
from onestop.db.tables import audit_log
from tests.certs.conftest import CSRF_INPUT, PASSWORD, REGION, County, Issued


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _login(app: FastAPI, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": CSRF_INPUT.search(page.text).group(1)},  # type: ignore[union-attr]
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/verify").text)
    assert token is not None
    return client, token.group(1)


# -- public --------------------------------------------------------------------------------------------------


def test_verify_page_shows_the_face_only(client: TestClient, issued: Issued, county: County) -> None:
    page = client.get(f"/verify/{issued.person}")
    assert page.status_code == 200
    assert 'data-outcome="valid"' in page.text
    assert "有效" in page.text
    assert "个体工商户营业执照" in page.text
    assert county.person.name in page.text
    masked = county.person.id_number[:4] + "*" * 10 + county.person.id_number[-4:]
    assert masked in page.text
    assert county.person.id_number not in page.text
    assert "个人经营" not in page.text  # the certificate's data is not public
    assert "和平县市场监督管理局" in page.text


def test_verify_form_redirects_to_the_canonical_number(client: TestClient, issued: Issued) -> None:
    typed = issued.firm.replace("-", "").lower()
    response = client.get("/verify", params={"number": typed}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/verify/{issued.firm}"
    bad = client.get("/verify", params={"number": "<b>1</b>"})
    assert bad.status_code == 422
    assert "证照编号格式不正确" in bad.text
    unknown = client.get(f"/verify/YYZZ-{REGION}-2026-009999")
    assert 'data-outcome="unknown"' in unknown.text
    assert "不存在" in unknown.text


def test_verify_api_by_number(client: TestClient, issued: Issued) -> None:
    body = client.get(f"/api/v1/certs/{issued.firm}/verify").json()
    assert body["outcome"] == "valid"
    assert body["outcome_label"] == "有效"
    assert body["type_label"] == "食品经营许可证"
    assert body["valid_until"] == "2031-09-27"
    assert "data" not in body
    altered = client.get(f"/api/v1/certs/{issued.firm}/verify", params={"s": "00000000deadbeef"}).json()
    assert altered["outcome"] == "altered"
    assert client.get(f"/api/v1/certs/{issued.firm}/verify", params={"s": "<x>"}).status_code == 422


def test_unknown_numbers_are_throttled_per_address(client: TestClient, issued: Issued) -> None:
    for serial in range(20):
        answer = client.get(f"/api/v1/certs/YYZZ-{REGION}-2026-{900000 + serial}/verify")
        assert answer.json()["outcome"] == "unknown"
    blocked = client.get(f"/api/v1/certs/{issued.firm}/verify")
    assert blocked.status_code == 429
    assert blocked.json()["field"] == "number"
    assert "次数过多" in blocked.json()["message"]


def test_verify_api_with_a_document(app: FastAPI, issued: Issued, county: County) -> None:
    staff, _token = _login(app, "amrweb")
    document = staff.get(f"/api/v1/certs/{issued.firm}/document").json()
    assert document["holder"]["id_number"] == county.firm.id_number
    with read(county.rt.engine) as conn:
        exported = conn.execute(
            sa.select(audit_log.c.username, audit_log.c.target).where(audit_log.c.action == "cert_exported")
        ).all()
    assert [tuple(r) for r in exported] == [("amrweb", issued.firm)]
    assert TestClient(app).get(f"/api/v1/certs/{issued.firm}/document").status_code == 401
    anonymous = TestClient(app)
    assert anonymous.post("/api/v1/certs/verify", json=document).json()["outcome"] == "valid"
    document["data"]["经营项目"] = "预包装食品销售，散装食品销售"
    assert anonymous.post("/api/v1/certs/verify", json=document).json()["outcome"] == "altered"
    malformed = anonymous.post("/api/v1/certs/verify", json={**document, "issued_at": "yesterday"})
    assert malformed.status_code == 422
    assert malformed.json()["field"] == "issued_at"
    assert anonymous.post("/api/v1/certs/verify", json=[1, 2]).status_code == 422


# -- staff ---------------------------------------------------------------------------------------------------


def test_staff_list_and_page_are_scoped_to_the_issuing_unit(app: FastAPI, issued: Issued) -> None:
    amr, _ = _login(app, "amrweb")
    tax, _ = _login(app, "taxweb")
    listing = amr.get("/certs")
    assert listing.status_code == 200
    assert issued.firm in listing.text
    assert issued.person in listing.text
    api = amr.get("/api/v1/certs").json()
    assert api["total"] == 2
    assert tax.get("/api/v1/certs").json()["total"] == 0
    assert tax.get(f"/certs/{issued.firm}").status_code == 404
    assert tax.get(f"/api/v1/certs/{issued.firm}").status_code == 404
    page = amr.get(f"/certs/{issued.firm}")
    assert "预包装食品销售" in page.text
    assert 'id="revoke-form"' in page.text
    assert TestClient(app).get("/certs", follow_redirects=False).status_code in {303, 401}


def test_revoke_through_the_page_then_public_sees_revoked(app: FastAPI, issued: Issued) -> None:
    amr, token = _login(app, "amrweb")
    empty = amr.post(f"/certs/{issued.firm}/revoke", data={"reason": "", "csrf_token": token})
    assert empty.status_code == 422
    assert "请填写注销原因" in empty.text
    done = amr.post(
        f"/certs/{issued.firm}/revoke", data={"reason": "经营者申请注销", "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    public = TestClient(app).get(f"/verify/{issued.firm}")
    assert 'data-outcome="revoked"' in public.text
    assert "经营者申请注销" in public.text
    again = amr.post(
        f"/api/v1/certs/{issued.firm}/revoke", json={"reason": "再次注销"}, headers={"X-CSRF-Token": token}
    )
    assert again.status_code == 409


def test_revoke_api_needs_csrf_and_the_issuing_unit(app: FastAPI, issued: Issued) -> None:
    amr, token = _login(app, "amrweb")
    tax, tax_token = _login(app, "taxweb")
    assert amr.post(f"/api/v1/certs/{issued.firm}/revoke", json={"reason": "x"}).status_code == 403  # no CSRF
    other = tax.post(f"/api/v1/certs/{issued.firm}/revoke", json={"reason": "x"}, headers={"X-CSRF-Token": tax_token})
    assert other.status_code == 404
    ok = amr.post(f"/api/v1/certs/{issued.firm}/revoke", json={"reason": "吊销"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    assert ok.json()["outcome"] == "revoked"
    assert ok.json()["revoke_reason"] == "吊销"


def test_printable_page_carries_the_qr_of_the_verify_url(app: FastAPI, issued: Issued) -> None:
    amr, _ = _login(app, "amrweb")
    page = amr.get(f"/certs/{issued.firm}/print")
    assert page.status_code == 200
    match = re.search(r'data-url="([^"]+)"', page.text)
    assert match is not None
    url = match.group(1)
    assert re.fullmatch(rf"http://testserver/verify/{issued.firm}\?s=[0-9a-f]{{16}}", url)
    assert qr_svg(url) in page.text
    assert "预包装食品销售" in page.text
    # The URL the QR carries verifies as valid.
    assert 'data-outcome="valid"' in TestClient(app).get(url.removeprefix("http://testserver")).text


def test_the_holders_account_sees_its_own_certificate_only(app: FastAPI, issued: Issued) -> None:
    citizen, _ = _login(app, "citizen")
    stranger, _ = _login(app, "citizen2")
    assert [c["number"] for c in citizen.get("/api/v1/certs").json()["items"]] == [issued.person]
    page = citizen.get(f"/certs/{issued.person}")
    assert page.status_code == 200
    assert 'id="revoke-form"' not in page.text
    assert citizen.get(f"/certs/{issued.person}/print").status_code == 200
    assert citizen.get(f"/certs/{issued.firm}").status_code == 404
    assert stranger.get(f"/certs/{issued.person}").status_code == 404
    assert stranger.get("/api/v1/certs").json()["total"] == 0
    assert citizen.post(f"/certs/{issued.person}/revoke", data={"reason": "x"}).status_code in {403, 404}
