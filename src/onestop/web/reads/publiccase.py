"""The public status page: what an applicant sees of their own case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from onestop.cases.case import Case
from onestop.cases.kinds import ActionSpec, get_kind
from onestop.org.masking import mask_text
from onestop.org.units import UnitTree
from onestop.web.reads.caselist import subject_of, unit_name
from onestop.web.reads.casepage import (
    ActionForm,
    ClockPanel,
    RelatedCase,
    TimelineEntry,
    action_forms,
    clock_panel,
    related_cases,
    timeline,
)
from onestop.worktime import WorkingTime


@dataclass(frozen=True)
class PublicCase:
    number: str
    kind_label: str
    state_label: str
    state_colour: str
    terminal: bool
    unit_name: str
    subject: str
    created_at: datetime
    clock: ClockPanel | None
    timeline: list[TimelineEntry]
    steps: list[RelatedCase]
    actions: list[ActionForm]
    version: int


def public_case(
    conn: Connection,
    case: Case,
    tree: UnitTree,
    wt: WorkingTime,
    now: datetime,
    *,
    actions: Sequence[ActionSpec] = (),
) -> PublicCase:
    kind = get_kind(case.kind)
    state = kind.states[case.state]
    _, children = related_cases(conn, case, tree, now)
    return PublicCase(
        number=case.number,
        kind_label=kind.label,
        state_label=state.label,
        state_colour=state.colour,
        terminal=state.terminal,
        unit_name=unit_name(tree, case.unit_id),
        subject=mask_text(subject_of(case.payload)),
        created_at=case.created_at,
        clock=clock_panel(case, wt, now),
        timeline=timeline(conn, case, public=True),
        steps=children,
        actions=action_forms(kind, actions),
        version=case.version,
    )
