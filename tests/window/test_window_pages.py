"""The window's pages through a test client: intake with 免提交, the notice, the queues, who sees what."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from window_helpers import County, all_materials, credit_code, csrf_of, file, login

from onestop.actions import window


def _client(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app)
    login(client, username)
    return client


def _licensed_enterprise(county: County) -> str:
    """An enterprise that went through 企业开办, so it holds a 营业执照; its credit code."""
    sub = file(county, "qykb", details={"enterprise_name": "和平县东江建材有限公司"})
    app = window.accept(county.rt, sub.case.number, county.clerk)
    code = credit_code(21)
    for dept, approval in county.approvals(app).items():
        window.approve(county.rt, approval.number, county.approvers[dept], credit_code=code if dept == "SCJ" else None)
    window.issue(county.rt, app.number, county.clerk)
    return code


def test_intake_form_shows_which_materials_are_exempt_and_why(app: FastAPI, county: County) -> None:
    code = _licensed_enterprise(county)
    clerk = _client(app, "clerk")
    desk = clerk.get("/window")
    assert desk.status_code == 200
    assert "企业开办" in desk.text
    assert "SCJ005" in desk.text
    page = clerk.get(f"/window/intake/SCJ005?applicant_kind=enterprise&applicant_name=x&id_number={code}")
    assert page.status_code == 200
    row = page.text.split('data-code="business_license"')[1].split("</tr>")[0]
    assert "免提交" in row
    assert "营业执照" in row
    assert "有效电子证照" in row
    plain = clerk.get("/window/intake/SCJ005")
    assert "免提交" not in plain.text.split('data-code="business_license"')[1].split("</tr>")[0]
    bad = clerk.get("/window/intake/SCJ005?applicant_kind=enterprise&id_number=91441624MA0000001X")
    assert bad.status_code == 422
    assert "统一社会信用代码" in bad.text


def test_intake_submit_and_the_notice(app: FastAPI, county: County) -> None:
    clerk = _client(app, "clerk")
    form_page = clerk.get("/window/intake/GAJ003").text
    # The form itself carries the session's token (not only the page's meta tag).
    assert re.search(r'id="intake-form">\s*<input type="hidden" name="csrf_token" value="[^"]+"', form_page)
    token = csrf_of(form_page)
    person = county.person()
    data = {
        "csrf_token": token,
        "applicant_kind": "person",
        "applicant_name": "李雷",
        "id_number": person.id_number,
        "phone": "13800138000",
        "material": ["applicant_id"],
        "form_applicant_id": "copy",
    }
    receipt = clerk.post("/window/intake/GAJ003", data=data)
    assert receipt.status_code == 201
    assert "已登记收件" in receipt.text
    number = receipt.text.split('id="case-number">')[1].split("<")[0]
    page = clerk.get(f"/window/applications/{number}")
    assert page.status_code == 200
    assert "待受理" in page.text
    token = csrf_of(page.text)
    refused = clerk.post(f"/window/applications/{number}/accept", data={"csrf_token": token, "expected_version": "2"})
    assert refused.status_code == 422
    assert "一次性告知书" in refused.text
    done = clerk.post(
        f"/window/applications/{number}/notify",
        data={"csrf_token": token, "expected_version": "2", "note": "请携带原件"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    notice = clerk.get(f"/window/applications/{number}/notice")
    assert notice.status_code == 200
    assert "一次性告知书" in notice.text
    assert "申请人身份证明：须提交原件，收到的是复印件" in notice.text
    assert "查询用途说明：未提交" in notice.text
    wrong = clerk.post("/window/intake/GAJ003", data={**data, "id_number": "110101199003071234", "csrf_token": token})
    assert wrong.status_code == 422
    assert "身份证号" in wrong.text


def test_queues_and_visibility(app: FastAPI, county: County) -> None:
    sub = file(county, "SCJ005", county.enterprise("和平县青山食品有限公司", "MA0000501"))
    accepted = window.accept(county.rt, sub.case.number, county.clerk)
    (approval,) = county.approvals(accepted).values()
    scj = _client(app, "ap_scj")
    queue = scj.get("/window/approvals")
    assert queue.status_code == 200
    assert approval.number in queue.text
    page = scj.get(f"/window/approvals/{approval.number}")
    token = csrf_of(page.text)
    approved = scj.post(
        f"/window/approvals/{approval.number}/approve",
        data={"csrf_token": token, "expected_version": str(approval.version), "opinion": "同意"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert county.load(approval.number).state == "approved"
    gaj = _client(app, "ap_gaj")
    assert gaj.get(f"/window/approvals/{approval.number}").status_code == 404
    assert gaj.get(f"/window/applications/{sub.case.number}").status_code == 404
    assert gaj.get("/window/intake/SCJ005").status_code == 403
    citizen = _client(app, "citizen")
    assert citizen.get("/window", follow_redirects=False).headers["location"] == "/window/apply"
    assert citizen.get(f"/window/applications/{sub.case.number}").status_code == 404
    clerk = _client(app, "clerk")
    issuance = clerk.get("/window/issuance")
    assert issuance.status_code == 200
    assert sub.case.number in issuance.text


def test_online_application_page(app: FastAPI, county: County) -> None:
    citizen = _client(app, "citizen")
    form = citizen.get("/window/apply/GAJ003")
    assert form.status_code == 200
    assert "电子材料" in form.text
    person = county.person()
    created = citizen.post(
        "/window/apply/GAJ003",
        data={
            "csrf_token": csrf_of(form.text),
            "applicant_kind": "person",
            "applicant_name": "韩梅梅",
            "id_number": person.id_number,
            "material": [m.code for m in all_materials("GAJ003")],
        },
    )
    assert created.status_code == 201
    assert "网上预审" in created.text
    number = created.text.split('id="case-number">')[1].split("<")[0]
    mine = citizen.get("/window/apply")
    assert number in mine.text
    progress = citizen.get(f"/window/applications/{number}")
    assert progress.status_code == 200
    assert "网上预审" in progress.text
