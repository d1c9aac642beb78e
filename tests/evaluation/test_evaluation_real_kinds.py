"""The computed indicators over real cases, built through the window and hotline action layers, checked by hand.

和平县 (the demo county's units), March 2026 (no holiday; a working-day count leaves the start day out):

  企业开办 A   accepted Mon 2 Mar (premises proof 容缺), SCJ decides Tue 3 Mar: 1 wd; 6 approvals; 13 materials
               handed in (12 + the deferred one); catalogue release 1: no fees
  企业开办 B   filed under release 2 (公章刻制 150 元), accepted Fri 6 Mar, all decide Mon 9 Mar: 1 wd; 6; 13; 150 元
    → 开办: 环节 6, 时间 1, 材料 13, 费用 75
  工程建设     filed by A's enterprise Tue 10 Mar: 12 materials asked, its 营业执照 免提交 (A's e-licence), two
               replaced by the 告知承诺书 → 9 handed in; stages decided 12, 17, 19 and 25 Mar; approvals 2 + 1 + 1 + 2
               (ZJJ decides both of its completion items in one) → 环节 6, 时间 11 (11–13, 16–20, 23–25 Mar), 材料 9
  不动产登记   accepted Mon 16 Mar, SWJ that day, ZRZY Thu 19 Mar → 环节 2, 时间 3
  12345        request 1 dispatched, replied and approved Wed 4 Mar (finished), visited Thu 5 Mar; request 2 still
               being handled → 办结率 1/2, 按时办结率 1/1
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onestop.actions import hotline as hl
from onestop.actions import window
from onestop.actions.evaluation import evaluate_period
from onestop.actions.evaluation_reads.catalogues import catalogues_known
from onestop.actions.evaluation_reads.computed import measure_one
from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.catalog import Catalog, default_catalog
from onestop.catalog.loader import DATA, parse_catalog, read_files
from onestop.db.engine import read
from onestop.db.tables import window_materials
from onestop.demo.county import REGION_CODE, UNITS
from onestop.evaluation.errors import InvalidTree
from onestop.evaluation.sources import kinds_configured, load_sources, parse_sources
from onestop.hotline.kinds import Channel
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.worktime import TZ
from tests.conftest import TravelClock
from tests.hotline.hotline_helpers import complaint
from tests.window.window_helpers import County, all_materials, credit_code, file

SEAL_FEE = 150


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def real_sources() -> Iterator[None]:
    """The source roles on the contract's kinds (the package's conftest points them at absent ones)."""
    with kinds_configured(load_sources().kinds):
        yield


@pytest.fixture
def county(db: Engine) -> County:
    clock = TravelClock(at(2, 9))
    rt = Runtime(engine=db, now=clock)
    units: dict[str, Unit] = {}
    for code, name, kind, parent, duties in UNITS:
        parent_id = units[parent].id if parent else None
        region = REGION_CODE if kind is UnitKind.REGION else None
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, parent_id, region, duties)])

    def user(username: str, unit: str | None, role: Role) -> Actor:
        unit_id = units[unit].id if unit else None
        return create_user(rt, User(0, username, username, unit_id, frozenset({role})), None).as_actor()

    approvers = {code: user(f"ap_{code.lower()}", code, Role.APPROVER) for code in window_departments()}
    return County(
        rt, clock, units, user("clerk", "ZWFW", Role.WINDOW_CLERK), approvers, user("citizen", None, Role.PUBLIC)
    )


def window_departments() -> tuple[str, ...]:
    return ("SCJ", "GAJ", "SWJ", "RSJ", "GJJ", "NSH", "ZRZY", "ZJJ", "FGJ")


def release_with_seal_fee() -> Catalog:
    """The shipped catalogue as release 2, where 公章刻制 costs the applicant 150 元."""
    files = read_files(DATA)
    files["catalog.toml"] = files["catalog.toml"].replace("version = 1", "version = 2")
    fee = f'result = "seal_record"\n  [[item.fee]]\n  name = "公章刻制费"\n  amount = {SEAL_FEE}\n'
    files["items/gaj.toml"] = files["items/gaj.toml"].replace('result = "seal_record"\n', fee, 1)
    release = parse_catalog(files)
    assert (release.version, release.items["GAJ001"].fee_total) == (2, SEAL_FEE)
    return release


def approve_open(
    county: County, number: str, when: datetime, only: str | None = None, credit: str | None = None
) -> None:
    """Every department with an open approval on the application (or just ``only``) approves at ``when``."""
    county.clock.set(when)
    codes = {u.id: code for code, u in county.units.items()}
    with read(county.rt.engine) as conn:
        found = window.approvals_of(conn, county.load(number))
    for approval in found:
        code = codes[approval.unit_id or 0]
        if approval.state == "in_approval" and only in (None, code):
            window.approve(
                county.rt,
                approval.number,
                county.approvers[code],
                opinion="同意",
                credit_code=credit if code == "SCJ" else None,
            )


def statuses(county: County, number: str) -> dict[str, str]:
    with read(county.rt.engine) as conn:
        rows = conn.execute(
            sa.select(window_materials.c.code, window_materials.c.status).where(
                window_materials.c.case_id == county.load(number).id
            )
        )
        return {r.code: r.status for r in rows}


def build_month(county: County, release: Catalog) -> dict[str, str]:
    rt, clerk = county.rt, county.clerk
    numbers: dict[str, str] = {}

    # 企业开办 A: the premises proof follows under 容缺; SCJ registers the enterprise the next day.
    county.clock.set(at(2, 10))
    a = file(
        county,
        "qykb",
        materials=all_materials("qykb", skip=("premises_proof",)),
        details={"enterprise_name": "和平县青山建材有限公司"},
    )
    numbers["qykb_a"] = a.case.number
    window.accept(rt, a.case.number, clerk, deferred=["premises_proof"], deferral=window.Deferral("张三", 5))
    approve_open(county, a.case.number, at(2, 14), only="GAJ")
    for code in ("SWJ", "RSJ", "GJJ", "NSH"):
        approve_open(county, a.case.number, at(2, 15), only=code)
    enterprise_code = credit_code(1)
    approve_open(county, a.case.number, at(3, 10), credit=enterprise_code)
    assert county.load(a.case.number).state == "decided"
    county.clock.set(at(3, 14))
    window.receive_deferred(rt, a.case.number, clerk, materials=[window.MaterialInput("premises_proof")])
    issued = window.issue(rt, a.case.number, clerk)
    assert "business_license" in {c["cert_type"] for c in issued.certificates}

    # 企业开办 B under catalogue release 2, over a weekend.
    county.clock.set(at(6, 15))
    b = file(county, "qykb", catalog=release, details={"enterprise_name": "和平县彭寨茶业有限公司"})
    numbers["qykb_b"] = b.case.number
    window.accept(rt, b.case.number, clerk)
    approve_open(county, b.case.number, at(9, 11), credit=credit_code(2))
    assert county.load(b.case.number).state == "decided"

    # 工程建设项目 by A's enterprise: its 营业执照 is on file as an e-certificate; two materials by 告知承诺.
    county.clock.set(at(10, 9, 30))
    builder = window.Applicant("enterprise", "和平县青山建材有限公司", enterprise_code, "13800138000")
    withheld = ("business_license", "drawings_review", "safety_measures")
    project = file(county, "gcjs", builder, materials=all_materials("gcjs", skip=withheld))
    numbers["gcjs"] = project.case.number
    county.clock.set(at(10, 10))
    window.accept(rt, project.case.number, clerk, commitment_signed_by="李四")
    for day in (12, 17, 19, 25):
        approve_open(county, project.case.number, at(day, 15))
    assert county.load(project.case.number).state == "decided"
    recorded = statuses(county, project.case.number)
    assert recorded["business_license"] == "exempt"
    assert (recorded["drawings_review"], recorded["safety_measures"]) == ("committed", "committed")
    assert sorted(recorded.values()).count("provided") == 9

    # 不动产登记 (transfer with mortgage): the tax office the same day, the registry three days on.
    county.clock.set(at(16, 10))
    estate = file(county, "bdcdj")
    numbers["bdcdj"] = estate.case.number
    window.accept(rt, estate.case.number, clerk)
    approve_open(county, estate.case.number, at(16, 15), only="SWJ")
    approve_open(county, estate.case.number, at(19, 11))
    assert county.load(estate.case.number).state == "decided"
    return numbers


def build_hotline(county: County) -> dict[str, str]:
    rt = county.rt
    operator = create_user(
        rt, User(0, "op", "话务员", county.units["ZWFW"].id, frozenset({Role.OPERATOR})), None
    ).as_actor()
    handlers = {
        code: create_user(
            rt, User(0, f"h_{code}", code, county.units[code].id, frozenset({Role.HANDLER})), None
        ).as_actor()
        for code in ("SCJ", "ZJJ")
    }
    county.clock.set(at(2, 10))
    first = hl.register_request(rt, operator, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(rt, operator, first, hl.DispatchOrder(county.units["SCJ"].id))
    county.clock.set(at(2, 11))
    hl.accept(rt, handlers["SCJ"], first)
    county.clock.set(at(4, 10))
    hl.reply(rt, handlers["SCJ"], first, text="已约谈店主，油烟净化器已安装，营业至晚十点。")
    county.clock.set(at(4, 15))
    hl.review_reply(rt, operator, first, approve=True)
    county.clock.set(at(5, 10))
    closed = hl.return_visit(rt, operator, first, result="satisfied", solved=True)
    assert closed.state == "closed"
    county.clock.set(at(5, 11))
    second = hl.register_request(
        rt, operator, complaint(text="阳明镇建设路工地夜间施工噪音扰民，请住建部门处理。"), channel=Channel.PHONE
    )
    hl.dispatch(rt, operator, second.case.number, hl.DispatchOrder(county.units["ZJJ"].id))
    return {"first": first, "second": second.case.number}


def test_indicators_from_window_and_hotline_cases(county: County) -> None:
    release = release_with_seal_fee()
    numbers = build_month(county, release)
    requests = build_hotline(county)
    region = county.units["HPX"].id
    with catalogues_known([release]):
        evaluation = evaluate_period(county.rt, "2026Q1", root_id=region, with_cases=True)
    assert not {c for c in evaluation.unavailable if c.startswith(("window.", "project.", "hotline."))}
    card = evaluation.result(region).card
    expected = {
        "starting_business.procedures": (6.0, ["qykb_a", "qykb_b"]),
        "starting_business.time": (1.0, ["qykb_a", "qykb_b"]),
        "starting_business.materials": (13.0, ["qykb_a", "qykb_b"]),
        "starting_business.cost": (SEAL_FEE / 2, ["qykb_a", "qykb_b"]),
        "construction_permits.procedures": (6.0, ["gcjs"]),
        "construction_permits.time": (11.0, ["gcjs"]),
        "construction_permits.materials": (9.0, ["gcjs"]),
        "registering_property.procedures": (2.0, ["bdcdj"]),
        "registering_property.time": (3.0, ["bdcdj"]),
    }
    for key, (value, names) in expected.items():
        component = card.component(key).value
        assert (key, component.source, component.value) == (key, "computed", pytest.approx(value))
        assert sorted(component.cases) == sorted(numbers[n] for n in names), key
    closure = card.component("gov_services.hotline_closure_rate").value
    assert closure.value == pytest.approx(50.0)
    assert sorted(closure.cases) == sorted(requests.values())
    with read(county.rt.engine) as conn:
        on_time = measure_one(
            conn, "hotline.on_time_rate", evaluation.period, evaluation.result(region).region, county.rt.working_time()
        )
    assert (on_time.value, on_time.cases) == (100.0, (requests["first"],))


def test_an_unknown_release_is_priced_by_the_current_catalogue(county: County) -> None:
    """Without release 2 known, B's items are priced by the shipped catalogue: no fee at all."""
    build_month(county, release_with_seal_fee())
    region = county.units["HPX"].id
    card = evaluate_period(county.rt, "2026Q1", root_id=region).result(region).card
    assert card.component("starting_business.cost").value.value == 0.0
    assert default_catalog().items["GAJ001"].fee_total == 0


def test_a_materials_measure_must_say_what_counts_as_handed_in() -> None:
    document = {
        "kinds": dict(load_sources().kinds),
        "measures": [
            {"code": "m", "label": "材料", "unit": "件", "statistic": "mean_materials", "kind": "application"}
        ],
    }
    with pytest.raises(InvalidTree, match="material_statuses"):
        parse_sources(document)
    spec = load_sources()
    by_code = {m.code: m for m in spec.measures}
    assert by_code["window.starting_business.materials"].material_statuses == ("provided", "deferred")
