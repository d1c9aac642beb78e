"""Everything a tick does, in order: every running clock first, then each module's periodic work.

The order matters: the clocks are swept first so that the modules see this instant's warnings, overdue marks
and timeout actions; the window's §32 deemed acceptance, the ratings' contact limits, the hotline's and the
ledger's schedules follow; the supervision rules run last, because they read what all the others recorded.
Each hook is idempotent (running it twice at one instant does nothing new), so a tick that fails half-way is
simply run again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from onestop.actions import hotline, ledger, oversight, ratings, window
from onestop.actions.runtime import Runtime
from onestop.actions.tick import TickReport, tick

Hook = Callable[[Runtime, datetime], int]

# (name shown in the report, the module's hook), in the order they run.
HOOKS: tuple[tuple[str, Hook], ...] = (
    ("window", window.on_tick),
    ("ratings", ratings.on_tick),
    ("hotline", hotline.on_tick),
    ("ledger", ledger.on_tick),
    ("oversight", oversight.on_tick),
)


@dataclass
class ScheduleReport:
    clocks: TickReport
    modules: dict[str, int] = field(default_factory=dict)  # hook name → how many things it did


def run_tick(rt: Runtime, *, now: datetime | None = None, batch_size: int = 1000) -> ScheduleReport:
    now = now or rt.now()
    report = ScheduleReport(clocks=tick(rt, now=now, batch_size=batch_size))
    for name, hook in HOOKS:
        report.modules[name] = hook(rt, now)
    return report
