"""Fixtures of the certs tests: a key directory of the test's own, a small county, two enterprises, a person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from onestop.actions.certs import issue_certificate
from onestop.actions.intake import get_form, submit
from onestop.actions.org import create_units, create_user, register_party
from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.org.parties import Party, PartyKind
from onestop.org.roles import Role
from onestop.org.synthetic import make_credit_code, make_resident_id
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.web.app import create_app
from onestop.worktime import TZ
from tests.conftest import TravelClock

START = datetime(2026, 9, 28, 10, 0, tzinfo=TZ)  # a Monday
REGION = "441624"


@dataclass
class County:
    rt: Runtime
    clock: TravelClock
    amr: Unit  # 市场监管局: issues business licences
    tax: Unit
    approver: Actor  # 审批员 of 市场监管局
    tax_approver: Actor
    admin: Actor
    firm: Party
    other_firm: Party
    person: Party


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    """The test's own signing-key directory, where tests/conftest.py points ONESTOP_CERT_KEY_DIR for every test."""
    return tmp_path / "keys"


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    (region,) = create_units(rt, [Unit(0, "R", "和平县人民政府", UnitKind.REGION, None, REGION)])
    (amr,) = create_units(rt, [Unit(0, "AMR", "和平县市场监督管理局", UnitKind.DEPARTMENT, region.id)])
    (tax,) = create_units(rt, [Unit(0, "TAX", "和平县税务局", UnitKind.DEPARTMENT, region.id)])
    approver = create_user(rt, User(0, "amr1", "审批员甲", amr.id, frozenset({Role.APPROVER})), None)
    tax_approver = create_user(rt, User(0, "tax1", "审批员乙", tax.id, frozenset({Role.APPROVER})), None)
    admin = create_user(rt, User(0, "root", "管理员", None, frozenset({Role.ADMIN})), None)
    firm = register_party(
        rt, Party(PartyKind.ENTERPRISE, "和平县青松商贸有限公司", make_credit_code(REGION, "MA5T12345"))
    )
    other = register_party(
        rt, Party(PartyKind.ENTERPRISE, "和平县白杨科技有限公司", make_credit_code(REGION, "MA5T54321"))
    )
    person = register_party(rt, Party(PartyKind.PERSON, "张三", make_resident_id(REGION, date(1990, 1, 1), 13)))
    return County(
        rt, travel, amr, tax, approver.as_actor(), tax_approver.as_actor(), admin.as_actor(), firm, other, person
    )


# -- web: accounts with passwords, two certificates (one on a citizen's own application), the app ---------------

PASSWORD = "Test-pass-2026"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Issued:
    firm: str  # 食品经营许可证 of the firm, by 市场监管局
    person: str  # 营业执照 of the person, issued on the citizen's own application
    own_case: str


@pytest.fixture
def issued(county: County, fast_argon2: None) -> Issued:
    rt = county.rt
    for username, unit, roles in [
        ("amrweb", county.amr.id, {Role.APPROVER}),
        ("taxweb", county.tax.id, {Role.APPROVER}),
        ("citizen", None, {Role.PUBLIC}),
        ("citizen2", None, {Role.PUBLIC}),
    ]:
        create_user(rt, User(0, username, username, unit, frozenset(roles)), PASSWORD)
    with write(rt.engine) as conn:
        citizen = org_repo.load_user(conn, "citizen")
    assert citizen is not None
    values = {
        "applicant_kind": "person",
        "applicant_name": county.person.name,
        "id_number": county.person.id_number,
        "phone": "13800130001",
        "item": "个体工商户设立登记",
        "description": "申请设立个体工商户。",
    }
    own = submit(rt, get_form("general"), values, actor=citizen[0].as_actor(), channel="web")
    with write(rt.engine) as conn:
        firm = issue_certificate(
            conn,
            cert_type="food_business_license",
            holder_party_id=county.firm.id,
            data={"经营项目": "预包装食品销售", "经营场所": "和平县阳明镇建设路8号"},
            issuing_unit_id=county.amr.id,
            valid_from=START.date(),
            valid_until=None,
            source_case_id=None,
            now=START,
        )
        person = issue_certificate(
            conn,
            cert_type="individual_business_license",
            holder_party_id=county.person.id,
            data={"经营者": county.person.name, "组成形式": "个人经营"},
            issuing_unit_id=county.amr.id,
            valid_from=START.date(),
            valid_until=None,
            source_case_id=own.case.id,
            now=START,
        )
    return Issued(firm.number, person.number, own.case.number)


@pytest.fixture
def app(county: County, issued: Issued) -> FastAPI:
    return create_app(county.rt)
