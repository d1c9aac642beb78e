"""The platform measures of ``data/sources.json`` over fixture cases, checked by hand.

The source roles are pointed at the generic kinds (application → generic_application, approval →
generic_approval, hotline → generic_application, rectification → generic_approval): the window and hotline
kinds are being built in parallel, and the point of the configuration is that the same measures then read them.

On top of the shared scenario (see test_evaluation_measures), in 和平县, 2026 Q4:

  SQ8  online, the 企业开办 bundle (target qykb), accepted Fri 16 Oct, two approvals, both approved Mon 19 Oct   1 wd
  SQ9  owned by the 市场监管局 (a department, not the service center), opened 21 Oct, never accepted

Finished in Q4 (和平县): SQ1 (0 wd, 0 approvals, 1 trip), SQ2 (2 wd, 1, 1 + one 补正 = 2), SQ3 (5 wd, 1, 1 + two
补正 = 3, overdue), SQ8 (1 wd, 2, online: 0 trips) → time 8/4, 环节 4/4, 跑动 6/4, on time 3/4.
Opened in Q4 (和平县): SQ1, SQ3, SQ4, SQ6, SQ8, SQ9 → online 1/6, one window 5/6, finished by the end 3/6.
东源县: SQ7 only (1 wd, 0 approvals, 1 trip, on time).

Ratings (和平县, Q4): SQ1 level 5, SQ2 level 3, SQ3 level 1 (rectification finished), SQ8 level 2 (rectification
still open); SQ4 level 1 but annulled; SQ5 rated in Q3. 东源县: SQ7 level 4.
→ 好评 (levels 4–5, as the ratings module counts them) 1/4, satisfied (3–5, the hotline's 满意率) 2/4, rectified
1/2; 东源县 good 1/1, rectified none.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from onestop.actions.cases import ChildSpec, open_case, perform
from onestop.actions.evaluation import accepts_entries, evaluate_period
from onestop.actions.evaluation_reads.computed import MeasureContext, Measurement, get_measure, measures
from onestop.actions.runtime import Runtime
from onestop.db.engine import read, write
from onestop.db.tables import cases
from onestop.evaluation.periods import Period
from onestop.evaluation.sources import configure_kinds, kinds_configured, load_sources, source_kinds
from onestop.evaluation.tree import load_tree
from tests.evaluation.conftest import GENERIC, Prefecture
from tests.evaluation.scenario import Scenario, at, build_scenario

PLATFORM = (
    "window.time",
    "window.procedures",
    "window.visits",
    "window.on_time_rate",
    "window.online_rate",
    "window.one_window_rate",
    "window.starting_business.time",
    "window.starting_business.procedures",
    "hotline.closure_rate",
    "hotline.on_time_rate",
    "hotline.satisfaction_rate",
    "ratings.good_rate",
    "ratings.rectified_rate",
)


@pytest.fixture
def generic_sources() -> Iterator[None]:
    with kinds_configured(GENERIC):
        yield


def _children(rt: Runtime, number: str) -> list[str]:
    with read(rt.engine) as conn:
        parent = conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one()
        return list(conn.execute(sa.select(cases.c.number).where(cases.c.parent_id == parent)).scalars())


def _case_id(rt: Runtime, number: str) -> int:
    with read(rt.engine) as conn:
        return int(conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one())


def _rate(  # noqa: PLR0917  (a table row: positional reads like the row it writes)
    rt: Runtime, s: Scenario, name: str, unit: str, level: int, when: datetime, **extra: object
) -> dict[str, object]:
    number = s.numbers[name]
    return {
        "case_id": _case_id(rt, number),
        "case_kind": "generic_application",
        "unit_id": s.prefecture.units[unit].id,
        "item_code": None,
        "channel": "window_device",
        "scope": "case",
        "level": level,
        "bad": level <= 2,
        "real_name": True,
        "party_id": None,
        "comment": "",
        "tags": [],
        "rated_at": when,
        "status": extra.pop("status", "valid"),
        "annulled_at": None,
        "rectification_case_id": extra.pop("rectification_case_id", None),
    }


def _insert_ratings(rt: Runtime, rows: list[dict[str, object]]) -> None:
    """Fixture rows written straight into the ratings table (the ratings module's actions are not ours)."""
    table = sa.Table("ratings", sa.MetaData(), autoload_with=rt.engine)
    with write(rt.engine) as conn:
        conn.execute(sa.insert(table), [{k: v for k, v in row.items() if k in table.c} for row in rows])


@pytest.fixture
def platform(prefecture: Prefecture) -> Scenario:
    s = build_scenario(prefecture)
    p, rt, u, a = prefecture, prefecture.rt, prefecture.units, prefecture.actors
    p.at(at(10, 16, 9))
    sq8 = open_case(
        rt,
        "generic_application",
        a["clerk_hp"],
        unit_id=u["HPX-ZWFW"].id,
        payload={"limit": "5d", "channel": "online", "target": "qykb"},
    )
    s.numbers["SQ8"] = sq8.number
    p.at(at(10, 16, 9, 10))
    perform(rt, sq8.number, "accept", a["clerk_hp"])
    p.at(at(10, 16, 9, 15))
    children = [ChildSpec("generic_approval", u["HPX-SCJ"].id, {"limit": "5d"}) for _ in range(2)]
    perform(rt, sq8.number, "dispatch", a["clerk_hp"], children=children)
    p.at(at(10, 19, 10))
    for number in _children(rt, sq8.number):
        perform(rt, number, "approve", a["approver_hp"])
    p.at(at(10, 21, 10))
    s.numbers["SQ9"] = open_case(
        rt, "generic_application", a["clerk_hp"], unit_id=u["HPX-SCJ"].id, payload={"limit": "5d"}
    ).number
    # two rectifications (generic approvals stand in for the ratings module's kind): one done, one open
    p.at(at(10, 22, 9))
    done = open_case(rt, "generic_approval", a["clerk_hp"], unit_id=u["HPX-SCJ"].id, payload={"limit": "5d"})
    still = open_case(rt, "generic_approval", a["clerk_hp"], unit_id=u["HPX-SCJ"].id, payload={"limit": "5d"})
    p.at(at(10, 23, 9))
    perform(rt, done.number, "approve", a["approver_hp"])
    q4 = at(11, 2, 10).astimezone(UTC)
    _insert_ratings(
        rt,
        [
            _rate(rt, s, "SQ1", "HPX-ZWFW", 5, q4),
            _rate(rt, s, "SQ2", "HPX-ZWFW", 3, q4),
            _rate(rt, s, "SQ3", "HPX-ZWFW", 1, q4, rectification_case_id=done.id),
            _rate(rt, s, "SQ8", "HPX-ZWFW", 2, q4, rectification_case_id=still.id),
            _rate(rt, s, "SQ4", "HPX-ZWFW", 1, q4, status="annulled"),
            _rate(rt, s, "SQ5", "HPX-ZWFW", 1, at(9, 20, 10)),
            _rate(rt, s, "SQ7", "DYX-ZWFW", 4, q4),
        ],
    )
    return s


def _measure(rt: Runtime, s: Scenario, period: str, *, with_cases: bool) -> dict[str, dict[int, Measurement]]:
    with read(rt.engine) as conn:
        ctx = MeasureContext(conn, Period.parse(period), s.regions, rt.working_time(), with_cases=with_cases)
        found = {}
        for code in PLATFORM:
            item = get_measure(code)
            assert item is not None, code
            found[code] = item(ctx)
        return found


@pytest.mark.usefixtures("generic_sources")
@pytest.mark.parametrize("with_cases", [False, True])
def test_platform_measures_q4_by_hand(platform: Scenario, rt: Runtime, with_cases: bool) -> None:
    m = _measure(rt, platform, "2026Q4", with_cases=with_cases)
    hp, dy = platform.region("HPX").id, platform.region("DYX").id
    n = platform.numbers
    values = {code: m[code][hp].value for code in PLATFORM}
    assert values == {
        "window.time": pytest.approx(8 / 4),
        "window.procedures": pytest.approx(4 / 4),
        "window.visits": pytest.approx(6 / 4),
        "window.on_time_rate": pytest.approx(75.0),
        "window.online_rate": pytest.approx(100 / 6),
        "window.one_window_rate": pytest.approx(500 / 6),
        "window.starting_business.time": pytest.approx(1.0),
        "window.starting_business.procedures": pytest.approx(2.0),
        "hotline.closure_rate": pytest.approx(50.0),
        "hotline.on_time_rate": pytest.approx(75.0),
        "hotline.satisfaction_rate": pytest.approx(50.0),
        "ratings.good_rate": pytest.approx(25.0),
        "ratings.rectified_rate": pytest.approx(50.0),
    }
    assert m["window.time"][hp].denominator == 4
    assert m["window.online_rate"][hp].denominator == 6
    assert (m["window.time"][dy].value, m["window.visits"][dy].value) == (1.0, 1.0)
    assert m["window.procedures"][dy].value == 0.0
    assert m["ratings.good_rate"][dy].value == 100.0
    assert m["ratings.rectified_rate"][dy] == Measurement(None, 0, 0)
    if with_cases:
        assert sorted(m["window.time"][hp].cases) == sorted([n["SQ1"], n["SQ2"], n["SQ3"], n["SQ8"]])
        assert m["window.online_rate"][hp].hits == (n["SQ8"],)
        assert sorted(m["window.on_time_rate"][hp].hits) == sorted([n["SQ1"], n["SQ2"], n["SQ8"]])
        assert m["ratings.rectified_rate"][hp].hits == (n["SQ3"],)
        assert sorted(m["hotline.closure_rate"][hp].hits) == sorted([n["SQ1"], n["SQ3"], n["SQ8"]])
    else:
        assert m["window.time"][hp].cases == ()


@pytest.mark.usefixtures("generic_sources")
def test_q3_counts_only_q3(platform: Scenario, rt: Runtime) -> None:
    m = _measure(rt, platform, "2026Q3", with_cases=False)
    hp = platform.region("HPX").id
    assert m["window.time"][hp].value == 1.0  # SQ5: accepted Mon 14 Sep, finished Tue 15 Sep
    assert m["window.online_rate"][hp].denominator == 2  # SQ2 and SQ5 were opened in Q3
    assert m["ratings.good_rate"][hp] == Measurement(0.0, 0, 1)  # SQ5's level 1


def test_measures_are_unavailable_until_their_kinds_are_registered() -> None:
    # the conftest points every role at a kind nobody registered
    assert get_measure("window.online_rate") is None
    assert "window.online_rate" not in {m.code for m in measures()}
    assert "window.online_rate" in {m.code for m in measures(include_unavailable=True)}
    online = load_tree(2026).component("gov_services.online_rate")
    assert accepts_entries(online)  # falls back to an entered value
    with kinds_configured(GENERIC):
        item = get_measure("window.online_rate")
        assert item is not None
        assert item.source_kinds() == ("generic_application",)
        assert "网上渠道" in item.source
        assert not accepts_entries(online)
        rated = get_measure("ratings.rectified_rate")
        assert rated is not None
        assert rated.source_kinds() == ("generic_approval",)
    assert get_measure("window.online_rate") is None  # the block's configuration is undone


def test_sources_default_to_the_contract_kinds() -> None:
    assert load_sources().kinds == {
        "application": "window_application",
        "approval": "window_approval",
        "hotline": "hotline_request",
        "rectification": "rectification",
    }
    with pytest.raises(Exception, match="未知的数据来源角色"):
        configure_kinds({"windows": "x"})
    assert source_kinds()["application"].startswith("not_installed")


@pytest.mark.usefixtures("generic_sources")
def test_evaluation_takes_the_platform_values(platform: Scenario, rt: Runtime) -> None:
    """The default tree's 政务服务: 网上可办率 and 一窗受理率 now come from the cases, linked to them."""
    p = platform.prefecture
    evaluation = evaluate_period(rt, "2026Q4", root_id=p.units["HYS"].id, with_cases=True)
    card = evaluation.result(platform.region("HPX").id).card
    online = card.component("gov_services.online_rate")
    assert online.value.source == "computed"
    assert online.value.value == pytest.approx(100 / 6)
    assert online.value.cases
    assert platform.numbers["SQ9"] in online.value.cases
    good = card.component("gov_services.good_rating_rate")
    assert good.value.value == pytest.approx(25.0)
    assert "window.online_rate" not in evaluation.unavailable
    # 工程建设 is computed too now; no generic case is a 工程建设项目, so the value is missing, not entered
    assert evaluation.unavailable == ()
    construction = card.component("construction_permits.time").value
    assert (construction.source, construction.value, construction.case_count) == ("missing", None, 0)


def test_configured_finished_states_exist_in_the_real_kinds() -> None:
    """sources.json names the states in which a window application or a hotline request counts as finished;
    they must be states of those kinds (checked once their modules are installed)."""
    from onestop.cases.kinds import all_kinds

    registered = {k.code: k for k in all_kinds()}
    for kind, states in load_sources().finished.items():
        if kind in registered:
            assert set(states) <= set(registered[kind].states), kind
    assert load_sources().finished["window_application"] == ("decided",)
