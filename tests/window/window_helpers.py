"""The window tests' county (demo units, a clerk, one approver per department, an applicant) and filing helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from onestop.actions import window
from onestop.actions.runtime import Runtime
from onestop.cases.case import Case
from onestop.catalog import default_catalog
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import cases
from onestop.demo.county import REGION_CODE
from onestop.org.synthetic import make_credit_code, make_resident_id
from onestop.org.units import Unit
from onestop.org.users import Actor
from onestop.worktime import TZ
from tests.conftest import TravelClock

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # an ordinary working Monday
PASSWORD = "Test-pass-2026"
DEPARTMENTS = ("SCJ", "GAJ", "SWJ", "RSJ", "GJJ", "NSH", "ZRZY", "ZJJ", "WJJ", "FGJ")


@dataclass
class County:
    rt: Runtime
    clock: TravelClock
    units: dict[str, Unit]
    clerk: Actor
    approvers: dict[str, Actor]
    citizen: Actor
    serial: list[int] = field(default_factory=lambda: [0])

    def person(self, name: str = "张三") -> window.Applicant:
        self.serial[0] += 1
        return window.Applicant(
            "person", name, make_resident_id(REGION_CODE, date(1988, 6, 1), self.serial[0]), "13800138000"
        )

    def enterprise(self, name: str, organisation: str) -> window.Applicant:
        return window.Applicant("enterprise", name, make_credit_code(REGION_CODE, organisation), "13800138000")

    def load(self, number: str) -> Case:
        with read(self.rt.engine) as conn:
            return cases_repo.load_case(conn, number)

    def children(self, case: Case) -> list[Case]:
        with read(self.rt.engine) as conn:
            return cases_repo.load_children(conn, case.id or 0)

    def approvals(self, case: Case) -> dict[str, Case]:
        """Department code → its approval (through stages too)."""
        codes = {u.id: code for code, u in self.units.items()}
        with read(self.rt.engine) as conn:
            found = window.approvals_of(conn, cases_repo.load_case(conn, case.number))
        return {codes[a.unit_id or 0]: a for a in found}

    def count_cases(self) -> int:
        with read(self.rt.engine) as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one())


def all_materials(target: str, *, variant: str | None = None, skip: Iterable[str] = ()) -> list[window.MaterialInput]:
    catalog = default_catalog()
    reqs = catalog.materials_for(catalog.target(target, variant))
    return [window.MaterialInput(r.code, "original") for r in reqs if r.code not in set(skip)]


def file(county: County, target: str, applicant: window.Applicant | None = None, **kw: object) -> window.Submitted:
    materials = kw.pop("materials", None)
    return window.submit(
        county.rt,
        target,
        applicant=applicant or county.person(),
        actor=county.clerk,
        materials=all_materials(target) if materials is None else materials,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def credit_code(serial: int) -> str:
    return make_credit_code("441624", f"MA{serial:07d}")


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html) or CSRF_META.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str) -> str:
    """Logs in through the form; returns the session's CSRF token (the X-CSRF-Token of API calls)."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/public/lookup").text)


def payload_list(case: Case, key: str) -> list[dict[str, Any]]:
    """A list of records in a case's payload (items, results), typed for the tests."""
    value = case.payload.get(key) or []
    assert isinstance(value, list)
    return value
