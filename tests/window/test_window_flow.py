"""Applications end to end through the action layer: a 企业开办 bundle, 免提交 on the next one, a staged project."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from window_helpers import County, all_materials, credit_code, file, payload_list

from onestop.actions import window
from onestop.actions.certs import valid_certificates
from onestop.catalog import default_catalog
from onestop.db.engine import read
from onestop.db.tables import certificates, parties, window_catalog_versions, window_materials


def _approve_all(county: County, number: str, credit: str) -> None:
    app = county.load(number)
    for code, approval in county.approvals(app).items():
        window.approve(
            county.rt,
            approval.number,
            county.approvers[code],
            opinion="同意",
            credit_code=credit if code == "SCJ" else None,
        )


def test_enterprise_start_up_bundle_then_paperless_second_application(county: County) -> None:
    sub = file(county, "qykb", details={"enterprise_name": "和平县青山农业科技有限公司"})
    assert sub.case.state == "pending"
    assert sub.case.clock is not None
    assert sub.case.clock.mode.value == "not_started"
    assert sub.check.complete
    app = window.accept(county.rt, sub.case.number, county.clerk)
    assert app.state == "in_approval"
    assert app.clock is not None
    assert str(app.clock.limit) == "1d"
    approvals = county.approvals(app)
    assert sorted(approvals) == ["GAJ", "GJJ", "NSH", "RSJ", "SCJ", "SWJ"]
    assert all(a.state == "in_approval" and str(a.clock.limit) == "0.5d" for a in approvals.values())  # type: ignore[union-attr]
    code = credit_code(1)
    county.clock.set(county.clock.current + timedelta(hours=2))
    _approve_all(county, sub.case.number, code)
    decided = county.load(sub.case.number)
    assert decided.state == "decided"
    issued = window.issue(county.rt, sub.case.number, county.clerk)
    assert issued.case.state == "issued"
    types = sorted(c["cert_type"] for c in issued.certificates)
    assert types == sorted(
        [
            "business_license",
            "seal_record",
            "tax_invoice_approval",
            "social_insurance_registration",
            "housing_fund_registration",
            "bank_account",
        ]
    )
    with read(county.rt.engine) as conn:
        enterprise = conn.execute(sa.select(parties).where(parties.c.id_number == code)).mappings().one()
        assert enterprise["name"] == "和平县青山农业科技有限公司"
        assert enterprise["kind"] == "enterprise"
        holders = {r.holder_party_id for r in conn.execute(sa.select(certificates.c.holder_party_id))}
        assert holders == {enterprise["id"]}
    delivered = window.deliver(county.rt, sub.case.number, county.clerk, method="window", recipient="李四")
    assert delivered.state == "delivered"
    assert delivered.payload["delivery"]["receipt"] == f"SD-{sub.case.number}"  # type: ignore[index]

    # The same enterprise applies for a food business licence: its 营业执照 is not asked for.
    second = file(
        county,
        "SCJ005",
        window.Applicant("enterprise", "和平县青山农业科技有限公司", code, "13800138000"),
        materials=all_materials("SCJ005", skip=("business_license",)),
    )
    licence = next(line for line in second.check.lines if line.code == "business_license")
    assert licence.status.value == "exempt"
    business = next(c for c in issued.certificates if c["cert_type"] == "business_license")
    assert business["certificate"] in licence.reason
    assert "免提交" in licence.reason
    assert second.check.complete
    accepted = window.accept(county.rt, second.case.number, county.clerk)
    assert accepted.state == "in_approval"
    with read(county.rt.engine) as conn:
        row = (
            conn.execute(
                sa.select(window_materials).where(
                    window_materials.c.case_id == accepted.id, window_materials.c.code == "business_license"
                )
            )
            .mappings()
            .one()
        )
    assert row["status"] == "exempt"
    assert row["certificate_number"] == business["certificate"]


def test_catalogue_version_is_recorded_with_the_application(county: County) -> None:
    sub = file(county, "SCJ005", county.enterprise("和平县东江商贸有限公司", "MA0000042"))
    catalog = default_catalog()
    assert sub.case.payload["catalog_version"] == catalog.version
    assert sub.case.payload["catalog_hash"] == catalog.content_hash
    with read(county.rt.engine) as conn:
        rows = conn.execute(sa.select(window_catalog_versions)).mappings().all()
    assert [(r["version"], r["content_hash"]) for r in rows] == [(catalog.version, catalog.content_hash)]


def test_real_estate_bundle_one_approval_per_department(county: County) -> None:
    sub = file(county, "bdcdj")
    app = window.accept(county.rt, sub.case.number, county.clerk)
    approvals = county.approvals(app)
    assert sorted(approvals) == ["SWJ", "ZRZY"]
    # 转移登记 (5d) and 抵押登记 (2d) at one registry: one approval, on the longer limit.
    registry = approvals["ZRZY"]
    assert [i["code"] for i in payload_list(registry, "items")] == ["ZRZY001", "ZRZY002"]
    assert str(registry.clock.limit) == "5d"  # type: ignore[union-attr]
    assert str(approvals["SWJ"].clock.limit) == "0d"  # type: ignore[union-attr]
    for code, approval in approvals.items():
        window.approve(county.rt, approval.number, county.approvers[code])
    issued = window.issue(county.rt, sub.case.number, county.clerk)
    assert sorted(c["cert_type"] for c in issued.certificates) == ["mortgage_certificate", "real_estate_certificate"]
    with read(county.rt.engine) as conn:
        found = valid_certificates(
            conn,
            holder_party_id=sub.case.party_id or 0,
            cert_types=["real_estate_certificate"],
            on=county.clock.current.date(),
        )
    assert "real_estate_certificate" in found


def test_construction_project_runs_its_stages_in_order(county: County) -> None:
    applicant = county.enterprise("和平县阳明建材有限公司", "MA0000077")
    sub = file(county, "gcjs", applicant)
    app = window.accept(county.rt, sub.case.number, county.clerk)
    assert str(app.clock.limit) == "50d"  # type: ignore[union-attr]
    stages = county.children(app)
    assert [s.payload["name"] for s in stages] == ["立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"]
    assert [s.state for s in stages] == ["in_approval", "waiting", "waiting", "waiting"]
    assert [county.units[s.payload["lead"]].id == s.unit_id for s in stages] == [True] * 4  # type: ignore[index]
    assert str(stages[0].clock.limit) == "15d"  # type: ignore[union-attr]
    first = county.approvals(app)
    assert sorted(first) == ["FGJ", "ZRZY"]
    for code in ("FGJ", "ZRZY"):
        window.approve(county.rt, first[code].number, county.approvers[code])
    stages = county.children(app)
    assert [s.state for s in stages] == ["done", "in_approval", "waiting", "waiting"]
    second = list(county.children(stages[1]))
    assert len(second) == 1
    assert payload_list(second[0], "items")[0]["code"] == "ZRZY004"
    window.deny(county.rt, second[0].number, county.approvers["ZRZY"], reason="设计方案不符合控制性详细规划")
    stages = county.children(app)
    assert [s.state for s in stages] == ["done", "failed", "cancelled", "cancelled"]
    assert county.load(app.number).state == "decided"
    issued = window.issue(county.rt, app.number, county.clerk)
    # Stage 1's results are issued; the refusal is listed with its decision, nothing else.
    assert sorted(c["cert_type"] for c in issued.certificates) == ["land_use_planning_permit", "project_approval"]
    results = payload_list(issued.case, "results")
    assert [r["document"] for r in results if r["outcome"] == "denied"] == ["不予许可决定书"]
    assert issued.case.payload["outcome"] == "partial"
