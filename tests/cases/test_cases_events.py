"""The hash chain: canonical hashing, and tampering (alteration, removal, reordering, truncation) detected."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from case_helpers import FULL_DATA, MONDAY

from onestop.cases import GENESIS_HASH, Event, decide, event_hash, make_event, open_case, verify_chain
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.worktime import WorkingTime


@pytest.fixture
def history(wt: WorkingTime, everyone: Actor) -> list[Event]:
    """Six events of one approval case."""
    case, first = open_case("generic_approval", number="SP1", actor=everyone, now=MONDAY, wt=wt, unit_id=1)
    events = [first]
    actions = ["request_supplement", "supplement", "extend", "request_supplement", "supplement"]
    for i, action in enumerate(actions, start=1):
        case, event = decide(case, action, everyone, FULL_DATA, MONDAY + timedelta(hours=i), wt)
        events.append(event)
    return events


def test_hash_is_canonical() -> None:
    args = ("SP1", 1, "open", "clerk", 1, MONDAY, None, "in_approval")
    a = event_hash(GENESIS_HASH, *args, {"b": 1, "a": "中文"})
    b = event_hash(GENESIS_HASH, *args, {"a": "中文", "b": 1})
    assert a == b
    assert len(a) == 64
    int(a, 16)
    utc_args = (*args[:5], MONDAY.astimezone(ZoneInfo("UTC")), *args[6:])
    assert event_hash(GENESIS_HASH, *utc_args, {"a": "中文", "b": 1}) == a  # the instant, not its zone
    later = (*args[:5], MONDAY + timedelta(microseconds=1), *args[6:])
    assert event_hash(GENESIS_HASH, *later, {"a": "中文", "b": 1}) != a


def test_make_event_chains() -> None:
    first = make_event(
        None, case_number="X1", action="open", actor="a", actor_id=1, at=MONDAY, from_state=None, to_state="s"
    )
    second = make_event(
        first,
        case_number="X1",
        action="go",
        actor="a",
        actor_id=1,
        at=MONDAY,
        from_state="s",
        to_state="t",
        data={"k": (1, 2)},
    )
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert second.data == {"k": [1, 2]}  # stored as JSON gives it back, so the hash survives a round trip
    assert second.recompute_hash() == second.hash


def test_sound_chain(history: list[Event]) -> None:
    assert verify_chain("SP1", history) is None
    assert verify_chain("SP1", history, len(history), history[-1].hash) is None
    assert verify_chain("SP1", [], 0, None) is None


def test_altered_data(history: list[Event]) -> None:
    tampered = list(history)
    tampered[2] = replace(history[2], data={**history[2].data, "reason": "改过"})
    problem = verify_chain("SP1", tampered, len(history), history[-1].hash)
    assert problem is not None
    assert (problem.seq, problem.reason) == (3, "altered")
    assert "第 3 条" in problem.message


@pytest.mark.parametrize("field", ["actor", "action", "to_state", "from_state"])
def test_altered_fields(history: list[Event], field: str) -> None:
    tampered = list(history)
    changes: dict[str, object] = {field: "x"}
    tampered[1] = replace(history[1], **changes)  # type: ignore[arg-type]
    problem = verify_chain("SP1", tampered)
    assert problem is not None
    assert (problem.seq, problem.reason) == (2, "altered")


def test_altered_time(history: list[Event]) -> None:
    tampered = list(history)
    tampered[3] = replace(history[3], at=history[3].at - timedelta(days=1))
    problem = verify_chain("SP1", tampered)
    assert problem is not None
    assert (problem.seq, problem.reason) == (4, "altered")


def test_rewritten_event_breaks_the_next_link(history: list[Event]) -> None:
    """An event altered and re-hashed is self-consistent; its successor's link names the break."""
    forged = replace(history[2], actor="someone_else")
    forged = replace(forged, hash=forged.recompute_hash())
    tampered = [*history[:2], forged, *history[3:]]
    problem = verify_chain("SP1", tampered)
    assert problem is not None
    assert (problem.seq, problem.reason) == (4, "altered")


def test_whole_tail_rewritten_is_caught_by_the_case_row(history: list[Event]) -> None:
    tampered = list(history[:4])
    forged = replace(history[4], actor="x")
    forged = replace(forged, hash=forged.recompute_hash())
    tampered.append(forged)
    last = replace(history[5], prev_hash=forged.hash)
    tampered.append(replace(last, hash=last.recompute_hash()))
    assert verify_chain("SP1", tampered) is None  # without the case row's tip, undetectable
    problem = verify_chain("SP1", tampered, len(history), history[-1].hash)
    assert problem is not None
    assert (problem.seq, problem.reason) == (6, "altered")
    problem = verify_chain("SP1", history[:4], expected_last_hash=history[-1].hash)
    assert problem is not None
    assert (problem.seq, problem.reason) == (5, "truncated")


def test_removed(history: list[Event]) -> None:
    problem = verify_chain("SP1", [*history[:2], *history[3:]], len(history), history[-1].hash)
    assert problem is not None
    assert (problem.seq, problem.reason) == (3, "removed")


def test_out_of_order(history: list[Event]) -> None:
    swapped = [history[0], history[2], history[1], *history[3:]]
    problem = verify_chain("SP1", swapped)
    assert problem is not None
    assert (problem.seq, problem.reason) == (2, "out_of_order")
    duplicated = [*history[:3], history[2], *history[3:]]
    problem = verify_chain("SP1", duplicated)
    assert problem is not None
    assert (problem.seq, problem.reason) == (3, "out_of_order")


def test_truncated(history: list[Event]) -> None:
    problem = verify_chain("SP1", history[:4], len(history), history[-1].hash)
    assert problem is not None
    assert (problem.seq, problem.reason) == (5, "truncated")
    assert "应有 6 条" in problem.message
    assert verify_chain("SP1", history[:4]) is None  # without the case row, a cut tail looks complete


def test_extra_event(history: list[Event]) -> None:
    problem = verify_chain("SP1", history, len(history) - 1)
    assert problem is not None
    assert (problem.seq, problem.reason) == (6, "altered")


def test_wrong_case(history: list[Event]) -> None:
    problem = verify_chain("SP2", history)
    assert problem is not None
    assert (problem.seq, problem.reason) == (1, "altered")


@pytest.mark.parametrize(
    ("actor", "actor_id", "from_state", "data"),
    [
        ("clerk", 1, None, {}),
        ('引号"与\\反斜杠', None, "in_approval", {"z": [1, 2.5, None, True], "a": {"嵌套": "值\n换行"}}),
        ("\u0001控制", 123456789, "a\u2028b", {"emoji": "🙂", "float": 1e-7, "big": 10**20}),
    ],
)
def test_hash_is_sha256_of_the_documented_canonical_json(
    actor: str, actor_id: int | None, from_state: str | None, data: dict[str, object]
) -> None:
    """The hand-assembled body must be byte-identical to encoding the body dict (what auditors recompute)."""
    body = {
        "prev_hash": GENESIS_HASH,
        "case_number": "SQ20250303000001",
        "seq": 7,
        "action": "approve",
        "actor": actor,
        "actor_id": actor_id,
        "at": MONDAY.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds"),
        "from_state": from_state,
        "to_state": "approved",
        "data": data,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    got = event_hash(
        GENESIS_HASH, "SQ20250303000001", 7, "approve", actor, actor_id, MONDAY, from_state, "approved", data
    )
    assert got == expected


def test_hash_refuses_non_int_seq() -> None:
    with pytest.raises(TypeError):
        event_hash(GENESIS_HASH, "X", True, "open", "a", None, MONDAY, None, "s", {})


def test_event_data_is_copied_as_plain_json() -> None:
    nested = {"list": [1, {"k": "v"}]}
    event = make_event(
        None,
        case_number="X1",
        action="open",
        actor="a",
        actor_id=None,
        at=MONDAY,
        from_state=None,
        to_state="s",
        data={"nested": nested, "tuple": (1, 2), "role": Role.APPROVER},
    )
    assert event.data == {"nested": nested, "tuple": [1, 2], "role": "approver"}
    assert type(event.data["role"]) is str  # what a JSON column gives back
    assert event.data["nested"] is not nested  # never shared with the caller
    with pytest.raises(ValueError, match="JSON"):
        make_event(
            None,
            case_number="X1",
            action="open",
            actor="a",
            actor_id=None,
            at=MONDAY,
            from_state=None,
            to_state="s",
            data={"when": MONDAY},
        )
