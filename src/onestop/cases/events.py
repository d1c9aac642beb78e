"""Events: the facts of a case, chained by hash so that tampering shows.

Each event's hash covers its content and the previous event's hash. The case row keeps the count and the last
hash, so deleting trailing events (truncation) shows too, not only edits and gaps.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Literal

from onestop.cases._fast import build

GENESIS_HASH = "0" * 64

ChainReason = Literal["altered", "removed", "out_of_order", "truncated"]


@dataclass(frozen=True)
class Event:
    case_number: str
    seq: int  # 1-based, per case
    action: str
    actor: str  # username, or "system"
    actor_id: int | None
    at: datetime
    from_state: str | None
    to_state: str
    data: Mapping[str, object]  # JSON-able
    prev_hash: str
    hash: str

    def recompute_hash(self) -> str:
        return event_hash(
            self.prev_hash,
            self.case_number,
            self.seq,
            self.action,
            self.actor,
            self.actor_id,
            self.at,
            self.from_state,
            self.to_state,
            self.data,
        )


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _not_json(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The C encoder, built once: json.dumps (and JSONEncoder.encode) build a new one on every call, which costs
# more than encoding a small dict. Same options, so the same text as json.dumps(..., sort_keys=True,
# ensure_ascii=False, separators=(",", ":")); no circular-reference check (event data is copied as plain
# JSON trees first).
_C_ENCODER = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", True, False, True)
)


def _encode(value: object) -> str:
    if _C_ENCODER is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def canonical_json(value: object) -> str:
    """One text per value: the hash must not depend on key order, spacing or escaping."""
    return _encode(value)


_last_iso: tuple[datetime | None, str] = (None, "")


def utc_iso(at: datetime) -> str:
    global _last_iso  # noqa: PLW0603  (a one-entry cache: one action stamps several events with one `now`)
    last_at, last_text = _last_iso
    if at is last_at:
        return last_text
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r} in an event")
    # Fixed precision and zone: the same instant stored by SQLite or PostgreSQL hashes the same.
    text = at.astimezone(UTC).isoformat(timespec="microseconds")
    _last_iso = (at, text)
    return text


def canonical_body(  # noqa: PLR0917  (mirrors event_hash)
    prev_hash: str,
    case_number: str,
    seq: int,
    action: str,
    actor: str,
    actor_id: int | None,
    at: datetime,
    from_state: str | None,
    to_state: str,
    data: Mapping[str, object],
) -> str:
    """``canonical_json`` of the event's body dict, assembled around the one encoded part (``data``).

    Same text as encoding the dict {prev_hash, case_number, seq, action, actor, actor_id, at, from_state,
    to_state, data} with sorted keys (the tests hold it to that); built by hand because it is the hot path of
    every action.
    """
    if type(seq) is not int or (actor_id is not None and type(actor_id) is not int):
        raise TypeError("seq and actor_id must be int")
    enc = encode_basestring  # raises TypeError for a non-str, as the dict encoding would not
    return (
        f'{{"action":{enc(action)},"actor":{enc(actor)},'
        f'"actor_id":{"null" if actor_id is None else actor_id},"at":"{utc_iso(at)}",'
        f'"case_number":{enc(case_number)},"data":{_encode(data)},'
        f'"from_state":{"null" if from_state is None else enc(from_state)},'
        f'"prev_hash":{enc(prev_hash)},"seq":{seq},"to_state":{enc(to_state)}}}'
    )


def event_hash(  # noqa: PLR0917  (positional by contract, mirroring the hashed fields in order)
    prev_hash: str,
    case_number: str,
    seq: int,
    action: str,
    actor: str,
    actor_id: int | None,
    at: datetime,
    from_state: str | None,
    to_state: str,
    data: Mapping[str, object],
) -> str:
    """sha256 (hex) of the canonical JSON of the event's body; see ``canonical_body``."""
    body = canonical_body(prev_hash, case_number, seq, action, actor, actor_id, at, from_state, to_state, data)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_copy(value: object) -> object:
    """A deep copy of plain JSON data (dicts with str keys, lists, scalars); TypeError for anything else.

    Exact types only: a StrEnum or IntEnum goes the slow way and is stored as the plain value JSON gives back.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                raise TypeError("non-str key")
            out[key] = _plain_copy(item)
        return out
    if kind is list:
        return [_plain_copy(item) for item in value]  # type: ignore[attr-defined]
    raise TypeError(kind.__name__)


def json_data(data: Mapping[str, object] | None) -> dict[str, object]:
    """A plain-JSON copy of ``data``: what a JSON column gives back, so the hash survives a round trip."""
    if not data:
        return {}
    try:
        # Fast path: data that is already plain JSON is copied as is (no encode/decode round trip).
        return _plain_copy(data)  # type: ignore[return-value]
    except TypeError:
        pass
    try:
        # Tuples, int keys, Mappings: exactly what a JSON column would give back.
        copied: dict[str, object] = json.loads(canonical_json(dict(data)))
    except TypeError as exc:
        raise ValueError(f"event data is not JSON-able: {exc}") from exc
    return copied


def chain_event(
    *,
    case_number: str,
    seq: int,
    prev_hash: str,
    action: str,
    actor: str,
    actor_id: int | None,
    at: datetime,
    from_state: str | None,
    to_state: str,
    data: Mapping[str, object] | None = None,
    plain: bool = False,
) -> Event:
    """The next event given the chain's tip (seq and hash), which is what a case row stores.

    ``data`` is copied as plain JSON unless ``plain`` says the caller built it fresh from plain JSON (the
    event then keeps that very dict).
    """
    clean = (data if isinstance(data, dict) else dict(data or {})) if plain else json_data(data)
    digest = event_hash(prev_hash, case_number, seq, action, actor, actor_id, at, from_state, to_state, clean)
    return build(
        Event,
        {
            "case_number": case_number,
            "seq": seq,
            "action": action,
            "actor": actor,
            "actor_id": actor_id,
            "at": at,
            "from_state": from_state,
            "to_state": to_state,
            "data": clean,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )


def make_event(
    prev: Event | None,
    *,
    case_number: str,
    action: str,
    actor: str,
    actor_id: int | None,
    at: datetime,
    from_state: str | None,
    to_state: str,
    data: Mapping[str, object] | None = None,
) -> Event:
    return chain_event(
        case_number=case_number,
        seq=1 if prev is None else prev.seq + 1,
        prev_hash=GENESIS_HASH if prev is None else prev.hash,
        action=action,
        actor=actor,
        actor_id=actor_id,
        at=at,
        from_state=from_state,
        to_state=to_state,
        data=data,
    )


@dataclass(frozen=True)
class ChainProblem:
    case_number: str
    seq: int  # the first bad (or first missing) event
    reason: ChainReason
    message: str  # Chinese, for the supervision page


def verify_chain(
    case_number: str,
    events: Sequence[Event],
    expected_count: int | None = None,
    expected_last_hash: str | None = None,
) -> ChainProblem | None:
    """Check a case's events (in stored order) and name the FIRST bad one; None when the chain is sound.

    ``expected_count`` and ``expected_last_hash`` come from the case row; without them a chain cut short at
    its end cannot be told from a complete one.
    """

    def problem(seq: int, reason: ChainReason, message: str) -> ChainProblem:
        return ChainProblem(case_number, seq, reason, f"案件 {case_number} 第 {seq} 条事件{message}")

    prev_hash = GENESIS_HASH
    present = {event.seq for event in events}
    for index, event in enumerate(events, start=1):
        if event.seq > index:
            if index in present:  # it is there, only later in the list
                return problem(index, "out_of_order", "顺序错乱")
            return problem(index, "removed", "缺失（已被删除）")
        if event.seq < index:
            return problem(event.seq, "out_of_order", "顺序错乱或重复")
        if event.case_number != case_number or event.hash != event.recompute_hash():
            return problem(index, "altered", "内容被篡改（哈希不符）")
        if event.prev_hash != prev_hash:
            # The event is self-consistent but does not follow its predecessor: it was rewritten whole.
            return problem(index, "altered", "与前一条事件的哈希链接不符")
        prev_hash = event.hash
    count = len(events)
    if expected_count is not None and count < expected_count:
        return problem(count + 1, "truncated", f"起缺失（应有 {expected_count} 条，仅存 {count} 条）")
    if expected_count is not None and count > expected_count:
        return problem(expected_count + 1, "altered", f"为多出的事件（案件记录为 {expected_count} 条）")
    if expected_last_hash is not None and prev_hash != expected_last_hash:
        if expected_count is None:
            # Without the count, a tip that does not match most likely means the real tail was cut off.
            return problem(count + 1, "truncated", "起缺失（末条哈希与案件记录不符）")
        # Right count, wrong tip: the tail was rewritten and re-hashed; only the last link can be named.
        return problem(max(count, 1), "altered", "与案件记录的末条哈希不符（事件被改写）")
    return None
