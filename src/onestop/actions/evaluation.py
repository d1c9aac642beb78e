"""营商环境评价 actions: entering indicator values, their review, and evaluating a period.

Each write is one transaction with an optimistic version check; the rules are in
``onestop.evaluation.entries`` and the permissions in ``onestop.evaluation.access``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.evaluation_reads.computed import get_measure
from onestop.actions.evaluation_reads.evaluate import Evaluation, evaluate
from onestop.actions.evaluation_reads.store import entry_values, find_entry, list_entries, load_entry
from onestop.actions.runtime import Runtime
from onestop.db.engine import read, write
from onestop.db.org_repo import load_unit_tree
from onestop.db.tables import evaluation_entries
from onestop.evaluation import entries as rules
from onestop.evaluation.access import access_enter, access_review, can_enter, can_review, can_view
from onestop.evaluation.entries import Entry
from onestop.evaluation.errors import EntryConflict, InvalidEntry, TreeYearUnknown
from onestop.evaluation.periods import Period
from onestop.evaluation.regions import Region, evaluated_regions
from onestop.evaluation.reports import ReportData
from onestop.evaluation.scoring import Scorecard
from onestop.evaluation.tree import Component, Source, load_tree
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor


def accepts_entries(component: Component) -> bool:
    """Entered components, and computed ones whose measure is not registered yet (its module is not built)."""
    if component.source is Source.ENTERED:
        return True
    return component.measure is None or get_measure(component.measure) is None


def save_entry(
    rt: Runtime,
    actor: Actor,
    *,
    region_id: int,
    period: str,
    indicator: str,
    value: float,
    evidence: Iterable[str] = (),
    note: str = "",
    unit_id: int | None = None,
    expected_version: int | None = None,
    tree_path: Path | None = None,
) -> Entry:
    """Creates or corrects the draft value of one component for one region and period (填报)."""
    parsed = Period.parse(period)
    component = load_tree(parsed.year, tree_path).component(indicator)
    if not accepts_entries(component):
        raise InvalidEntry(f"“{component.name}”由平台根据办件数据计算，不接受填报", field="indicator")
    now = rt.now()
    with write(rt.engine) as conn:
        units = load_unit_tree(conn)
        region = units.get(region_id)
        if region.kind is not UnitKind.REGION:
            raise InvalidEntry(f"“{region.name}”不是行政区，不能作为评价对象", field="region_id")
        access_enter(actor, units, region_id)
        reporting = unit_id
        if reporting is None and actor.unit_id is not None and units.is_within(actor.unit_id, region_id):
            reporting = actor.unit_id  # a unit of the region reports; the 营商办 above it enters on its behalf
        if reporting is not None and not units.is_within(reporting, region_id):
            reporting_name = units.get(reporting).name
            raise InvalidEntry(f"填报单位“{reporting_name}”不在“{region.name}”内", field="unit_id")
        existing = find_entry(conn, region_id, parsed.code, component.key, for_update=True)
        if existing is None:
            if expected_version is not None:
                raise EntryConflict("该填报记录已不存在，请刷新后重试", field="version")
            entry = rules.new_entry(
                component=component,
                region_id=region_id,
                period=parsed.code,
                value=value,
                unit_id=reporting,
                evidence=evidence,
                note=note,
                by=actor.username,
                now=now,
            )
            entry_id = conn.execute(
                sa.insert(evaluation_entries).values(entry_values(entry)).returning(evaluation_entries.c.id)
            ).scalar_one()
            return load_entry(conn, entry_id)
        _check_version(existing, expected_version)
        changed = rules.edit(
            existing,
            component,
            value=value,
            unit_id=reporting,
            evidence=evidence,
            note=note,
            by=actor.username,
            now=now,
        )
        _update(conn, existing, changed)
        return changed


def submit_entry(rt: Runtime, actor: Actor, entry_id: int, *, expected_version: int | None = None) -> Entry:
    """提交: the value goes to the 营商办 for review; it needs evidence."""
    return _step(
        rt,
        actor,
        entry_id,
        expected_version,
        access="enter",
        apply=lambda e, now: rules.submit(e, by=actor.username, now=now),
    )


def approve_entry(
    rt: Runtime, actor: Actor, entry_id: int, *, comment: str = "", expected_version: int | None = None
) -> Entry:
    """审核通过: from now on the value is scored."""
    return _step(
        rt,
        actor,
        entry_id,
        expected_version,
        access="review",
        apply=lambda e, now: rules.approve(e, by=actor.username, now=now, comment=comment),
    )


def return_entry(
    rt: Runtime, actor: Actor, entry_id: int, *, comment: str, expected_version: int | None = None
) -> Entry:
    """退回 (or withdraw an approval) with a reason; the unit corrects and submits again."""
    return _step(
        rt,
        actor,
        entry_id,
        expected_version,
        access="review",
        apply=lambda e, now: rules.return_entry(e, by=actor.username, now=now, comment=comment),
    )


def _step(
    rt: Runtime,
    actor: Actor,
    entry_id: int,
    expected_version: int | None,
    *,
    access: str,
    apply: Callable[[Entry, datetime], Entry],
) -> Entry:
    now = rt.now()
    with write(rt.engine) as conn:
        entry = load_entry(conn, entry_id, for_update=True)
        units = load_unit_tree(conn)
        if access == "review":
            access_review(actor, units, entry.region_id)
        else:
            access_enter(actor, units, entry.region_id)
        _check_version(entry, expected_version)
        changed = apply(entry, now)
        _update(conn, entry, changed)
        return changed


def _check_version(entry: Entry, expected: int | None) -> None:
    if expected is not None and entry.version != expected:
        raise EntryConflict(
            f"填报记录已被他人修改（您看到第 {expected} 版，现为第 {entry.version} 版），请刷新后重试",
            field="version",
        )


def _update(conn: Connection, old: Entry, new: Entry) -> None:
    values = entry_values(new)
    result = conn.execute(
        sa.update(evaluation_entries)
        .where(evaluation_entries.c.id == old.id, evaluation_entries.c.version == old.version)
        .values(values)
    )
    if result.rowcount != 1:
        raise EntryConflict("填报记录已被他人修改，请刷新后重试", field="version")


def regions_for(rt: Runtime, root_id: int | None = None) -> list[Region]:
    with read(rt.engine) as conn:
        return evaluated_regions(load_unit_tree(conn), root_id)


def evaluate_period(
    rt: Runtime,
    period: str | Period,
    *,
    root_id: int | None = None,
    regions: list[Region] | None = None,
    tree_path: Path | None = None,
    with_cases: bool = False,
    bottom: int = 1,
) -> Evaluation:
    """Values and scores of every region below ``root_id`` (all leaf regions when None) for one period."""
    parsed = period if isinstance(period, Period) else Period.parse(period)
    wt = rt.working_time()
    with read(rt.engine) as conn:
        if regions is None:
            regions = evaluated_regions(load_unit_tree(conn), root_id)
        return evaluate(
            conn, period=parsed, regions=regions, wt=wt, tree_path=tree_path, with_cases=with_cases, bottom=bottom
        )


# -- reads for the pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a viewer's evaluation starts: the region above their unit (all roots for an administrator)."""

    root: Unit | None
    regions: list[Region]  # the compared (leaf) regions below the root that the viewer may see


def viewer_scope(rt: Runtime, actor: Actor, root_id: int | None = None) -> Scope:
    with read(rt.engine) as conn:
        units = load_unit_tree(conn)
    if root_id is None and actor.unit_id is not None and actor.unit_id in units:
        regions_above = [u for u in units.path(actor.unit_id) if u.kind is UnitKind.REGION]
        # A supervisor compares the counties of their region; unit staff see their own region.
        root_id = regions_above[0].id if actor.has_role(Role.SUPERVISOR) and regions_above else None
        if root_id is None and regions_above:
            root_id = regions_above[-1].id
    root = units.get(root_id) if root_id is not None else None
    if root is not None and root.kind is not UnitKind.REGION:
        raise InvalidEntry(f"“{root.name}”不是行政区", field="root")
    found = [r for r in evaluated_regions(units, root_id) if can_view(actor, units, r.id)]
    return Scope(root, found)


def region_entries(rt: Runtime, actor: Actor, region_id: int, period: str) -> list[Entry]:
    """The entered values of one region and period, for those who enter or review them."""
    parsed = Period.parse(period)
    with read(rt.engine) as conn:
        units = load_unit_tree(conn)
        if not (can_enter(actor, units, region_id) or can_review(actor, units, region_id)):
            access_enter(actor, units, region_id)
        return list_entries(conn, period=parsed.code, region_ids=[region_id])


def report_data(
    rt: Runtime,
    evaluation: Evaluation,
    *,
    title: str,
    root_id: int | None = None,
    tree_path: Path | None = None,
) -> ReportData:
    """The report of an evaluation with the previous period's overall scores beside it (when configured)."""
    previous: list[Scorecard] = []
    try:
        previous = evaluate_period(
            rt, evaluation.period.previous(), regions=[r.region for r in evaluation.results], tree_path=tree_path
        ).cards
    except TreeYearUnknown:
        previous = []  # no tree for the previous year: nothing to compare with
    notes = []
    if evaluation.unavailable:
        notes.append("以下计算方法尚未接入，相应指标采用审核通过的填报值：" + "、".join(evaluation.unavailable))
    return ReportData(
        title=title,
        period=evaluation.period,
        tree=evaluation.tree,
        cards=evaluation.cards,
        ranking=evaluation.ranking,
        generated_at=rt.now(),
        previous=previous,
        notes=notes,
    )
