"""Every route the app has is closed to strangers unless it is listed here as public on purpose.

The permission matrix (test_web_permissions.py) checks the shell's routes role by role, and each module checks
its own roles in its tests. This test walks every route of the assembled app and asks it as nobody: an API
route must answer 401 and a page must send to the login form, except the routes listed below as public
(the public hall, certificate verification, Open311, rating by number and code …). A route added later
without an access check fails here, and so does a public route that starts asking for a login.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

# GET routes strangers may use, and why.
PUBLIC: dict[str, str] = {
    "/": "sends to the public hall or the workbench",
    "/login": "the login form",
    "/register": "registration of a public account",
    "/healthz": "the load balancer's health check",
    "/public": "办事大厅, the public hall",
    "/public/apply/{code}": "an application form of the hall",
    "/public/lookup": "进度查询 by number and code",
    "/public/hotline": "12345 online form",
    "/api/v1/public/forms": "the hall's forms as JSON",
    "/api/v1/public/forms/{code}": "one form",
    "/api/v1/window/catalog": "政务服务事项 catalogue (public by law)",
    "/api/v1/window/catalog/{code}": "one item or bundle of the catalogue",
    "/verify": "证照核验, certificate verification",
    "/verify/{number}": "the page a certificate's QR code opens",
    "/api/v1/certs/{number}/verify": "verification API",
    "/ratings/rate": "rating a finished case by number and code",
    "/ratings/rate/{number}": "the rating form of one case (number and code asked on it)",
    "/open311/v2/discovery": "Open311 GeoReport v2 is public by specification",
    "/open311/v2/discovery.{fmt}": "Open311",
    "/open311/v2/services": "Open311",
    "/open311/v2/services.{fmt}": "Open311",
    "/open311/v2/services/{code}": "Open311",
    "/open311/v2/requests": "Open311 (requests are published without personal data)",
    "/open311/v2/requests.{fmt}": "Open311",
    "/open311/v2/requests/{rid}": "Open311",
    "/open311/v2/tokens/{token}": "Open311",
}
# Routes whose parameter is checked against a public list before the access check (a form code).
PATHS = {"/intake/{code}": "/intake/general"}
# Required query parameters, so that the request passes validation and reaches the access check.
QUERIES = {
    "/api/v1/evaluation/entries": "?period=2026Q3&region_id=1",
    "/api/v1/evaluation/regions/{region_id}": "?period=2026Q3",
    "/api/v1/evaluation/scores": "?period=2026Q3",
    "/api/v1/hotline/stats": "?start=2026-10-01&end=2026-10-31",
    "/api/v1/hotline/suggest": "?text=路灯不亮",
}


def _walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, APIRoute):
            for method in route.methods or ():
                if method != "HEAD":
                    yield method, prefix + route.path
        elif hasattr(route, "original_router"):  # an included router (FastAPI includes them lazily)
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def _concrete(path: str) -> str:
    """The route with a value of the right type in each parameter: ids become 1, formats json, others X1.

    Any value will do: a stranger must be turned away before the object is looked up.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "fmt":
            return "json"
        return "1" if name.endswith("id") or name in {"ledger", "region"} else "X1"

    return re.sub(r"\{([^}]+)\}", value, path)


def test_every_page_and_read_is_closed_to_strangers_unless_public(app: FastAPI) -> None:
    """GET routes: what a stranger could read. (Writes need a session's CSRF token and are checked per module.)"""
    client = TestClient(app)
    routes = sorted({path for method, path in _walk(app.routes) if method == "GET"})
    assert len(routes) > 60
    wrongly_open, wrongly_closed = [], []
    for path in routes:
        url = PATHS.get(path) or _concrete(path)
        response = client.get(url + QUERIES.get(path, ""), follow_redirects=False)
        location = response.headers.get("location", "")
        denied = response.status_code == 401 or (response.status_code == 303 and location.startswith("/login"))
        if path in PUBLIC:
            if denied:
                wrongly_closed.append(path)
        elif not denied:
            wrongly_open.append(f"{path} → {response.status_code} {location}")
    assert wrongly_open == [], "\n".join(wrongly_open)
    assert wrongly_closed == [], "\n".join(wrongly_closed)
    assert set(PUBLIC) <= set(routes), set(PUBLIC) - set(routes)
