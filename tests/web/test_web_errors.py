"""Every 4xx answers in Chinese naming the field; malformed input never produces a 500."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import County, logged_in


def test_validation_errors_are_422_per_field_in_chinese(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "window_clerk")
    headers = {"X-CSRF-Token": csrf}
    number = county.cases["pending"].number
    missing = client.post(f"/api/v1/cases/{number}/actions/accept", json={}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "expected_version", "message": "「版本号」为必填项"}]
    wrong = client.post(
        f"/api/v1/cases/{number}/actions/accept", json={"expected_version": "abc", "extra": 1}, headers=headers
    )
    assert wrong.status_code == 422
    messages = {e["field"]: e["message"] for e in wrong.json()["errors"]}
    assert messages == {"expected_version": "「版本号」应为整数", "extra": "「extra」是不允许的字段"}
    query = client.get("/api/v1/cases?per_page=1000&colour=purple")
    assert query.status_code == 422
    fields = {e["field"] for e in query.json()["errors"]}
    assert fields == {"per_page", "colour"}
    assert "不能大于 100" in query.text


def test_malformed_json_is_422_never_500(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "window_clerk")
    number = county.cases["pending"].number
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    for body in (b"{", b"[1, 2", b"\xff\xfe", b"", b"null", b'"text"', b"[]"):
        response = client.post(f"/api/v1/cases/{number}/actions/accept", content=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["message"].startswith("「请求体」") or "请求体" in response.json()["message"]


def test_hostile_values_are_refused_not_stored(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "window_clerk")
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    number = county.cases["other"].number
    version = county.cases["other"].version
    for data in (
        '{"reason": "bad\\u0000value"}',
        '{"reason": NaN}',
        '{"reason": Infinity}',
        '{"reason": 1e999}',
        '{"reason": 123456789012345678901234567890}',
        '{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}',
    ):
        body = f'{{"expected_version": {version}, "data": {data}}}'
        response = client.post(f"/api/v1/cases/{number}/actions/reject", content=body, headers=headers)
        assert response.status_code == 422, (data, response.text)
    nul_path = client.get("/api/v1/cases/SQ%00")
    assert nul_path.status_code == 422
    huge = client.get("/api/v1/admin/users/99999999999999999999")
    assert huge.status_code in (403, 422)
    far = client.get("/api/v1/cases?due_before=9999-12-31")
    assert far.status_code == 422


def test_unknown_routes_and_methods_answer_in_chinese(client: TestClient) -> None:
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.json() == {"error": "http_404", "message": "接口不存在", "field": None, "errors": []}
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert "页面不存在" in page.text
    assert page.headers["content-type"].startswith("text/html")
    method = client.delete("/api/v1/me")
    assert method.status_code == 405
    assert method.json()["message"] == "不支持 DELETE 请求"


def test_unauthenticated_api_is_401_with_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["message"] == "请先登录"


def test_oversized_bodies_are_413(client: TestClient) -> None:
    response = client.post(
        "/api/v1/public/lookup", content=b"x" * (2 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["message"] == "请求内容过大"


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/login", "/api/v1/public/forms"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in headers["content-security-policy"]
    assert client.get("/login").headers["cache-control"] == "no-store"


def test_the_openapi_schema_is_complete(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"].startswith("onestop")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "200" in operation["responses"] or "201" in operation["responses"] or "204" in operation["responses"]
            if path.startswith("/api/"):
                assert "422" in operation["responses"], f"{method} {path}"
                ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody")
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
