"""Cases and their events in the database: the only place that maps `Case`/`Event` to rows.

The statements every action and every tick runs (load a case, open one, update it, append events, claim due
cases) are plain SQL, written once per dialect and run on the DBAPI cursor of the caller's connection, inside
the caller's transaction: SQLAlchemy's per-statement and per-row processing cost more than the database work
itself (bench/engine.py, bench/tick.py). ``_Codec`` binds and reads each value exactly as the Core column types
do (``UTCDateTime``, JSON on SQLite, JSONB on PostgreSQL), so a row written here and one written through Core
are the same (tests/db/test_db_cases_repo.py holds them to that), and ``row_to_case``/``row_to_event`` still
map Core result rows for everyone else's queries. An update writes only the columns that moved, and on
PostgreSQL a batch (the tick) goes in by COPY.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.cases._fast import build
from onestop.cases.case import AlarmLevel, Case, evolve
from onestop.cases.clock import Clock
from onestop.cases.engine import next_alarm_at
from onestop.cases.errors import NotFound, VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import ClockMode
from onestop.db.tables import case_events
from onestop.worktime import TZ, WorkingTime

_NOT_STARTED = ClockMode.NOT_STARTED.value


def derived_columns(case: Case, wt: WorkingTime) -> dict[str, Any]:
    """Columns that are a function of the clock and the calendar, kept for indexes (lists, tick, rankings)."""
    clock_mode, due_at, due_provisional, alarm_at = _derived(case, wt)
    return {"clock_mode": clock_mode, "due_at": due_at, "due_provisional": due_provisional, "next_alarm_at": alarm_at}


def _derived(case: Case, wt: WorkingTime) -> tuple[str, datetime | None, bool, datetime | None]:
    clock = case.clock
    if clock is None:
        return _NOT_STARTED, None, False, None
    due = clock.due(wt)  # memoised on the clock: the engine asked already when it moved it
    if due is None:
        return clock.mode.value, None, False, None
    return clock.mode.value, due.at, due.provisional, next_alarm_at(case, wt)


def _case_values(case: Case, wt: WorkingTime) -> dict[str, Any]:
    return {
        "number": case.number,
        "kind": case.kind,
        "state": case.state,
        "unit_id": case.unit_id,
        "parent_id": case.parent_id,
        "party_id": case.party_id,
        "payload": dict(case.payload),
        "clock": case.clock.to_json() if case.clock is not None else None,
        "alarm": case.alarm.value,
        "version": case.version,
        "event_count": case.event_count,
        "last_hash": case.last_hash,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        **derived_columns(case, wt),
    }


_ALARMS = {level.value: level for level in AlarmLevel}


def _alarm(value: str) -> AlarmLevel:
    level = _ALARMS.get(value)
    return level if level is not None else AlarmLevel(value)  # AlarmLevel raises for a bad value


def row_to_case(row: RowMapping) -> Case:
    clock_json = row["clock"]
    return _case(
        row["id"],
        row["number"],
        row["kind"],
        row["state"],
        row["unit_id"],
        row["parent_id"],
        row["party_id"],
        row["payload"] or {},
        Clock.from_json(clock_json) if clock_json else None,
        row["alarm"],
        row["version"],
        row["created_at"],
        row["updated_at"],
        row["last_hash"],
        row["event_count"],
        row["due_at"],
        row["due_provisional"],
    )


def _case(  # noqa: PLR0917  (the row's columns, in order)
    case_id: int | None,
    number: str,
    kind: str,
    state: str,
    unit_id: int | None,
    parent_id: int | None,
    party_id: int | None,
    payload: Any,
    clock: Clock | None,
    alarm: str,
    version: int,
    created_at: datetime,
    updated_at: datetime,
    last_hash: str,
    event_count: int,
    due_at: datetime | None,
    due_provisional: bool,
) -> Case:
    # Every field given, each already of its type: built without the dataclass __init__ (see cases/_fast.py).
    return build(
        Case,
        {
            "id": case_id,
            "number": number,
            "kind": kind,
            "state": state,
            "unit_id": unit_id,
            "parent_id": parent_id,
            "party_id": party_id,
            "payload": payload,
            "clock": clock,
            "alarm": _alarm(alarm),
            "version": version,
            "created_at": created_at,
            "updated_at": updated_at,
            "last_hash": last_hash,
            "event_count": event_count,
            "due_at": due_at,
            "due_provisional": bool(due_provisional),
        },
    )


def _event_values(case_id: int, event: Event) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": event.seq,
        "action": event.action,
        "actor": event.actor,
        "actor_id": event.actor_id,
        "at": event.at,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": dict(event.data),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def row_to_event(case_number: str, row: RowMapping) -> Event:
    return Event(
        case_number=case_number,
        seq=row["seq"],
        action=row["action"],
        actor=row["actor"],
        actor_id=row["actor_id"],
        at=row["at"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        data=row["data"] or {},
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


# -- driver SQL ------------------------------------------------------------------------------------------------

# The columns a Case is read from, in order (clock_mode and next_alarm_at are derived, never read back).
_READ = (
    "id, number, kind, state, unit_id, parent_id, party_id, payload, clock, alarm, version, created_at, "
    "updated_at, last_hash, event_count, due_at, due_provisional"
)
# Every column but the id, with its PostgreSQL type (the columns of the temporary table of batch updates).
_TYPES = {
    "number": "text",
    "kind": "text",
    "state": "text",
    "unit_id": "int",
    "parent_id": "int",
    "party_id": "int",
    "payload": "text",
    "clock": "text",
    "clock_mode": "text",
    "alarm": "text",
    "due_at": "timestamptz",
    "due_provisional": "bool",
    "next_alarm_at": "timestamptz",
    "version": "int",
    "event_count": "int",
    "last_hash": "text",
    "created_at": "timestamptz",
    "updated_at": "timestamptz",
}
_INSERT = tuple(_TYPES)
# An update always writes these (every event moves the version, the hash and the derived columns) ...
_ALWAYS = (
    "state",
    "clock_mode",
    "alarm",
    "due_at",
    "due_provisional",
    "next_alarm_at",
    "version",
    "event_count",
    "last_hash",
    "updated_at",
)
# ... and these only where they moved: the owner columns are indexed, and a statement that does not name them
# leaves those indexes alone; an unchanged clock or payload need not be encoded again.
_CLOCK, _PAYLOAD, _OWNERS = ("clock",), ("payload",), ("kind", "unit_id", "parent_id", "party_id")
_EVENT_TYPES = {
    "case_id": "int",
    "seq": "int",
    "action": "text",
    "actor": "text",
    "actor_id": "int",
    "at": "timestamptz",
    "from_state": "text",
    "to_state": "text",
    "data": "text",
    "prev_hash": "text",
    "hash": "text",
}
_EVENT = tuple(_EVENT_TYPES)
_JSON_COLUMNS = frozenset({"payload", "clock", "data"})


def _not_json(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps with its default options (what the JSON type binds on SQLite), from a C encoder built once:
# json.dumps builds a new one per call, which costs more than encoding a small dict.
_C_DUMPS = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _not_json, encode_basestring_ascii, None, ": ", ", ", False, False, True)
)


def _dumps(value: Any) -> str:
    if _C_DUMPS is None or (value is not None and type(value) is not dict and type(value) is not list):
        return json.dumps(value)
    return "".join(_C_DUMPS(value, 0))


_DT_TEXT: dict[datetime, str] = {}  # instants already rendered: an action or a tick repeats a few (now, dues)


def _sqlite_dt(at: datetime | None) -> str | None:
    # UTCDateTime on SQLite: naive UTC, in the text form SQLAlchemy's DATETIME stores (always microseconds).
    if at is None:
        return None
    text = _DT_TEXT.get(at)  # aware datetimes hash and compare by instant, and the text depends only on it
    if text is None:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        text = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        if len(_DT_TEXT) >= 4096:
            _DT_TEXT.clear()
        _DT_TEXT[at] = text
    return text


_TEXT_DT: dict[str, datetime] = {}  # the inverse, for reads: created_at, updated_at and dues repeat too


def _sqlite_dt_out(value: str | None) -> datetime | None:
    if value is None:
        return None
    at = _TEXT_DT.get(value)
    if at is None:
        at = datetime.fromisoformat(value).replace(tzinfo=UTC)
        if len(_TEXT_DT) >= 4096:
            _TEXT_DT.clear()
        _TEXT_DT[value] = at
    return at


def _sqlite_json_out(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _pg_dt(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise ValueError("naive datetime given to a UTCDateTime column")
    return at


def _pg_dt_out(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _identity(value: Any) -> Any:
    return value


class _Codec:
    """The hot statements of one dialect, and how values are bound and read as the column types would.

    SQLite: UTCDateTime as naive-UTC text and JSON as ``json.dumps`` text, as the Core types bind them.
    PostgreSQL: aware datetimes and JSON text cast to JSONB. One statement per row for an action; a batch (the
    tick) is copied (COPY) into a temporary table and applied by one UPDATE … FROM, and its events are copied
    straight into case_events: no statement to parse per row, one plan.
    """

    def __init__(self, *, postgres: bool) -> None:
        self.postgres = postgres
        self.mark = mark = "%s" if postgres else "?"
        self.dt: Callable[[datetime | None], Any] = _pg_dt if postgres else _sqlite_dt
        self.json: Callable[[Any], Any] = _dumps
        self.dt_out: Callable[[Any], datetime | None] = _pg_dt_out if postgres else _sqlite_dt_out
        # PostgreSQL hands JSONB back parsed.
        self.json_out: Callable[[Any], Any] = _identity if postgres else _sqlite_json_out
        lock = " FOR UPDATE" if postgres else ""  # SQLite: BEGIN IMMEDIATE already holds the write lock
        self.by_number = f"SELECT {_READ} FROM cases WHERE number = {mark}"
        self.by_number_locked = self.by_number + lock
        self.by_id = f"SELECT {_READ} FROM cases WHERE id = {mark}"
        self.by_id_locked = self.by_id + lock
        self.state_locked = f"SELECT kind, state FROM cases WHERE id = {mark}" + lock
        self.family = f"SELECT id, kind, state, number FROM cases WHERE id = {mark} OR parent_id = {mark} ORDER BY id"
        self.children = f"SELECT {_READ} FROM cases WHERE parent_id = {mark} ORDER BY id"
        self.child_states = f"SELECT kind, state, number FROM cases WHERE parent_id = {mark} ORDER BY id"
        self.due = (
            f"SELECT {_READ} FROM cases WHERE next_alarm_at <= {mark} ORDER BY next_alarm_at, id LIMIT {mark}"
            + (" FOR UPDATE SKIP LOCKED" if postgres else "")
        )
        self.insert = f"INSERT INTO cases ({', '.join(_INSERT)}) VALUES ({self._marks(_INSERT)}) RETURNING id"
        self.counter = (
            "INSERT INTO case_counters (prefix, day, value) "
            f"VALUES ({mark}, {mark}, {mark}) "
            "ON CONFLICT (prefix, day) DO UPDATE SET value = case_counters.value + excluded.value "
            "RETURNING value"
        )
        self.insert_event = f"INSERT INTO case_events ({', '.join(_EVENT)}) VALUES ({self._marks(_EVENT)})"
        self._updates: dict[tuple[str, ...], str] = {}

    def _marks(self, columns: Sequence[str]) -> str:
        if not self.postgres:
            return ", ".join("?" for _ in columns)
        return ", ".join("%s::jsonb" if c in _JSON_COLUMNS else "%s" for c in columns)

    def update(self, columns: tuple[str, ...]) -> str:
        """``UPDATE cases SET columns … WHERE id = ? AND version = ?`` (parameters: columns, id, version)."""
        statement = self._updates.get(columns)
        if statement is None:
            mark = self.mark
            sets = ", ".join(
                f"{c} = {mark}::jsonb" if self.postgres and c in _JSON_COLUMNS else f"{c} = {mark}" for c in columns
            )
            statement = f"UPDATE cases SET {sets} WHERE id = {mark} AND version = {mark}"
            self._updates[columns] = statement
        return statement

    # -- values --------------------------------------------------------------------------------------------

    def case_from(self, r: Sequence[Any]) -> Case:
        """A Case from a tuple in ``_READ`` order (built without the dataclass __init__: see cases/_fast.py)."""
        json_out, dt_out = self.json_out, self.dt_out
        clock_json = json_out(r[8])
        alarm = _ALARMS.get(r[9]) or AlarmLevel(r[9])
        return build(
            Case,
            {
                "id": r[0],
                "number": r[1],
                "kind": r[2],
                "state": r[3],
                "unit_id": r[4],
                "parent_id": r[5],
                "party_id": r[6],
                "payload": json_out(r[7]) or {},
                "clock": Clock.from_json(clock_json) if clock_json else None,
                "alarm": alarm,
                "version": r[10],
                "created_at": dt_out(r[11]),
                "updated_at": dt_out(r[12]),
                "last_hash": r[13],
                "event_count": r[14],
                "due_at": dt_out(r[15]),
                "due_provisional": bool(r[16]),
            },
        )

    def always(self, case: Case, wt: WorkingTime) -> tuple[Any, ...]:
        """The ``_ALWAYS`` columns of ``case``, bound."""
        dt = self.dt
        clock_mode, due_at, due_provisional, alarm_at = _derived(case, wt)
        return (
            case.state,
            clock_mode,
            case.alarm.value,
            dt(due_at),
            due_provisional,
            dt(alarm_at),
            case.version,
            case.event_count,
            case.last_hash,
            dt(case.updated_at),
        )

    def inserted(self, case: Case, wt: WorkingTime) -> tuple[Any, ...]:
        """The ``_INSERT`` columns of ``case``, bound."""
        dt, to_json = self.dt, self.json
        clock_mode, due_at, due_provisional, alarm_at = _derived(case, wt)
        return (
            case.number,
            case.kind,
            case.state,
            case.unit_id,
            case.parent_id,
            case.party_id,
            to_json(_payload(case)),
            to_json(_clock(case)),
            clock_mode,
            case.alarm.value,
            dt(due_at),
            due_provisional,
            dt(alarm_at),
            case.version,
            case.event_count,
            case.last_hash,
            dt(case.created_at),
            dt(case.updated_at),
        )

    def event(self, case_id: int, e: Event) -> tuple[Any, ...]:
        data = e.data
        return (
            case_id,
            e.seq,
            e.action,
            e.actor,
            e.actor_id,
            self.dt(e.at),
            e.from_state,
            e.to_state,
            self.json(data if type(data) is dict else dict(data)),
            e.prev_hash,
            e.hash,
        )


def _payload(case: Case) -> dict[str, Any]:
    payload = case.payload
    return payload if type(payload) is dict else dict(payload)


def _clock(case: Case) -> dict[str, object] | None:
    return None if case.clock is None else case.clock.to_json()


_SQLITE, _POSTGRES = _Codec(postgres=False), _Codec(postgres=True)


def _codec(conn: Connection) -> _Codec:
    return _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE


def _execute(conn: Connection, statement: str, params: Any, *, many: bool = False) -> Any:
    """Runs ``statement`` on the DBAPI cursor of ``conn``'s connection, inside ``conn``'s transaction.

    SQLAlchemy's ``exec_driver_sql`` costs 15-40 µs a statement in result and context set-up, more than the
    database work of a one-row statement; an action runs a dozen of them. Errors come out as SQLAlchemy's
    (``DBAPIError.instance``), and a lost connection is invalidated, as ``exec_driver_sql`` would.
    """
    cursor = _execute_cursor(conn)
    try:
        if many:
            cursor.executemany(statement, params)
        else:
            cursor.execute(statement, params)
    except Exception as exc:
        _raise_dbapi(conn, statement, exc, cursor, params)
    return cursor


def _execute_cursor(conn: Connection) -> Any:
    """The DBAPI cursor kept on ``conn``'s pooled connection (one per connection, reused by every statement)."""
    fairy = conn.connection
    dbapi_connection = fairy.dbapi_connection
    cached = fairy.info.get("onestop_cursor")
    if cached is not None and cached[0] is dbapi_connection:
        return cached[1]
    cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
    fairy.info["onestop_cursor"] = (dbapi_connection, cursor)
    return cursor


def _raise_dbapi(conn: Connection, statement: str, exc: Exception, cursor: Any, params: Any = None) -> NoReturn:
    """Re-raises a driver error as SQLAlchemy's, invalidating a lost connection as ``exec_driver_sql`` would."""
    dialect = conn.dialect
    dbapi = dialect.loaded_dbapi
    if not isinstance(exc, dbapi.Error):
        raise exc
    fairy = conn.connection
    fairy.info.pop("onestop_cursor", None)
    invalidated = dialect.is_disconnect(exc, fairy.dbapi_connection, cursor)
    if invalidated:
        conn.invalidate(exc)
    raise sa.exc.DBAPIError.instance(
        statement, params, exc, dbapi.Error, connection_invalidated=invalidated, dialect=dialect
    ) from exc


# -- writes ------------------------------------------------------------------------------------------------------


def insert_case(conn: Connection, case: Case, events: Sequence[Event], wt: WorkingTime) -> Case:
    c = _codec(conn)
    ((case_id,),) = _execute(conn, c.insert, c.inserted(case, wt)).fetchall()
    insert_events(conn, case_id, events)
    return evolve(case, id=case_id)


def update_case(
    conn: Connection,
    case: Case,
    expected_version: int,
    events: Sequence[Event],
    wt: WorkingTime,
    *,
    before: Case | None = None,
) -> None:
    """Writes the new state only if nobody else changed the case since it was read (optimistic lock).

    ``before``, the case as read in this transaction (at ``expected_version``), lets the update write only the
    columns that moved.
    """
    if before is not None:
        if before.version != expected_version:
            raise ValueError("before must be the case at expected_version")
        save_changes(conn, [(before, case, events)], wt)
    else:
        update_cases(conn, [(case, expected_version, events)], wt)


def update_cases(conn: Connection, changes: Sequence[tuple[Case, int, Sequence[Event]]], wt: WorkingTime) -> None:
    """Writes many cases (each with the version it was read at) and their new events; every column is written.

    If any case moved since it was read, nothing of the batch is kept: the caller's transaction rolls back.
    """
    _write(conn, [(None, case, expected, events) for case, expected, events in changes], wt)


def save_changes(conn: Connection, changes: Sequence[tuple[Case, Case, Sequence[Event]]], wt: WorkingTime) -> None:
    """Writes ``(before, after, events)`` triples: each case only if it is still at ``before.version``.

    ``before`` is the case as read in this transaction; of the clock, the payload and the owner columns only
    those that moved are written. If any case moved since it was read, nothing of the batch is kept: the
    caller's transaction rolls back.
    """
    _write(conn, [(before, after, before.version, events) for before, after, events in changes], wt)


def _write(
    conn: Connection, changes: Sequence[tuple[Case | None, Case, int, Sequence[Event]]], wt: WorkingTime
) -> None:
    if not changes:
        return
    c = _codec(conn)
    if len(changes) == 1:  # an action: one case, one statement
        before, after, expected_version, events = changes[0]
        columns, values = _changed(c, before, after, wt)
        if _execute(conn, c.update(columns), (*values, after.id, expected_version)).rowcount != 1:
            raise VersionConflict(f"办件 {after.number} 已被他人修改（版本已过期），请刷新后重试", field="version")
        insert_events_many(conn, [(after.id or 0, event) for event in events])
        return
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    numbers: dict[tuple[str, ...], list[str]] = {}
    for before, after, expected_version, _ in changes:
        columns, values = _changed(c, before, after, wt)
        groups.setdefault(columns, []).append((*values, after.id, expected_version))
        numbers.setdefault(columns, []).append(after.number)
    copied = False
    for columns, rows in groups.items():
        if c.postgres and len(rows) >= COPY_FROM_ROWS:
            updated = _copy_update(conn, columns, rows, first=not copied)
            copied = True
        elif len(rows) == 1:
            updated = _execute(conn, c.update(columns), rows[0]).rowcount
        else:
            updated = _execute(conn, c.update(columns), rows, many=True).rowcount
        if updated != len(rows):
            group_numbers = numbers[columns]
            stale = group_numbers[0] if len(group_numbers) == 1 else f"{len(rows) - updated} 件"
            raise VersionConflict(f"办件 {stale} 已被他人修改（版本已过期），请刷新后重试", field="version")
    insert_events_many(conn, [(after.id or 0, event) for _, after, _, events in changes for event in events])


def _changed(c: _Codec, before: Case | None, after: Case, wt: WorkingTime) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The columns to write for ``after`` (all of them without ``before``) and their bound values."""
    if after.id is None or (before is not None and before.id != after.id):
        raise ValueError(f"case {after.number} must carry the id it was read with")
    values = c.always(after, wt)
    columns: tuple[str, ...] = _ALWAYS
    if before is None or after.clock is not before.clock:
        columns += _CLOCK
        values += (c.json(_clock(after)),)
    if before is None or after.payload is not before.payload:
        columns += _PAYLOAD
        values += (c.json(_payload(after)),)
    owners = (after.kind, after.unit_id, after.parent_id, after.party_id)
    if before is None or owners != (before.kind, before.unit_id, before.parent_id, before.party_id):
        columns += _OWNERS
        values += owners
    return columns, values


def insert_events(conn: Connection, case_id: int, events: Iterable[Event]) -> None:
    insert_events_many(conn, [(case_id, e) for e in events])


def insert_events_many(conn: Connection, events: Sequence[tuple[int, Event]]) -> None:
    if not events:
        return
    c = _codec(conn)
    if len(events) == 1:
        _execute(conn, c.insert_event, c.event(*events[0]))
    elif c.postgres and len(events) >= COPY_FROM_ROWS:
        _copy_events(conn, c, events)
    else:
        _execute(conn, c.insert_event, [c.event(case_id, e) for case_id, e in events], many=True)


# From this many rows on, PostgreSQL batches go in by COPY; below it (an action with its children) a pipelined
# executemany costs fewer round trips than starting a COPY.
COPY_FROM_ROWS = 32

# Many rows of one update on PostgreSQL are copied here first, then applied by one UPDATE … FROM (a join on the
# primary key). A temporary table lives with its connection and is emptied at every commit.
_UPDATES = "onestop_case_updates"
_CREATE_UPDATES = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_UPDATES} ("
    + ", ".join(f"{name} {'jsonb' if name in _JSON_COLUMNS else sql_type}" for name, sql_type in _TYPES.items())
    + ", id int, expected int) ON COMMIT DELETE ROWS"
)


def _copy_update(conn: Connection, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]], *, first: bool) -> int:
    """Updates many cases of one shape on PostgreSQL: COPY the new values, one UPDATE … FROM; rows updated.

    Cheaper than binding a JSON document of rows (no document to encode, none to parse on the server: a third
    less for the tick's 10,000 updates, bench/tick.py), and one plan, a nested loop over the primary key.
    Each row still applies only at the version it was read at.
    """
    cursor = _execute_cursor(conn)
    names = (*columns, "id", "expected")
    copy_statement = f"COPY {_UPDATES} ({', '.join(names)}) FROM STDIN"
    try:
        cursor.execute(_CREATE_UPDATES)
        if not first:  # an earlier shape in this transaction left its rows
            cursor.execute(f"DELETE FROM {_UPDATES}")
        with cursor.copy(copy_statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
    except Exception as exc:
        _raise_dbapi(conn, copy_statement, exc, cursor)
    sets = ", ".join(f"{column} = r.{column}" for column in columns)
    update = f"UPDATE cases AS c SET {sets} FROM {_UPDATES} AS r WHERE c.id = r.id AND c.version = r.expected"
    return int(_execute(conn, update, ()).rowcount)


def _copy_events(conn: Connection, c: _Codec, events: Sequence[tuple[int, Event]]) -> None:
    """Many events on PostgreSQL: one COPY into case_events, in the caller's transaction.

    COPY skips the parse and plan of an INSERT … SELECT over a JSON document; for the tick's 20,000 events
    it halves the statement's time (bench/tick.py). Rows are bound by the same codec as single inserts, so a
    copied event is byte for byte what `INSERT` writes (tests/db/test_db_cases_repo.py).
    """
    statement = f"COPY case_events ({', '.join(_EVENT)}) FROM STDIN"
    cursor = _execute_cursor(conn)
    event = c.event
    try:
        # `data` goes as its JSON text, which COPY reads through jsonb's input function like `%s::jsonb`.
        with cursor.copy(statement) as copy:
            write = copy.write_row
            for case_id, e in events:
                write(event(case_id, e))
    except Exception as exc:
        _raise_dbapi(conn, statement, exc, cursor)


# -- reads -------------------------------------------------------------------------------------------------------


def load_case(conn: Connection, number: str, *, for_update: bool = False) -> Case:
    c = _codec(conn)
    rows = _execute(conn, c.by_number_locked if for_update else c.by_number, (number,)).fetchall()
    if not rows:
        raise NotFound(f"办件 {number} 不存在", field="number")
    return c.case_from(rows[0])


def load_case_by_id(conn: Connection, case_id: int, *, for_update: bool = False) -> Case:
    c = _codec(conn)
    rows = _execute(conn, c.by_id_locked if for_update else c.by_id, (case_id,)).fetchall()
    if not rows:
        raise NotFound(f"办件 {case_id} 不存在", field="id")
    return c.case_from(rows[0])


def load_children(conn: Connection, parent_id: int) -> list[Case]:
    c = _codec(conn)
    return [c.case_from(r) for r in _execute(conn, c.children, (parent_id,)).fetchall()]


def family_states(conn: Connection, parent_id: int) -> tuple[tuple[str, str], list[tuple[str, str, str]]]:
    """A parent's (kind, state), its row locked for this transaction, and its children's (kind, state, number).

    What a join decides on. PostgreSQL locks the parent row first and only then reads the children, in a second
    statement: under READ COMMITTED that statement sees a sibling committed while this one waited for the
    lock. On SQLite the write transaction already holds the database, and one statement reads both.
    """
    c = _codec(conn)
    if c.postgres:
        return lock_state(conn, parent_id), child_states(conn, parent_id)
    parent: tuple[str, str] | None = None
    children = []
    for case_id, kind, state, number in _execute(conn, c.family, (parent_id, parent_id)).fetchall():
        if case_id == parent_id:
            parent = (kind, state)
        else:
            children.append((kind, state, number))
    if parent is None:
        raise NotFound(f"办件 {parent_id} 不存在", field="id")
    return parent, children


def lock_state(conn: Connection, case_id: int) -> tuple[str, str]:
    """(kind, state) of a case, its row locked for this transaction (FOR UPDATE on PostgreSQL)."""
    rows = _execute(conn, _codec(conn).state_locked, (case_id,)).fetchall()
    if not rows:
        raise NotFound(f"办件 {case_id} 不存在", field="id")
    return rows[0][0], rows[0][1]


def child_states(conn: Connection, parent_id: int) -> list[tuple[str, str, str]]:
    """(kind, state, number) of each child, in id order: what a join needs, without building the cases."""
    rows = _execute(conn, _codec(conn).child_states, (parent_id,)).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def load_due(conn: Connection, now: datetime, limit: int) -> list[Case]:
    """Up to ``limit`` cases whose next alarm is at or before ``now``, oldest first, locked for this transaction.

    On PostgreSQL rows another worker holds are skipped (FOR UPDATE SKIP LOCKED), so tick workers share the work;
    on SQLite the write transaction (BEGIN IMMEDIATE) already excludes every other writer.
    """
    c = _codec(conn)
    return [c.case_from(r) for r in _execute(conn, c.due, (c.dt(now), limit)).fetchall()]


def load_events(conn: Connection, case: Case) -> list[Event]:
    rows = conn.execute(
        sa.select(case_events).where(case_events.c.case_id == case.id).order_by(case_events.c.seq)
    ).mappings()
    return [row_to_event(case.number, r) for r in rows]


def next_number(conn: Connection, prefix: str, now: datetime) -> str:
    """Readable, unique number: prefix + local date + a per-day sequence (SQ20261122000042)."""
    return next_numbers(conn, prefix, now, 1)[0]


def next_numbers(conn: Connection, prefix: str, now: datetime, count: int) -> list[str]:
    """``count`` consecutive numbers of one prefix and day, reserved with one statement."""
    day = now.astimezone(TZ).strftime("%Y%m%d")
    ((last,),) = _execute(conn, _codec(conn).counter, (prefix, day, count)).fetchall()
    return [f"{prefix}{day}{value:06d}" for value in range(last - count + 1, last + 1)]
