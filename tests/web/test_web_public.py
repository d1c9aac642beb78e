"""The public path: submit a request, get a number and a verification code, look it up; 我的申请."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from web_helpers import County, csrf_of, logged_in, login, person_values

from onestop.actions.cases import perform
from onestop.actions.runtime import Runtime
from onestop.auth.crypto import CODE_LENGTH
from onestop.db.tables import case_submissions, parties


def _submit_page(client: TestClient, values: dict[str, str]) -> object:
    token = csrf_of(client.get("/public/apply/general").text)
    return client.post("/public/apply/general", data={**values, "csrf_token": token})


def _lookup_page(client: TestClient, number: str, code: str) -> object:
    token = csrf_of(client.get("/public/lookup").text)
    return client.post("/public/lookup", data={"number": number, "code": code, "csrf_token": token})


def test_anonymous_submission_gives_number_and_code_that_find_it(client: TestClient, db: Engine) -> None:
    receipt = _submit_page(client, person_values(50))
    assert receipt.status_code == 201  # type: ignore[attr-defined]
    number = re.search(r'id="case-number">([A-Z0-9]+)<', receipt.text).group(1)  # type: ignore[union-attr, attr-defined]
    code = re.search(r'id="verification-code">([A-Z0-9]+)<', receipt.text).group(1)  # type: ignore[union-attr, attr-defined]
    assert len(code) == CODE_LENGTH
    with db.connect() as conn:
        stored = conn.execute(sa.select(case_submissions.c.code_hash)).scalars().all()
    assert all(code not in s for s in stored)  # only its hash is kept
    found = _lookup_page(TestClient(client.app), number.lower(), code.lower())  # case-insensitive, as people type
    assert found.status_code == 200  # type: ignore[attr-defined]
    assert number in found.text  # type: ignore[attr-defined]
    assert "待受理" in found.text  # type: ignore[attr-defined]
    assert "个体工商户名称变更" in found.text  # type: ignore[attr-defined]
    # The public view names no staff member and shows no personal number.
    assert person_values(50)["id_number"] not in found.text  # type: ignore[attr-defined]
    assert "13800130050" not in found.text  # type: ignore[attr-defined]


def test_wrong_code_and_unknown_number_answer_alike(client: TestClient, county: County) -> None:
    own = county.cases["own"].number
    wrong = _lookup_page(client, own, "AAAAAAAA")
    missing = _lookup_page(client, own[:-6] + "999999", county.codes[own])
    for response in (wrong, missing):
        assert response.status_code == 404  # type: ignore[attr-defined]
        assert "办件编号或查询码不正确" in response.text  # type: ignore[attr-defined]


def test_lookup_is_throttled_per_address(client: TestClient, county: County) -> None:
    own = county.cases["own"].number
    statuses = [
        client.post("/api/v1/public/lookup", json={"number": own, "code": f"BAD{i}"}).status_code for i in range(11)
    ]
    assert statuses == [404] * 10 + [429]
    # Even the right code waits now: guessing cannot be sped up by mixing in a real code.
    blocked = client.post("/api/v1/public/lookup", json={"number": own, "code": county.codes[own]})
    assert blocked.status_code == 429
    assert "查询失败次数过多" in blocked.json()["message"]


def test_validation_names_every_wrong_field_in_chinese(client: TestClient) -> None:
    values = person_values(51, phone="12345", item="")
    values["id_number"] = values["id_number"][:-1] + ("0" if values["id_number"][-1] != "0" else "1")
    page = _submit_page(client, values)
    assert page.status_code == 422  # type: ignore[attr-defined]
    assert "请修改标红的 3 项" in page.text  # type: ignore[attr-defined]
    assert "身份证号校验位错误" in page.text  # type: ignore[attr-defined]
    assert "请填写「申请事项」" in page.text  # type: ignore[attr-defined]
    api = client.post("/api/v1/public/forms/general/submissions", json={"values": values})
    assert api.status_code == 422
    fields = {e["field"]: e["message"] for e in api.json()["errors"]}
    assert set(fields) == {"id_number", "phone", "item"}
    assert "校验位" in fields["id_number"]


def test_enterprise_applicants_use_the_credit_code(client: TestClient) -> None:
    from onestop.org.synthetic import make_credit_code

    code = make_credit_code("441624", "MA0000001")
    values = {
        **person_values(52),
        "applicant_kind": "enterprise",
        "applicant_name": "和平县青山商贸有限公司",
        "id_number": code,
    }
    response = client.post("/api/v1/public/forms/general/submissions", json={"values": values})
    assert response.status_code == 201, response.text
    bad = client.post(
        "/api/v1/public/forms/general/submissions", json={"values": {**values, "id_number": code[:-1] + "0"}}
    )
    if code[-1] != "0":
        assert bad.status_code == 422
        assert "统一社会信用代码" in bad.json()["message"]


def test_a_submission_does_not_rename_a_known_party(client: TestClient, db: Engine) -> None:
    first = person_values(53)
    assert client.post("/api/v1/public/forms/general/submissions", json={"values": first}).status_code == 201
    impostor = {**first, "applicant_name": "冒名者", "phone": "13999999999"}
    assert client.post("/api/v1/public/forms/general/submissions", json={"values": impostor}).status_code == 201
    with db.connect() as conn:
        row = conn.execute(sa.select(parties).where(parties.c.id_number == first["id_number"])).mappings().one()
    assert row["name"] == first["applicant_name"]
    assert row["phone"] == first["phone"]


def test_api_submission_and_lookup(client: TestClient) -> None:
    forms = client.get("/api/v1/public/forms").json()
    assert [f["code"] for f in forms] == ["general"]
    assert [f["name"] for f in forms[0]["fields"]][:4] == ["applicant_kind", "applicant_name", "id_number", "phone"]
    receipt = client.post("/api/v1/public/forms/general/submissions", json={"values": person_values(54)})
    assert receipt.status_code == 201
    body = receipt.json()
    assert body["state_label"] == "待受理"
    found = client.post("/api/v1/public/lookup", json={"number": body["number"], "code": body["verification_code"]})
    assert found.status_code == 200
    view = found.json()
    assert view["state_label"] == "待受理"
    assert view["timeline"][0]["actor_name"] == "申请人"
    assert client.get("/api/v1/public/forms/nonexistent").status_code == 404


def test_citizen_account_sees_its_submissions_and_supplements_its_own_case(
    app: FastAPI, rt: Runtime, county: County
) -> None:
    client, csrf = logged_in(app, "public")
    mine = client.get("/api/v1/me/submissions").json()
    assert [c["number"] for c in mine["items"]] == [county.cases["own"].number]
    page = client.get("/my")
    assert county.cases["own"].number in page.text
    assert county.cases["other"].number not in page.text
    # The window asks for more material; the citizen supplies it from 我的申请.
    receipt = client.post(
        "/api/v1/public/forms/general/submissions", json={"values": person_values(55)}, headers={"X-CSRF-Token": csrf}
    ).json()
    number = receipt["number"]
    perform(rt, number, "request_supplement", county.users["clerk"].as_actor(), {"items": ["户口簿复印件"]})
    case_page = client.get(f"/my/cases/{number}")
    assert "户口簿复印件" in case_page.text
    assert 'action="/cases/' + number + '/actions/supplement"' in case_page.text
    version = re.search(r'name="expected_version" value="(\d+)"', case_page.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        f"/cases/{number}/actions/supplement",
        data={"csrf_token": csrf, "expected_version": version, "opinion": "已补交户口簿复印件"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/my/cases/{number}?done=supplement"
    after = client.get(done.headers["location"])
    assert "已完成：补正材料" in after.text
    assert "已受理" in after.text
    # The other citizen's account cannot see it, by number or in lists.
    stranger = TestClient(app)
    login(stranger, "citizen2")
    assert stranger.get(f"/my/cases/{number}").status_code == 404
    assert stranger.get(f"/api/v1/cases/{number}").status_code == 404


def test_window_clerk_registers_for_an_applicant(app: FastAPI) -> None:
    client, csrf = logged_in(app, "window_clerk")
    assert "通用办事申请" in client.get("/intake").text
    token = csrf_of(client.get("/intake/general").text)
    receipt = client.post("/intake/general", data={**person_values(56), "csrf_token": token})
    assert receipt.status_code == 201
    assert "登记成功" in receipt.text
    number = re.search(r'id="case-number">([A-Z0-9]+)<', receipt.text).group(1)  # type: ignore[union-attr]
    detail = client.get(f"/api/v1/cases/{number}").json()
    assert {"label": "渠道", "value": "窗口登记"} in detail["payload"]
    assert detail["timeline"][0]["actor_name"] == "窗口受理员 李敏"
    api = client.post("/api/v1/intake/general", json={"values": person_values(57)}, headers={"X-CSRF-Token": csrf})
    assert api.status_code == 201
