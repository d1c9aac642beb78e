"""A month of 电子证照 in the demo county: a certificate for every department approval granted, a key rotation
mid-month, a few revocations.

Each approved department step (``generic_approval`` in state ``approved``) of an application whose applicant
is known gets the certificate that department issues (市场监管局 a 营业执照 — for a person a 个体工商户营业执照 —,
公安局 a 印章刻制备案证明, 税务局 a 发票领用核定, 人社局 a 社会保险登记证明, 公积金 a 缴存登记证明), signed at the
instant the step was approved, through ``issue_certificate``. Halfway through the month the signing key is
rotated (the older certificates keep verifying); two certificates are revoked by their issuing department.
The window module's own flow issues certificates on approval of its kinds; this fills the demo until then
and keeps the verify page populated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from onestop.actions.certs import issue_certificate, revoke_certificate
from onestop.actions.certs_keys import rotate_key
from onestop.actions.runtime import Runtime
from onestop.db.engine import read, write
from onestop.db.tables import cases, parties
from onestop.demo.county import DemoCounty
from onestop.worktime import TZ

# unit code → certificate type for enterprises (persons: 市场监管局 only, 个体工商户营业执照)
ENTERPRISE_TYPES = {
    "SCJ": "business_license",
    "GAJ": "seal_record",
    "SWJ": "tax_invoice_approval",
    "RSJ": "social_insurance_registration",
    "GJJ": "housing_fund_registration",
}
STAFF_OF = {"SCJ": "scj", "GAJ": "gaj", "SWJ": "swj", "RSJ": "rsj", "GJJ": "gjj"}
REVOKE_REASONS = ("经营者申请注销", "登记事项有误，已重新核发")


@dataclass
class CertsReport:
    issued: int = 0
    revoked: int = 0
    rotated: bool = False
    numbers: list[str] = field(default_factory=list)


def simulate_certs(rt: Runtime, county: DemoCounty, *, now: datetime) -> CertsReport:
    """Issues, rotates and revokes through the action layer at simulated instants; ``rt.now`` is restored."""
    report = CertsReport()
    by_id = {unit.id: code for code, unit in county.units.items()}
    parent = cases.alias("parent")
    with read(rt.engine) as conn:
        steps = conn.execute(
            sa.select(cases.c.id, cases.c.unit_id, cases.c.updated_at, parent.c.party_id, parties.c.kind)
            .join(parent, parent.c.id == cases.c.parent_id)
            .join(parties, parties.c.id == parent.c.party_id)
            .where(cases.c.kind == "generic_approval", cases.c.state == "approved", cases.c.updated_at <= now)
            .order_by(cases.c.updated_at, cases.c.id)
        ).all()
    if not steps:
        return report
    midpoint = steps[0].updated_at + (steps[-1].updated_at - steps[0].updated_at) / 2
    real_now = rt.now
    try:
        for step in steps:
            code = by_id.get(step.unit_id)
            cert_type = _type_for(code, step.kind)
            if cert_type is None:
                continue
            if not report.rotated and step.updated_at >= midpoint:
                with write(rt.engine) as conn:
                    rotate_key(conn, step.updated_at)
                report.rotated = True
            with write(rt.engine) as conn:
                issued = issue_certificate(
                    conn,
                    cert_type=cert_type,
                    holder_party_id=step.party_id,
                    data={"来源": "和平县政务服务中心综合窗口", "审批日期": step.updated_at.astimezone(TZ).date()},
                    issuing_unit_id=step.unit_id,
                    valid_from=step.updated_at.astimezone(TZ).date(),
                    valid_until=None,
                    source_case_id=step.id,
                    now=step.updated_at,
                )
            report.issued += 1
            report.numbers.append(issued.number)
        _revoke_two(rt, county, report, now)
    finally:
        rt.now = real_now
    return report


def _type_for(code: str | None, party_kind: str) -> str | None:
    if code is None or code not in ENTERPRISE_TYPES:
        return None
    if party_kind == "person":
        return "individual_business_license" if code == "SCJ" else None
    return ENTERPRISE_TYPES[code]


def _revoke_two(rt: Runtime, county: DemoCounty, report: CertsReport, now: datetime) -> None:
    scj = county.users[STAFF_OF["SCJ"]].as_actor()
    licences = [n for n in report.numbers if n.startswith(("YYZZ", "GTZZ"))][: len(REVOKE_REASONS)]
    for number, reason in zip(licences, REVOKE_REASONS, strict=False):
        rt.now = _fixed(now - timedelta(days=1))
        revoke_certificate(rt, number=number, actor=scj, reason=reason)
        report.revoked += 1


def _fixed(when: datetime) -> Callable[[], datetime]:
    return lambda: when
