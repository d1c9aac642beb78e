"""Entered values in the database: reading and row mapping (the writes are in ``onestop.actions.evaluation``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.db.tables import evaluation_entries
from onestop.evaluation.entries import Entry, EntryStatus, HistoryItem
from onestop.evaluation.errors import EntryNotFound


def entry_values(entry: Entry) -> dict[str, Any]:
    """The row of an entry, without its id."""
    return {
        "region_id": entry.region_id,
        "period": entry.period,
        "indicator": entry.indicator,
        "value": entry.value,
        "unit_id": entry.unit_id,
        "evidence": list(entry.evidence),
        "note": entry.note,
        "status": entry.status.value,
        "entered_by": entry.entered_by,
        "reviewed_by": entry.reviewed_by,
        "review_comment": entry.review_comment,
        "history": [item.to_json() for item in entry.history],
        "version": entry.version,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def row_to_entry(row: RowMapping) -> Entry:
    return Entry(
        id=row["id"],
        region_id=row["region_id"],
        period=row["period"],
        indicator=row["indicator"],
        value=float(row["value"]),
        unit_id=row["unit_id"],
        evidence=tuple(row["evidence"] or ()),
        note=row["note"],
        status=EntryStatus(row["status"]),
        entered_by=row["entered_by"],
        reviewed_by=row["reviewed_by"],
        review_comment=row["review_comment"],
        history=tuple(HistoryItem.from_json(item) for item in row["history"] or ()),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def load_entry(conn: Connection, entry_id: int, *, for_update: bool = False) -> Entry:
    query = sa.select(evaluation_entries).where(evaluation_entries.c.id == entry_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise EntryNotFound(f"填报记录 {entry_id} 不存在", field="entry_id")
    return row_to_entry(row)


def find_entry(
    conn: Connection, region_id: int, period: str, indicator: str, *, for_update: bool = False
) -> Entry | None:
    query = sa.select(evaluation_entries).where(
        evaluation_entries.c.region_id == region_id,
        evaluation_entries.c.period == period,
        evaluation_entries.c.indicator == indicator,
    )
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return None if row is None else row_to_entry(row)


def list_entries(
    conn: Connection,
    *,
    period: str | None = None,
    region_ids: Iterable[int] | None = None,
    status: EntryStatus | None = None,
) -> list[Entry]:
    query = sa.select(evaluation_entries).order_by(
        evaluation_entries.c.period, evaluation_entries.c.region_id, evaluation_entries.c.indicator
    )
    if period is not None:
        query = query.where(evaluation_entries.c.period == period)
    if region_ids is not None:
        query = query.where(evaluation_entries.c.region_id.in_(sorted(set(region_ids))))
    if status is not None:
        query = query.where(evaluation_entries.c.status == status.value)
    return [row_to_entry(row) for row in conn.execute(query).mappings()]


def approved_entries(conn: Connection, period: str, region_ids: Iterable[int]) -> dict[int, dict[str, Entry]]:
    """region id → component key → the approved entry: the entered values that are scored."""
    found: dict[int, dict[str, Entry]] = {}
    for entry in list_entries(conn, period=period, region_ids=region_ids, status=EntryStatus.APPROVED):
        found.setdefault(entry.region_id, {})[entry.indicator] = entry
    return found
