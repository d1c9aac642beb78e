"""What every action needs: the database, the working-time calendar, the current instant, after-commit hooks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

import onestop.kinds  # noqa: F401  -- registers every module's case kinds before any case is read
from onestop.cases.events import Event
from onestop.worktime import TZ, WorkingTime

AfterCommit = Callable[[Sequence[Event]], None]


def _now() -> datetime:
    return datetime.now(TZ)


@dataclass
class Runtime:
    engine: Engine
    now: Callable[[], datetime] = _now  # injectable, so tests travel in time
    # Another process may import a calendar year; this process sees it within this many seconds.
    calendar_ttl_s: float = 60.0
    after_commit: list[AfterCommit] = field(default_factory=list)
    _working_time: WorkingTime | None = None
    _loaded_at: float = 0.0

    def working_time(self) -> WorkingTime:
        if self._working_time is None or time.monotonic() - self._loaded_at > self.calendar_ttl_s:
            from onestop.actions.calendar import load_working_time

            self._working_time = load_working_time(self.engine)
            self._loaded_at = time.monotonic()
        return self._working_time

    def reload_calendar(self) -> WorkingTime:
        self._working_time = None
        return self.working_time()

    def committed(self, events: Sequence[Event]) -> None:
        for hook in self.after_commit:
            hook(events)
