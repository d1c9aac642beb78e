"""The action layer: one transaction per action, optimistic versions, parallel approvals that join."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from onestop.actions.cases import ChildSpec, open_case, perform
from onestop.cases.errors import ActionNotAllowed, InvalidAction, MissingData, NotFound, UnknownKind, VersionConflict
from onestop.db.engine import read
from onestop.db.tables import case_events, cases
from tests.actions.conftest import County


def _counts(county: County) -> tuple[int, int]:
    with read(county.rt.engine) as conn:
        n_cases = conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(sa.select(sa.func.count()).select_from(case_events)).scalar_one()
    return n_cases, n_events


def _application(county: County, limit: str = "5d") -> str:
    case = open_case(county.rt, "generic_application", county.clerk, unit_id=county.center.id, payload={"limit": limit})
    return case.number


def test_open_assigns_readable_sequential_numbers(county: County) -> None:
    first, second = _application(county), _application(county)
    assert first == "SQ20260928000001"
    assert second == "SQ20260928000002"
    county.clock.set(county.clock.current + timedelta(days=1))
    assert _application(county) == "SQ20260929000001"  # the sequence restarts each day


def test_perform_persists_state_clock_and_event(county: County) -> None:
    number = _application(county)
    case = perform(county.rt, number, "accept", county.clerk)
    assert case.state == "accepted"
    assert case.version == 2
    with read(county.rt.engine) as conn:
        row = conn.execute(sa.select(cases).where(cases.c.number == number)).mappings().one()
        events = conn.execute(
            sa.select(case_events.c.action, case_events.c.seq).where(case_events.c.case_id == row["id"])
        ).all()
    assert row["state"] == "accepted"
    assert row["clock_mode"] == "running"
    # 5 working days after Monday 2026-09-28: 29 and 30 Sep, 国庆 1-7 Oct, 8 and 9 Oct, then the make-up
    # working Saturday 10 Oct (调休) is the fifth.
    assert row["due_at"].astimezone(county.clock.current.tzinfo).isoformat() == "2026-10-10T17:30:00+08:00"
    assert sorted(events, key=lambda e: e.seq) == [("open", 1), ("accept", 2)]


def test_stale_version_is_refused_and_changes_nothing(county: County) -> None:
    number = _application(county)
    perform(county.rt, number, "accept", county.clerk, expected_version=1)
    before = _counts(county)
    with pytest.raises(VersionConflict) as info:
        perform(county.rt, number, "reject", county.clerk, {"reason": "材料不全"}, expected_version=1)
    assert info.value.status == 409
    assert info.value.field == "version"
    assert _counts(county) == before


def test_rule_violations_are_domain_errors_and_write_nothing(county: County) -> None:
    number = _application(county)
    before = _counts(county)
    with pytest.raises(InvalidAction):
        perform(county.rt, number, "finish", county.clerk)  # not accepted yet
    with pytest.raises(ActionNotAllowed):
        perform(county.rt, number, "accept", county.approvers[0])  # an approver is not a window clerk
    with pytest.raises(MissingData) as missing:
        perform(county.rt, number, "reject", county.clerk, {})
    assert missing.value.field == "reason"
    with pytest.raises(NotFound):
        perform(county.rt, "SQ20990101000001", "accept", county.clerk)
    assert _counts(county) == before


def test_failed_child_rolls_back_the_whole_action(county: County) -> None:
    number = _application(county)
    perform(county.rt, number, "accept", county.clerk)
    before = _counts(county)
    children = [ChildSpec("generic_approval", county.departments[0].id), ChildSpec("no_such_kind", None)]
    with pytest.raises(UnknownKind):
        perform(county.rt, number, "dispatch", county.clerk, children=children)
    assert _counts(county) == before  # neither the dispatch nor the first child was written
    with read(county.rt.engine) as conn:
        state = conn.execute(sa.select(cases.c.state).where(cases.c.number == number)).scalar_one()
    assert state == "accepted"


def _dispatch_five(county: County) -> tuple[str, list[str]]:
    number = _application(county)
    perform(county.rt, number, "accept", county.clerk)
    children = [ChildSpec("generic_approval", d.id, {"limit": "3d"}) for d in county.departments]
    perform(county.rt, number, "dispatch", county.clerk, children=children)
    with read(county.rt.engine) as conn:
        parent_id = conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one()
        child_numbers = list(
            conn.execute(sa.select(cases.c.number).where(cases.c.parent_id == parent_id).order_by(cases.c.id)).scalars()
        )
    return number, child_numbers


def _state(county: County, number: str) -> str:
    with read(county.rt.engine) as conn:
        return str(conn.execute(sa.select(cases.c.state).where(cases.c.number == number)).scalar_one())


def test_parallel_approval_joins_when_the_last_department_finishes(county: County) -> None:
    number, children = _dispatch_five(county)
    assert len(children) == 5
    assert all(c.startswith("SP20260928") for c in children)
    for child, approver in zip(children[:-1], county.approvers[:-1], strict=True):
        perform(county.rt, child, "approve", approver)
        assert _state(county, number) == "in_approval"
    perform(county.rt, children[-1], "approve", county.approvers[-1])
    assert _state(county, number) == "finished"
    with read(county.rt.engine) as conn:
        last = conn.execute(
            sa.select(case_events.c.action, case_events.c.actor, case_events.c.data)
            .join(cases, cases.c.id == case_events.c.case_id)
            .where(cases.c.number == number)
            .order_by(case_events.c.seq.desc())
        ).first()
    assert last is not None
    assert last.action == "finish"
    assert last.actor == "system"
    assert set(last.data["children"]) == set(children)


def test_concurrent_actions_on_one_case_one_wins(county: County) -> None:
    """Two clerks act on the same version at once: exactly one succeeds, the other gets a clear error."""
    number = _application(county)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(action: str, data: dict[str, object]) -> None:
        barrier.wait()
        try:
            perform(county.rt, number, action, county.clerk, data, expected_version=1)
            outcomes.append("ok")
        except (VersionConflict, InvalidAction) as exc:
            outcomes.append(type(exc).__name__)

    threads = [
        threading.Thread(target=act, args=("accept", {})),
        threading.Thread(target=act, args=("reject", {"reason": "重复申请"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    assert outcomes.count("ok") == 1
    with read(county.rt.engine) as conn:
        version = conn.execute(sa.select(cases.c.version).where(cases.c.number == number)).scalar_one()
    assert version == 2
