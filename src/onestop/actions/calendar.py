"""The deployment's working-time calendar: bundled notices + imported years + local settings.

Imported notices and local settings live in the database so every web process and tick worker shares them;
importing a notice re-derives the due instant of every running clock and records each change as an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from onestop.actions.runtime import Runtime
from onestop.cases import engine as case_engine
from onestop.cases.events import Event
from onestop.db import cases_repo as repo
from onestop.db.engine import read, write
from onestop.db.tables import calendar_notices, cases, settings
from onestop.worktime import OfficeHours, RegionalHolidays, WorkingTime, YearNotice, default_working_time

OFFICE_HOURS = "calendar.office_hours"  # "09:00-12:00,13:30-17:30"
REGION_CODE = "calendar.region_code"  # "650102"
REGIONAL_HOLIDAYS = "calendar.regional_holidays"  # RegionalHolidays.to_mapping()
CLOSURES = "calendar.closures"  # {"2026-12-31": "系统升级闭厅"}


def load_working_time(engine: Engine) -> WorkingTime:
    with read(engine) as conn:
        notices = [
            YearNotice.from_compact(row.year, row.notice)
            for row in conn.execute(sa.select(calendar_notices).order_by(calendar_notices.c.year))
        ]
        local = _settings(conn)
    regional = local.get(REGIONAL_HOLIDAYS)
    return default_working_time(
        notices,
        regional=RegionalHolidays.from_mapping(regional) if regional else None,
        region_code=local.get(REGION_CODE),
        office_hours=OfficeHours.parse(local[OFFICE_HOURS]) if local.get(OFFICE_HOURS) else None,
        closures={date.fromisoformat(d): str(n) for d, n in (local.get(CLOSURES) or {}).items()},
    )


def _settings(conn: Connection) -> dict[str, Any]:
    return {row.key: row.value for row in conn.execute(sa.select(settings))}


def load_settings(engine: Engine) -> dict[str, Any]:
    with read(engine) as conn:
        return _settings(conn)


@dataclass(frozen=True)
class RederiveReport:
    fingerprint: str
    cases: int
    changed: int


def import_notice(rt: Runtime, notice: YearNotice, imported_by: str) -> RederiveReport:
    """Stores a year's notice (replacing an earlier import of that year) and re-derives every due instant."""
    with write(rt.engine) as conn:
        conn.execute(sa.delete(calendar_notices).where(calendar_notices.c.year == notice.year))
        conn.execute(
            sa.insert(calendar_notices).values(
                year=notice.year, notice=notice.to_compact(), imported_at=rt.now(), imported_by=imported_by
            )
        )
    return rederive_all(rt)


def set_calendar_setting(rt: Runtime, key: str, value: Mapping[str, Any] | str | None) -> RederiveReport:
    if key not in {OFFICE_HOURS, REGION_CODE, REGIONAL_HOLIDAYS, CLOSURES}:
        raise ValueError(f"unknown calendar setting {key}")
    with write(rt.engine) as conn:
        conn.execute(sa.delete(settings).where(settings.c.key == key))
        if value is not None:
            conn.execute(sa.insert(settings).values(key=key, value=value, updated_at=rt.now()))
    return rederive_all(rt)


def rederive_all(rt: Runtime, *, batch_size: int = 1000) -> RederiveReport:
    """Recomputes the due instant of every clock that is not stopped, in batches of one transaction each."""
    wt = rt.reload_calendar()
    now = rt.now()
    last_id = n_cases = n_changed = 0
    while True:
        events: list[Event] = []
        with write(rt.engine) as conn:
            rows = (
                conn.execute(
                    sa.select(cases)
                    .where(cases.c.id > last_id, cases.c.clock_mode.in_(("running", "paused")))
                    .order_by(cases.c.id)
                    .limit(batch_size)
                    .with_for_update()
                )
                .mappings()
                .all()
            )
            for row in rows:
                case = repo.row_to_case(row)
                new, event = case_engine.rederive(case, wt, now)
                if event is not None:
                    repo.update_case(conn, new, case.version, [event], wt)
                    events.append(event)
            if rows:
                last_id = rows[-1]["id"]
        n_cases += len(rows)
        n_changed += len(events)
        rt.committed(events)
        if len(rows) < batch_size:
            return RederiveReport(fingerprint=wt.fingerprint, cases=n_cases, changed=n_changed)
