"""Showing personal data whole (身份证号, phone): only through here, and every time on the record."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from onestop.actions.runtime import Runtime
from onestop.auth import audit
from onestop.cases.case import Case
from onestop.db.engine import write
from onestop.db.tables import parties
from onestop.org.users import Actor

PII_FIELDS = ("id_number", "phone")


@dataclass(frozen=True)
class PartyRecord:
    id: int
    kind: str
    name: str
    id_number: str
    phone: str | None


def reveal_party(rt: Runtime, actor: Actor, case: Case, *, ip: str | None) -> PartyRecord | None:
    """The case's party with its numbers whole; records the view in the PII access log (same transaction).

    The caller has already asked ``onestop.access.access_pii``; this function only keeps the record.
    """
    if case.party_id is None or actor.user_id is None or case.id is None:
        return None
    with write(rt.engine) as conn:
        row = conn.execute(sa.select(parties).where(parties.c.id == case.party_id)).mappings().first()
        if row is None:
            return None
        fields = [name for name in PII_FIELDS if row[name]]
        audit.record_pii_view(
            conn,
            at=rt.now(),
            user_id=actor.user_id,
            username=actor.username,
            case_id=case.id,
            case_number=case.number,
            fields=fields,
            ip=ip,
        )
    return PartyRecord(row["id"], row["kind"], row["name"], row["id_number"], row["phone"])
