"""The clock cases of 一窗受理: 补正 pauses and resumes, §32 deemed acceptance, 容缺 blocks issuance, a refusal stops a
bundle, a limit across National Day, §42 extensions and §45 special procedures.

Expected instants are worked out by hand from the 2026 State Council notice: the clock counts whole working days,
not the start day (民法典 §201), and the due instant is close of office (17:30) of the last one.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from window_helpers import County, all_materials, credit_code, file

from onestop.actions import window
from onestop.cases.errors import MissingData
from onestop.db.engine import read
from onestop.db.tables import certificates
from onestop.worktime import TZ


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_supplement_after_acceptance_pauses_both_clocks_and_resumes(county: County) -> None:
    sub = file(county, "SCJ005", county.enterprise("和平县合水食品有限公司", "MA0000101"))
    app = window.accept(county.rt, sub.case.number, county.clerk)  # Mon 3-02 10:00, 5 working days
    assert app.due_at == at(3, 9, 17, 30)
    (approval,) = county.approvals(app).values()
    assert approval.due_at == at(3, 9, 17, 30)
    county.clock.set(at(3, 3))  # Tue: one working day used
    window.request_supplement(
        county.rt, approval.number, county.approvers["SCJ"], items=["经营场所平面布局图（需标注面积）"]
    )
    paused_app, paused = county.load(app.number), county.load(approval.number)
    assert (paused_app.state, paused.state) == ("supplement", "supplement")
    assert paused_app.due_at is None
    assert paused.due_at is None
    county.clock.set(at(3, 6))  # Fri: the applicant brings it
    window.supplement(county.rt, app.number, county.clerk, materials=["经营场所平面布局图（已标注面积）"])
    resumed_app, resumed = county.load(app.number), county.load(approval.number)
    assert (resumed_app.state, resumed.state) == ("in_approval", "in_approval")
    # 4 days left, counted from Friday (the resume day not counted): Mon 3-09, Tue, Wed, Thu 3-12.
    assert resumed.due_at == at(3, 12, 17, 30)
    assert resumed_app.due_at == at(3, 12, 17, 30)


def test_deemed_acceptance_after_five_working_days_without_notice(county: County) -> None:
    sub = file(county, "WJJ001")  # 10 working days, received Mon 3-02 10:00
    notified = file(county, "WJJ001", materials=[])
    window.notify(county.rt, notified.case.number, county.clerk)
    # Five working days after receipt: close of office on Mon 3-09. Not a minute before.
    assert window.on_tick(county.rt, at(3, 9, 17, 29)) == 0
    assert county.load(sub.case.number).state == "pending"
    assert window.on_tick(county.rt, at(3, 9, 17, 30)) == 1
    deemed = county.load(sub.case.number)
    assert deemed.state == "in_approval"
    assert deemed.payload["deemed"] is True
    # Accepted from the day of receipt: the clock began at 3-02 10:00, so 10 working days end Mon 3-16.
    assert deemed.clock is not None
    assert deemed.clock.segments[0].start == at(3, 2)
    assert deemed.due_at == at(3, 16, 17, 30)
    assert list(county.approvals(deemed)) == ["WJJ"]
    # A notice was issued in time for the other one: it waits for the applicant.
    assert county.load(notified.case.number).state == "notified"
    assert window.on_tick(county.rt, at(3, 10)) == 0  # nothing left to do


def test_deferred_materials_block_issuance_until_they_arrive(county: County) -> None:
    sub = file(county, "SCJ004", materials=all_materials("SCJ004", skip=("premises_proof",)))
    assert [line.code for line in sub.check.problems] == ["premises_proof"]
    with pytest.raises(MissingData) as caught:
        window.accept(county.rt, sub.case.number, county.clerk, deferred=["premises_proof"])
    assert caught.value.field == "deferral"
    app = window.accept(
        county.rt,
        sub.case.number,
        county.clerk,
        deferred=["premises_proof"],
        deferral=window.Deferral("张三", 5),
    )
    assert app.payload["deferral"]["due"] == at(3, 9, 17, 30).isoformat()  # type: ignore[index]
    (approval,) = county.approvals(app).values()
    window.approve(county.rt, approval.number, county.approvers["SCJ"])
    decided = county.load(app.number)
    assert decided.state == "decided"
    with pytest.raises(window.DeferredOutstanding) as refused:
        window.issue(county.rt, app.number, county.clerk)
    assert refused.value.status == 409
    assert "住所（经营场所）使用证明" in refused.value.message
    after = county.load(app.number)
    assert (after.state, after.version) == ("decided", decided.version)
    with read(county.rt.engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar_one() == 0
    window.receive_deferred(
        county.rt, app.number, county.clerk, materials=[window.MaterialInput("premises_proof", "copy")]
    )
    issued = window.issue(county.rt, app.number, county.clerk)
    assert [c["cert_type"] for c in issued.certificates] == ["individual_business_license"]


def test_key_materials_cannot_be_deferred(county: County) -> None:
    sub = file(county, "SCJ004", materials=all_materials("SCJ004", skip=("applicant_id",)))
    with pytest.raises(window.MaterialsIncomplete) as caught:
        window.accept(
            county.rt, sub.case.number, county.clerk, deferred=["applicant_id"], deferral=window.Deferral("张三", 5)
        )
    assert "关键材料" in caught.value.message
    assert caught.value.field == "materials"
    assert county.load(sub.case.number).state == "pending"


def test_refusal_of_the_key_item_stops_the_enterprise_bundle(county: County) -> None:
    sub = file(county, "qykb", details={"enterprise_name": "和平县礼士物流有限公司"})
    app = window.accept(county.rt, sub.case.number, county.clerk)
    approvals = county.approvals(app)
    window.approve(county.rt, approvals["GAJ"].number, county.approvers["GAJ"])
    window.deny(county.rt, approvals["SCJ"].number, county.approvers["SCJ"], reason="拟设企业名称与在先登记字号近似")
    states = {code: county.load(a.number).state for code, a in approvals.items()}
    assert states == {
        "SCJ": "denied",
        "GAJ": "approved",
        "SWJ": "stopped",
        "RSJ": "stopped",
        "GJJ": "stopped",
        "NSH": "stopped",
    }
    assert county.load(app.number).state == "decided"


def test_refusal_of_another_item_lets_the_rest_finish(county: County) -> None:
    sub = file(county, "qykb", details={"enterprise_name": "和平县浰源电子商务有限公司"})
    app = window.accept(county.rt, sub.case.number, county.clerk)
    approvals = county.approvals(app)
    window.deny(county.rt, approvals["GJJ"].number, county.approvers["GJJ"], reason="缴存比例低于规定下限")
    assert all(county.load(a.number).state == "in_approval" for c, a in approvals.items() if c != "GJJ")
    assert county.load(app.number).state == "in_approval"
    for code, approval in approvals.items():
        if code != "GJJ":
            window.approve(
                county.rt,
                approval.number,
                county.approvers[code],
                credit_code=credit_code(7) if code == "SCJ" else None,
            )
    issued = window.issue(county.rt, app.number, county.clerk)
    assert len(issued.certificates) == 5
    assert issued.case.payload["outcome"] == "partial"


def test_a_limit_across_national_day(county: County) -> None:
    county.clock.set(at(9, 28))  # Monday before 国庆; 10-01..10-07 off, Sat 10-10 a make-up working day
    sub = file(county, "SCJ005", county.enterprise("和平县彭寨旅游开发有限公司", "MA0000202"))
    app = window.accept(county.rt, sub.case.number, county.clerk)
    # 9-29 (1), 9-30 (2), 10-08 (3), 10-09 (4), Sat 10-10 (5).
    assert app.due_at == at(10, 10, 17, 30)
    (approval,) = county.approvals(app).values()
    assert approval.due_at == at(10, 10, 17, 30)


def test_extension_under_article_42_extends_the_application_too(county: County) -> None:
    sub = file(county, "WJJ001")
    app = window.accept(county.rt, sub.case.number, county.clerk)  # 10d → Mon 3-16
    (approval,) = county.approvals(app).values()
    with pytest.raises(MissingData) as missing:
        window.extend(
            county.rt, approval.number, county.approvers["WJJ"], extension="10d", reason="需现场核查", approved_by=""
        )
    assert missing.value.field == "approved_by"
    with pytest.raises(MissingData) as too_long:
        window.extend(
            county.rt,
            approval.number,
            county.approvers["WJJ"],
            extension="11d",
            reason="需现场核查",
            approved_by="王局长",
        )
    assert too_long.value.field == "extension"
    window.extend(
        county.rt, approval.number, county.approvers["WJJ"], extension="10d", reason="需现场核查", approved_by="王局长"
    )
    extended, extended_app = county.load(approval.number), county.load(app.number)
    # 20 working days from Mon 3-02: Mon 3-30.
    assert extended.due_at == at(3, 30, 17, 30)
    assert extended_app.due_at == at(3, 30, 17, 30)
    assert str(extended_app.clock.extension) == "10d"  # type: ignore[union-attr]


def test_special_procedures_under_article_45_pause_the_clocks(county: County) -> None:
    sub = file(county, "WJJ001")
    app = window.accept(county.rt, sub.case.number, county.clerk)
    (approval,) = county.approvals(app).values()
    county.clock.set(at(3, 4))  # Wed: 2 days used
    with pytest.raises(MissingData) as bad:
        window.start_special(county.rt, approval.number, county.approvers["WJJ"], procedure="party", reason="x")
    assert bad.value.field == "procedure"
    window.start_special(
        county.rt, approval.number, county.approvers["WJJ"], procedure="expert_review", reason="放射诊疗设备需专家评审"
    )
    assert county.load(approval.number).state == "special"
    assert county.load(app.number).state == "special"
    county.clock.set(at(3, 11))  # the experts report a week later
    window.end_special(county.rt, approval.number, county.approvers["WJJ"], result="专家评审通过")
    resumed, resumed_app = county.load(approval.number), county.load(app.number)
    assert resumed.state == "in_approval"
    assert resumed_app.state == "in_approval"
    # 8 days left from Wed 3-11: 3-12,13,16,17,18,19,20,23 → Mon 3-23.
    assert resumed.due_at == at(3, 23, 17, 30)
    assert resumed_app.due_at == at(3, 23, 17, 30)


def test_half_day_enterprise_start_up_counts_working_minutes(county: County) -> None:
    sub = file(county, "qykb", variant="express", details={"enterprise_name": "和平县古寨茶业有限公司"})
    app = window.accept(county.rt, sub.case.number, county.clerk)  # Mon 3-02 10:00
    # 0.5 day = 210 of the day's 420 office minutes from 10:00: 120 until the lunch break, 90 after 13:30.
    assert app.due_at == at(3, 2, 15, 0)
    assert all(a.due_at == at(3, 2, 15, 0) for a in county.approvals(app).values())
