"""Helpers of the web tests: the demo county's units and staff, cases in several states, logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from onestop.actions.cases import ChildSpec, perform
from onestop.actions.intake import Submission, get_form, submit
from onestop.actions.org import create_units
from onestop.actions.runtime import Runtime
from onestop.cases.case import Case
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.demo.county import REGION_CODE, STAFF, UNITS
from onestop.org.roles import Role
from onestop.org.synthetic import make_resident_id
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User
from onestop.worktime import TZ

PASSWORD = "Test-pass-2026"
START = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday, a working day
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
# Every role, and nobody: the rows of the permission matrix.
ROLES = ("anonymous", "public", "window_clerk", "approver", "operator", "handler", "supervisor", "admin")
# One account per role (the demo's staff, plus a citizen).
ROLE_USER = {
    "public": "citizen",
    "window_clerk": "clerk",
    "approver": "scj",
    "operator": "operator",
    "handler": "handler",
    "supervisor": "supervisor",
    "admin": "admin",
}


@dataclass
class County:
    units: dict[str, Unit]
    users: dict[str, User]
    cases: dict[str, Case] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # case number -> verification code


def person_values(seq: int = 1, **extra: str) -> dict[str, str]:
    return {
        "applicant_kind": "person",
        "applicant_name": f"张{'三四五六七八九'[seq % 7]}",
        "id_number": make_resident_id("441624", date(1990, 5, 17) + timedelta(days=seq // 1000), seq % 1000),
        "phone": f"1380013{seq:04d}",
        "item": "个体工商户名称变更",
        "description": "因经营需要，申请变更名称。",
        **extra,
    }


def build_county(rt: Runtime, password_hash: str) -> County:
    units: dict[str, Unit] = {}
    for code, name, kind, parent, duties in UNITS:
        parent_id = units[parent].id if parent else None
        region = REGION_CODE if kind is UnitKind.REGION else None
        (created,) = create_units(rt, [Unit(0, code, name, kind, parent_id, region, duties)])
        units[code] = created
    users: dict[str, User] = {}
    staff = [*STAFF, ("citizen", "市民 张三", None, (Role.PUBLIC,)), ("citizen2", "市民 李四", None, (Role.PUBLIC,))]
    with write(rt.engine) as conn:
        for username, display_name, unit_code, roles in staff:
            unit_id = units[unit_code].id if unit_code else None
            user = User(0, username, display_name, unit_id, frozenset(roles))
            users[username] = org_repo.insert_user(conn, user, password_hash, rt.now(), "13800138000")
    return County(units=units, users=users)


def file_cases(rt: Runtime, county: County) -> None:
    """Cases in the states the tests need, all opened the way the web opens them."""
    form = get_form("general")
    citizen = county.users["citizen"].as_actor()
    clerk = county.users["clerk"].as_actor()

    def filed(sub: Submission, key: str) -> Case:
        county.cases[key] = sub.case
        county.codes[sub.case.number] = sub.code
        return sub.case

    # 1. the citizen's own application, accepted and sent to two departments (SCJ, GAJ)
    own = filed(submit(rt, form, person_values(1), actor=citizen, channel="web"), "own")
    perform(rt, own.number, "accept", clerk)
    children = [ChildSpec("generic_approval", county.units[u].id, {"limit": "5d"}) for u in ("SCJ", "GAJ")]
    county.cases["own"] = perform(rt, own.number, "dispatch", clerk, children=children)
    # 2. an anonymous submission waiting at the window
    filed(submit(rt, form, person_values(2), actor=None, channel="web"), "pending")
    # 3. another citizen's application, accepted (clock running)
    other = filed(submit(rt, form, person_values(3), actor=county.users["citizen2"].as_actor(), channel="web"), "other")
    county.cases["other"] = perform(rt, other.number, "accept", clerk)
    with rt.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT c.number, u.code FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.parent_id = :p"),
            {"p": own.id},
        ).all()
    for number, unit_code in rows:
        county.cases[f"sp_{unit_code.lower()}"] = _load(rt, number)


def _load(rt: Runtime, number: str) -> Case:
    from onestop.db import cases_repo
    from onestop.db.engine import read

    with read(rt.engine) as conn:
        return cases_repo.load_case(conn, number)


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html) or CSRF_META.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Logs the client in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/public/lookup").text)


def logged_in(app: FastAPI, role: str) -> tuple[TestClient, str]:
    """A fresh client for ``role`` ("anonymous" for nobody) and its CSRF token."""
    client = TestClient(app)
    if role == "anonymous":
        return client, csrf_of(client.get("/login").text)
    return client, login(client, ROLE_USER[role])
