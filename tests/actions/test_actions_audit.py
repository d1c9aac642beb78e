"""Tamper evidence: `verify_all` names the first event altered or removed."""

from __future__ import annotations

import sqlalchemy as sa

from onestop.actions.audit import verify_all
from onestop.actions.cases import open_case, perform
from onestop.db.engine import write
from onestop.db.tables import case_events, cases
from tests.actions.conftest import County


def _history(county: County) -> str:
    number = open_case(county.rt, "generic_application", county.clerk, unit_id=county.center.id).number
    perform(county.rt, number, "accept", county.clerk)
    perform(county.rt, number, "request_supplement", county.clerk, {"items": ["身份证复印件"]})
    perform(county.rt, number, "supplement", county.clerk)
    return number


def _case_id(county: County, number: str) -> int:
    with write(county.rt.engine) as conn:
        return int(conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one())


def test_untouched_chains_verify(county: County) -> None:
    _history(county)
    _history(county)
    report = verify_all(county.rt.engine)
    assert report.ok
    assert report.cases == 2
    assert report.events == 8


def test_altered_event_is_named(county: County) -> None:
    _history(county)
    number = _history(county)
    case_id = _case_id(county, number)
    with write(county.rt.engine) as conn:
        conn.execute(
            sa.update(case_events)
            .where(case_events.c.case_id == case_id, case_events.c.seq == 3)
            .values(data={"items": ["伪造的材料"]})
        )
    report = verify_all(county.rt.engine)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.case_number, problem.seq, problem.reason) == (number, 3, "altered")


def test_removed_event_is_named(county: County) -> None:
    number = _history(county)
    case_id = _case_id(county, number)
    with write(county.rt.engine) as conn:
        conn.execute(sa.delete(case_events).where(case_events.c.case_id == case_id, case_events.c.seq == 2))
    (problem,) = verify_all(county.rt.engine).problems
    assert problem.case_number == number
    assert problem.seq == 2
    assert problem.reason == "removed"


def test_truncated_tail_is_detected(county: County) -> None:
    number = _history(county)
    case_id = _case_id(county, number)
    with write(county.rt.engine) as conn:
        conn.execute(sa.delete(case_events).where(case_events.c.case_id == case_id, case_events.c.seq == 4))
    (problem,) = verify_all(county.rt.engine).problems
    assert problem.case_number == number
    assert problem.reason in {"truncated", "removed"}
    assert problem.seq == 4
