"""The permission matrix: every endpoint × every role → allowed or denied (and how), plus IDOR probes.

Denials are 401 (API) or a redirect to the login page (pages) for nobody, 403 for a role-gated endpoint, and
404 for a case the role may not see — never 403, so case numbers cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from web_helpers import ROLES, County, logged_in, person_values

from onestop.actions import accounts
from onestop.actions.runtime import Runtime

API, PAGE = "api", "page"
ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
STAFF = frozenset({"window_clerk", "approver", "operator", "handler", "supervisor", "admin"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the route's path template, to check the matrix covers every route
    path: Callable[[County], str]
    allowed: frozenset[str]
    ok: int = 200
    denied: int = 403  # for a signed-in role outside `allowed` (404 for objects it may not see)
    overrides: dict[str, int] = field(default_factory=dict)  # role -> status, where it differs
    body: Callable[[County, str], Any] | None = None
    face: str = API

    def expected(self, role: str) -> int:
        if role in self.overrides:
            return self.overrides[role]
        if role in self.allowed:
            return self.ok
        if role == "anonymous":
            return 401 if self.face == API else 303
        return self.denied


def _num(key: str) -> Callable[[County], str]:
    return lambda c: c.cases[key].number


def _user(name: str) -> Callable[[County], int]:
    return lambda c: c.users[name].id


OWN = _num("own")  # the citizen's application (unit: service center), accepted and dispatched
SP_SCJ = _num("sp_scj")  # its approval step at 市场监管局
SP_GAJ = _num("sp_gaj")  # its approval step at 公安局
PENDING = _num("pending")  # an anonymous submission waiting at the window

ENDPOINTS: tuple[Endpoint, ...] = (
    # -- API: reads ---------------------------------------------------------------------------------------
    Endpoint("GET", "/api/v1/me", lambda c: "/api/v1/me", SIGNED_IN),
    Endpoint("GET", "/api/v1/me/submissions", lambda c: "/api/v1/me/submissions", SIGNED_IN),
    Endpoint("GET", "/api/v1/cases", lambda c: "/api/v1/cases", SIGNED_IN),
    Endpoint(
        "GET",
        "/api/v1/cases/{number}",
        lambda c: f"/api/v1/cases/{OWN(c)}",
        frozenset({"public", "window_clerk", "operator", "supervisor", "admin"}),
        denied=404,
    ),
    # The front desk follows the departments' steps of its applications; other departments see nothing.
    Endpoint(
        "GET",
        "/api/v1/cases/{number}",
        lambda c: f"/api/v1/cases/{SP_SCJ(c)}",
        frozenset({"approver", "window_clerk", "operator", "supervisor", "admin"}),
        denied=404,
    ),
    Endpoint(
        "GET",
        "/api/v1/cases/{number}",
        lambda c: f"/api/v1/cases/{SP_GAJ(c)}",
        frozenset({"window_clerk", "operator", "supervisor", "admin"}),
        denied=404,
    ),
    Endpoint("GET", "/api/v1/kinds", lambda c: "/api/v1/kinds", SIGNED_IN),
    Endpoint("GET", "/api/v1/units", lambda c: "/api/v1/units", STAFF),
    Endpoint("GET", "/api/v1/public/forms", lambda c: "/api/v1/public/forms", ALL),
    Endpoint("GET", "/api/v1/public/forms/{code}", lambda c: "/api/v1/public/forms/general", ALL),
    Endpoint(
        "POST",
        "/api/v1/public/lookup",
        lambda c: "/api/v1/public/lookup",
        ALL,
        body=lambda c, r: {"number": OWN(c), "code": c.codes[OWN(c)]},
    ),
    Endpoint("GET", "/api/v1/admin/users", lambda c: "/api/v1/admin/users", ADMIN),
    Endpoint("GET", "/api/v1/admin/users/{user_id}", lambda c: f"/api/v1/admin/users/{_user('clerk')(c)}", ADMIN),
    Endpoint("GET", "/api/v1/admin/units", lambda c: "/api/v1/admin/units", ADMIN),
    Endpoint("GET", "/api/v1/admin/tokens", lambda c: "/api/v1/admin/tokens", ADMIN),
    Endpoint("GET", "/api/v1/admin/calendar", lambda c: "/api/v1/admin/calendar", ADMIN),
    Endpoint("GET", "/api/v1/admin/audit", lambda c: "/api/v1/admin/audit", ADMIN),
    Endpoint("GET", "/api/v1/admin/pii-log", lambda c: "/api/v1/admin/pii-log", ADMIN),
    Endpoint("GET", "/healthz", lambda c: "/healthz", ALL),
    # -- API: writes (each on objects of its own, so the order does not matter) ---------------------------------
    Endpoint(
        "POST",
        "/api/v1/cases/{number}/pii",
        lambda c: f"/api/v1/cases/{OWN(c)}/pii",
        frozenset({"window_clerk", "operator"}),
        overrides={"approver": 404, "handler": 404},  # cannot see the case at all
    ),
    Endpoint(
        "POST",
        "/api/v1/cases/{number}/actions/{action}",
        lambda c: f"/api/v1/cases/{PENDING(c)}/actions/accept",
        frozenset({"window_clerk"}),
        # Those who see the case but hold no role for 受理 are refused by role; the others see nothing.
        overrides={"public": 404, "approver": 404, "handler": 404},
        body=lambda c, r: {"expected_version": c.cases["pending"].version},
    ),
    Endpoint(
        "POST",
        "/api/v1/cases/{number}/actions/{action}",
        lambda c: f"/api/v1/cases/{SP_GAJ(c)}/actions/approve",
        frozenset(),
        # 公安局's step: scj's approver may not even see it (IDOR); the front desk sees it but may not approve.
        overrides={"public": 404, "approver": 404, "handler": 404},
        body=lambda c, r: {"expected_version": c.cases["sp_gaj"].version},
    ),
    Endpoint(
        "POST",
        "/api/v1/intake/{form}",
        lambda c: "/api/v1/intake/general",
        frozenset({"window_clerk"}),
        ok=201,
        body=lambda c, r: {"values": person_values(20)},
    ),
    Endpoint(
        "POST",
        "/api/v1/public/forms/{code}/submissions",
        lambda c: "/api/v1/public/forms/general/submissions",
        ALL,
        ok=201,
        body=lambda c, r: {"values": person_values(21)},
    ),
    Endpoint(
        "POST",
        "/api/v1/admin/users",
        lambda c: "/api/v1/admin/users",
        ADMIN,
        ok=201,
        body=lambda c, r: {
            "username": f"new_{r}",
            "display_name": "新用户",
            "password": "New-pass-2026",
            "roles": ["approver"],
            "unit_id": c.units["SWJ"].id,
        },
    ),
    Endpoint(
        "PUT",
        "/api/v1/admin/users/{user_id}",
        lambda c: f"/api/v1/admin/users/{_user('gjj')(c)}",
        ADMIN,
        body=lambda c, r: {
            "display_name": "公积金审批员 周洁",
            "unit_id": c.units["GJJ"].id,
            "roles": ["approver"],
            "active": True,
        },
    ),
    Endpoint(
        "POST",
        "/api/v1/admin/users/{user_id}/password",
        lambda c: f"/api/v1/admin/users/{_user('rsj')(c)}/password",
        ADMIN,
        ok=204,
        body=lambda c, r: {"password": "Reset-pass-2026"},
    ),
    Endpoint(
        "POST",
        "/api/v1/admin/users/{user_id}/unlock",
        lambda c: f"/api/v1/admin/users/{_user('gaj')(c)}/unlock",
        ADMIN,
        ok=204,
    ),
    Endpoint(
        "POST",
        "/api/v1/admin/units",
        lambda c: "/api/v1/admin/units",
        ADMIN,
        ok=201,
        body=lambda c, r: {
            "code": "XZSP",
            "name": "和平县行政审批局",
            "kind": "department",
            "parent_id": c.units["HPX"].id,
        },
    ),
    Endpoint(
        "POST",
        "/api/v1/admin/tokens",
        lambda c: "/api/v1/admin/tokens",
        ADMIN,
        ok=201,
        body=lambda c, r: {"user_id": c.users["operator"].id, "name": "热线对接"},
    ),
    Endpoint(
        "DELETE",
        "/api/v1/admin/tokens/{token_id}",
        lambda c: f"/api/v1/admin/tokens/{c.codes['token_id']}",
        ADMIN,
        ok=204,
    ),
    # -- pages ------------------------------------------------------------------------------------------------
    Endpoint("GET", "/", lambda c: "/", ALL, ok=303, face=PAGE),
    Endpoint("GET", "/login", lambda c: "/login", frozenset({"anonymous"}), denied=303, face=PAGE),
    Endpoint("GET", "/register", lambda c: "/register", frozenset({"anonymous"}), denied=303, face=PAGE),
    Endpoint("GET", "/public", lambda c: "/public", ALL, face=PAGE),
    Endpoint("GET", "/public/apply/{code}", lambda c: "/public/apply/general", ALL, face=PAGE),
    Endpoint("GET", "/public/lookup", lambda c: "/public/lookup", ALL, face=PAGE),
    Endpoint("GET", "/my", lambda c: "/my", SIGNED_IN, face=PAGE),
    Endpoint("GET", "/workbench", lambda c: "/workbench", STAFF, face=PAGE),
    Endpoint("GET", "/workbench.csv", lambda c: "/workbench.csv", STAFF, face=PAGE),
    Endpoint(
        "GET",
        "/cases/{number}",
        lambda c: f"/cases/{OWN(c)}",
        frozenset({"window_clerk", "operator", "supervisor", "admin"}),
        denied=404,
        overrides={"public": 303},  # the public's case page is /my/cases/…
        face=PAGE,
    ),
    Endpoint(
        "GET",
        "/cases/{number}",
        lambda c: f"/cases/{SP_GAJ(c)}",
        frozenset({"window_clerk", "operator", "supervisor", "admin"}),
        denied=404,
        overrides={"public": 303},
        face=PAGE,
    ),
    Endpoint(
        "GET", "/my/cases/{number}", lambda c: f"/my/cases/{OWN(c)}", frozenset({"public"}), denied=404, face=PAGE
    ),
    Endpoint("GET", "/intake", lambda c: "/intake", frozenset({"window_clerk"}), face=PAGE),
    Endpoint("GET", "/intake/{code}", lambda c: "/intake/general", frozenset({"window_clerk"}), face=PAGE),
    Endpoint("GET", "/admin", lambda c: "/admin", ADMIN, face=PAGE),
    Endpoint("GET", "/admin/units", lambda c: "/admin/units", ADMIN, face=PAGE),
    Endpoint("GET", "/admin/users", lambda c: "/admin/users", ADMIN, face=PAGE),
    Endpoint("GET", "/admin/users/{user_id}", lambda c: f"/admin/users/{_user('clerk')(c)}", ADMIN, face=PAGE),
    Endpoint("GET", "/admin/calendar", lambda c: "/admin/calendar", ADMIN, face=PAGE),
    Endpoint("GET", "/admin/audit", lambda c: "/admin/audit", ADMIN, face=PAGE),
    Endpoint(
        "POST",
        "/cases/{number}/pii",
        lambda c: f"/cases/{OWN(c)}/pii",
        frozenset({"window_clerk", "operator"}),
        overrides={"approver": 404, "handler": 404},
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/cases/{number}/actions/{action}",
        lambda c: f"/cases/{c.cases['other'].number}/actions/request_supplement",
        frozenset({"window_clerk"}),
        ok=303,
        overrides={"public": 404, "approver": 404, "handler": 404},
        body=lambda c, r: {"expected_version": str(c.cases["other"].version), "items": "营业执照副本"},
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/intake/{code}",
        lambda c: "/intake/general",
        frozenset({"window_clerk"}),
        ok=201,
        body=lambda c, r: person_values(22),
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/public/apply/{code}",
        lambda c: "/public/apply/general",
        ALL,
        ok=201,
        body=lambda c, r: person_values(23),
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/public/lookup",
        lambda c: "/public/lookup",
        ALL,
        body=lambda c, r: {"number": OWN(c), "code": c.codes[OWN(c)]},
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/units",
        lambda c: "/admin/units",
        ADMIN,
        ok=303,
        body=lambda c, r: {
            "code": "XZSP2",
            "name": "和平县数据局",
            "kind": "department",
            "parent_id": str(c.units["HPX"].id),
        },
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/users",
        lambda c: "/admin/users",
        ADMIN,
        ok=303,
        body=lambda c, r: {
            "username": f"page_{r}",
            "display_name": "新用户",
            "password": "New-pass-2026",
            "roles": "handler",
            "unit_id": str(c.units["YMZ"].id),
        },
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/users/{user_id}",
        lambda c: f"/admin/users/{_user('swj')(c)}",
        ADMIN,
        ok=303,
        body=lambda c, r: {
            "display_name": "税务局审批员 刘芳",
            "unit_id": str(c.units["SWJ"].id),
            "roles": "approver",
            "active": "1",
        },
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/users/{user_id}/password",
        lambda c: f"/admin/users/{_user('handler')(c)}/password",
        ADMIN,
        ok=303,
        body=lambda c, r: {"password": "Reset-pass-2026"},
        # The handler's own password is reset by the admin's run only; the handler is already signed in.
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/users/{user_id}/unlock",
        lambda c: f"/admin/users/{_user('gjj')(c)}/unlock",
        ADMIN,
        ok=303,
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/users/{user_id}/tokens",
        lambda c: f"/admin/users/{_user('operator')(c)}/tokens",
        ADMIN,
        ok=201,
        body=lambda c, r: {"name": "热线对接"},
        face=PAGE,
    ),
    Endpoint(
        "POST",
        "/admin/tokens/{token_id}/revoke",
        lambda c: f"/admin/tokens/{c.codes['token_id2']}/revoke",
        ADMIN,
        ok=303,
        face=PAGE,
    ),
    Endpoint("POST", "/logout", lambda c: "/logout", ALL, ok=303, face=PAGE),
)
# Routes the matrix does not need to cover: the login and registration forms themselves (test_web_auth).
UNCOVERED = {("POST", "/login"), ("POST", "/register")}


def _routes() -> set[tuple[str, str]]:
    from onestop.web import api, health, pages

    modules = [(api.PREFIX, m.router) for m in (api.me, api.cases, api.public, api.admin)]
    modules += [("", m.router) for m in (pages.auth, pages.workbench, pages.cases, pages.public, pages.admin)]
    modules.append(("", health.router))
    return {
        (method, prefix + route.path)
        for prefix, router in modules
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_the_matrix_covers_every_route(app: FastAPI) -> None:
    routes = _routes()
    schema = app.openapi()["paths"]
    documented = {(method.upper(), path) for path, ops in schema.items() for method in ops}
    # The shell's API is documented; the modules' routes are documented too, and each module's roles are checked
    # in its own tests (strangers on every route: test_web_module_routes.py).
    assert {r for r in routes if r[1].startswith("/api/") or r[1] == "/healthz"} <= documented
    covered = {(e.method, e.route) for e in ENDPOINTS}
    assert routes - covered - UNCOVERED == set()
    assert covered - routes == set()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role: str, app: FastAPI, county: County, rt: Runtime) -> None:
    admin = county.users["admin"]
    county.codes["token_id"] = str(accounts.issue_token(rt, county.users["operator"].id, "旧令牌", by=admin)[1])
    county.codes["token_id2"] = str(accounts.issue_token(rt, county.users["operator"].id, "旧令牌2", by=admin)[1])
    client, csrf = logged_in(app, role)
    failures = []
    for endpoint in ENDPOINTS:
        path = endpoint.path(county)
        body = endpoint.body(county, role) if endpoint.body else None
        if endpoint.face == API:
            headers = {"X-CSRF-Token": csrf} if endpoint.method != "GET" else {}
            response = client.request(endpoint.method, path, json=body, headers=headers, follow_redirects=False)
        elif endpoint.method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            response = client.post(path, data={**(body or {}), "csrf_token": csrf}, follow_redirects=False)
        expected = endpoint.expected(role)
        if response.status_code != expected:
            failures.append(f"{endpoint.method} {path}: {response.status_code} != {expected} {response.text[:200]}")
        if response.status_code in (403, 404) and endpoint.face == API:
            assert response.json()["message"], "denials carry a Chinese message"
    assert failures == []
