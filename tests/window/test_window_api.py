"""The window's JSON API: filing, acting, reading, and the Chinese 4xx answers for bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from window_helpers import County, all_materials, credit_code, login

from onestop.actions import window


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _as(app: FastAPI, username: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)
    token = login(client, username)
    return client, {"X-CSRF-Token": token}


def _materials(target: str, skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return [{"code": m.code, "form": m.form} for m in all_materials(target, skip=skip)]


APPLICANT = {"kind": "person", "name": "张三", "id_number": "", "phone": "13800138000"}


def _person(county: County) -> dict[str, str]:
    return {**APPLICANT, "id_number": county.person().id_number}


def test_catalogue_is_public(client: TestClient) -> None:
    body = client.get("/api/v1/window/catalog").json()
    assert len(body["items"]) >= 30
    assert {b["code"] for b in body["bundles"]} == {"qykb", "bdcdj", "gcjs"}
    qykb = client.get("/api/v1/window/catalog/qykb?variant=express").json()
    assert qykb["limit"] == "0.5d"
    assert len(qykb["items"]) == 6
    missing = client.get("/api/v1/window/catalog/NOPE001")
    assert missing.status_code == 422
    assert missing.json()["field"] == "item"
    # Whose certificates exist is not public.
    probe = client.get("/api/v1/window/catalog/SCJ005?id_number=91441624MA00000010")
    assert probe.status_code == 401


def test_bundle_through_the_api(app: FastAPI, county: County) -> None:
    clerk, headers = _as(app, "clerk")
    body = {
        "target": "qykb",
        "applicant": _person(county),
        "materials": _materials("qykb"),
        "details": {"enterprise_name": "和平县东江物流有限公司"},
    }
    filed = clerk.post("/api/v1/window/applications", json=body, headers=headers)
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    assert filed.json()["state"] == "pending"
    assert filed.json()["complete"] is True
    accepted = clerk.post(f"/api/v1/window/applications/{number}/accept", json={"expected_version": 2}, headers=headers)
    assert accepted.status_code == 200, accepted.text
    detail = accepted.json()
    assert detail["state"] == "in_approval"
    assert len(detail["approvals"]) == 6
    stale = clerk.post(f"/api/v1/window/applications/{number}/accept", json={"expected_version": 2}, headers=headers)
    assert stale.status_code == 409
    for approval in detail["approvals"]:
        department = next(code for code, u in county.units.items() if u.name == approval["department"])
        client, h = _as(app, f"ap_{department.lower()}")
        queue = client.get("/api/v1/window/approvals", headers=h).json()
        assert [a["number"] for a in queue] == [approval["number"]]
        data = {"credit_code": credit_code(11)} if department == "SCJ" else {}
        done = client.post(f"/api/v1/window/approvals/{approval['number']}/approve", json=data, headers=h)
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "approved"
    issued = clerk.post(f"/api/v1/window/applications/{number}/issue", json={}, headers=headers)
    assert issued.status_code == 200, issued.text
    assert len([r for r in issued.json()["results"] if r.get("certificate")]) == 6
    post = clerk.post(
        f"/api/v1/window/applications/{number}/deliver",
        json={"method": "post", "recipient": "张三"},
        headers=headers,
    )
    assert post.status_code == 422
    assert post.json()["field"] == "tracking_number"
    delivered = clerk.post(
        f"/api/v1/window/applications/{number}/deliver",
        json={"method": "post", "recipient": "张三", "tracking_number": "EMS1234567890", "address": "和平县阳明镇1号"},
        headers=headers,
    )
    assert delivered.json()["state"] == "delivered"
    assert delivered.json()["delivery"]["tracking_number"] == "EMS1234567890"


def test_bad_input_answers_in_chinese_naming_the_field(app: FastAPI, county: County) -> None:
    clerk, headers = _as(app, "clerk")
    base = {"target": "GAJ003", "applicant": _person(county), "materials": _materials("GAJ003")}
    cases = [
        ({**base, "target": "XYZ001"}, 422, "item", "不在事项清单"),
        ({**base, "materials": [{"code": "articles"}]}, 422, "materials", "不在「无犯罪记录证明开具」的材料清单"),
        (
            {**base, "applicant": {"kind": "enterprise", "name": "某公司", "id_number": "91441624MA0000001X"}},
            422,
            "id_number",
            "统一社会信用代码",
        ),
        ({**base, "materials": [{"code": "applicant_id", "form": "photo"}]}, 422, "materials.0.form", "取值无效"),
    ]
    for body, status, field, words in cases:
        response = clerk.post("/api/v1/window/applications", json=body, headers=headers)
        assert response.status_code == status, response.text
        assert response.json()["field"] == field
        assert words in response.json()["message"]
    filed = clerk.post("/api/v1/window/applications", json=base, headers=headers).json()
    early = clerk.post(f"/api/v1/window/applications/{filed['number']}/issue", json={}, headers=headers)
    assert early.status_code == 409
    assert "不能执行「统一出件」" in early.json()["message"]
    unknown = clerk.post(f"/api/v1/window/applications/{filed['number']}/fly", json={}, headers=headers)
    assert unknown.status_code == 409
    assert unknown.json()["field"] == "action"


def test_visibility_and_online_applications(app: FastAPI, county: County) -> None:
    citizen, h = _as(app, "citizen")
    filed = citizen.post(
        "/api/v1/window/applications",
        json={"target": "GAJ003", "applicant": _person(county), "materials": _materials("GAJ003")},
        headers=h,
    )
    assert filed.status_code == 201
    assert filed.json()["state"] == "prereview"
    number = filed.json()["number"]
    assert citizen.get(f"/api/v1/window/applications/{number}").json()["channel"] == "online"
    # The citizen cannot accept their own application; another department cannot even see it.
    assert citizen.post(f"/api/v1/window/applications/{number}/accept", json={}, headers=h).status_code == 403
    other, h2 = _as(app, "ap_scj")
    assert other.get(f"/api/v1/window/applications/{number}").status_code == 404
    assert other.get("/api/v1/window/approvals", headers=h2).json() == []
    clerk, h3 = _as(app, "clerk")
    assert clerk.post(f"/api/v1/window/applications/{number}/accept", json={}, headers=h3).status_code == 200
    police, _h4 = _as(app, "ap_gaj")
    detail = police.get(f"/api/v1/window/applications/{number}")  # its department now has an approval in it
    assert detail.status_code == 200
    assert detail.json()["state"] == "in_approval"
    assert other.get(f"/api/v1/window/applications/{number}").status_code == 404
    approval = detail.json()["approvals"][0]["number"]
    assert other.post(f"/api/v1/window/approvals/{approval}/approve", json={}, headers=h2).status_code == 404
    no_csrf = police.post(f"/api/v1/window/approvals/{approval}/approve", json={})
    assert no_csrf.status_code == 403


def test_generic_case_actions_go_through_the_window_layer(app: FastAPI, county: County) -> None:
    from onestop.web.window_handlers import act_generic

    state = app.state.web
    sub = window.submit(
        county.rt, "WJJ001", applicant=county.person(), actor=county.clerk, materials=all_materials("WJJ001")
    )
    assert not act_generic(
        state, county.clerk, "SQ1", kind="generic_application", action="accept", values={}, expected_version=None
    )
    assert act_generic(
        state, county.clerk, sub.case.number, kind="window_application", action="accept", values={}, expected_version=2
    )
    (approval,) = county.approvals(county.load(sub.case.number)).values()  # acceptance opened the approval
    act_generic(
        state,
        county.approvers["WJJ"],
        approval.number,
        kind="window_approval",
        action="request_supplement",
        values={"items": "执业人员名单\n房屋产权证明"},
        expected_version=None,
    )
    assert county.load(sub.case.number).state == "supplement"  # the application followed its approval


def test_the_generic_case_route_goes_through_the_window(app: FastAPI, county: County) -> None:
    """POST /api/v1/cases/{n}/actions/accept on an application must open the departments' approvals too."""
    clerk, headers = _as(app, "clerk")
    details = {"enterprise_name": "和平县南山商贸有限公司"}
    body = {"target": "qykb", "applicant": _person(county), "materials": _materials("qykb"), "details": details}
    filed = clerk.post("/api/v1/window/applications", json=body, headers=headers)
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    generic = clerk.post(
        f"/api/v1/cases/{number}/actions/accept", json={"expected_version": 2, "data": {}}, headers=headers
    )
    assert generic.status_code == 200, generic.text
    assert generic.json()["state"] == "in_approval"
    detail = clerk.get(f"/api/v1/window/applications/{number}", headers=headers).json()
    assert len(detail["approvals"]) == 6
