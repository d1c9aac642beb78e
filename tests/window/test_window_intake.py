"""Intake before acceptance: 一次性告知, 补齐, 告知承诺, online 预审, and bad input that writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from window_helpers import County, all_materials, file

from onestop.actions import window
from onestop.cases.errors import InvalidAction, MissingData
from onestop.catalog import UnknownTarget, parse_catalog
from onestop.catalog.loader import DATA, read_files
from onestop.db.engine import read
from onestop.db.tables import case_events, parties, window_materials
from onestop.org.identifiers import InvalidIdentifier
from onestop.window.access import WindowForbidden, WindowNotFound
from onestop.window.materials import MaterialNotListed


def _rows(county: County) -> tuple[int, int, int, int]:
    from onestop.db.tables import cases

    with read(county.rt.engine) as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in (cases, case_events, parties, window_materials)
        )


def test_one_time_notice_lists_every_problem_then_resubmission(county: County) -> None:
    given = [m for m in all_materials("SCJ001") if m.code not in ("articles", "premises_proof")]
    given = [window.MaterialInput(m.code, "copy") if m.code == "application_form" else m for m in given]
    sub = file(county, "SCJ001", materials=given, details={"enterprise_name": "和平县上陵家具制造有限公司"})
    assert not sub.check.complete
    with pytest.raises(window.MaterialsIncomplete) as refused:
        window.accept(county.rt, sub.case.number, county.clerk)
    assert "公司章程" in refused.value.message
    notified = window.notify(county.rt, sub.case.number, county.clerk, note="请于工作日到综合窗口补交")
    assert notified.state == "notified"
    notice = notified.payload["notices"][0]  # type: ignore[index]
    assert notice["number"] == f"{sub.case.number}-GZ1"
    assert notice["items"] == [
        "申请书（表）：须提交原件，收到的是复印件",
        "公司章程：未提交（须原件）",
        "住所（经营场所）使用证明：未提交（须复印件）",
    ]
    with pytest.raises(InvalidAction):
        window.accept(county.rt, sub.case.number, county.clerk)  # out of order: resubmit first
    window.resubmit(
        county.rt,
        sub.case.number,
        county.clerk,
        materials=[
            window.MaterialInput("application_form", "original"),
            window.MaterialInput("articles", "original"),
            window.MaterialInput("premises_proof", "copy"),
        ],
    )
    accepted = window.accept(county.rt, sub.case.number, county.clerk)
    assert accepted.state == "in_approval"


def test_notice_is_refused_when_nothing_is_missing(county: County) -> None:
    sub = file(county, "GAJ003")
    with pytest.raises(window.WindowError) as caught:
        window.notify(county.rt, sub.case.number, county.clerk)
    assert caught.value.code == "materials_complete"


def test_notify_and_commit_replaces_materials_and_flags_inspection(county: County) -> None:
    applicant = county.enterprise("和平县热水食品有限公司", "MA0000301")
    skip = ("premises_layout", "food_safety_rules")
    sub = file(county, "SCJ005", applicant, materials=all_materials("SCJ005", skip=skip))
    assert {line.code for line in sub.check.problems} == set(skip)
    app = window.accept(county.rt, sub.case.number, county.clerk, commitment_signed_by="法定代表人 陈明")
    assert app.payload["inspection"] == "pending"
    assert app.payload["notify_commitment"]["materials"] == list(skip)  # type: ignore[index]
    with read(county.rt.engine) as conn:
        statuses = dict(
            conn.execute(
                sa.select(window_materials.c.code, window_materials.c.status).where(
                    window_materials.c.case_id == app.id
                )
            ).all()
        )
    assert statuses["premises_layout"] == "committed"
    assert statuses["food_safety_rules"] == "committed"
    # An item without 告知承诺 cannot be accepted on a commitment.
    other = file(county, "GAJ003")
    with pytest.raises(window.WindowError) as caught:
        window.accept(county.rt, other.case.number, county.clerk, commitment_signed_by="张三")
    assert caught.value.field == "commitment"


def test_online_application_starts_in_prereview_and_the_applicant_supplements(county: County) -> None:
    sub = window.submit(
        county.rt,
        "GAJ002",
        applicant=county.person("王五"),
        actor=county.citizen,
        channel="online",
        materials=[window.MaterialInput(m.code, "electronic") for m in all_materials("GAJ002")],
    )
    assert sub.case.state == "prereview"
    assert sub.case.clock is not None
    assert sub.case.clock.mode.value == "not_started"
    # Electronic copies do not stand for the originals the item needs.
    assert {line.code for line in sub.check.problems} == {"application_form", "hukou_book"}
    accepted_materials = [window.MaterialInput("application_form"), window.MaterialInput("hukou_book")]
    app = window.accept(county.rt, sub.case.number, county.clerk, materials=accepted_materials)
    (approval,) = county.approvals(app).values()
    window.request_supplement(county.rt, approval.number, county.approvers["GAJ"], items=["迁入地住房证明原件"])
    with pytest.raises(WindowNotFound):  # another account may not act on it
        window.supplement(county.rt, app.number, county.approvers["SCJ"], materials=["x"])
    window.supplement(county.rt, app.number, county.citizen, materials=["迁入地住房证明原件"])
    assert county.load(app.number).state == "in_approval"


def test_bad_input_writes_nothing(county: County) -> None:
    before = _rows(county)
    with pytest.raises(UnknownTarget) as unknown:
        file(county, "XYZ001")
    assert unknown.value.field == "item"
    assert unknown.value.status == 422
    assert "XYZ001" in unknown.value.message
    with pytest.raises(MaterialNotListed) as not_listed:
        file(county, "GAJ003", materials=[window.MaterialInput("articles")])
    assert not_listed.value.field == "materials"
    assert "articles" in not_listed.value.message
    assert "无犯罪记录证明开具" in not_listed.value.message
    bad_code = window.Applicant("enterprise", "和平县某某有限公司", "91441624MA0000001X", "13800138000")
    with pytest.raises(InvalidIdentifier) as wrong_code:
        file(county, "SCJ005", bad_code)
    assert wrong_code.value.field == "id_number"
    assert wrong_code.value.status == 422
    assert "统一社会信用代码" in wrong_code.value.message
    with pytest.raises(MissingData) as no_name:
        file(county, "SCJ001")
    assert no_name.value.field == "enterprise_name"
    with pytest.raises(window.WindowError) as channel:
        file(county, "SCJ001", channel="fax")
    assert channel.value.field == "channel"
    assert _rows(county) == before


def test_actions_out_of_order_change_nothing(county: County) -> None:
    sub = file(county, "GAJ003")
    with pytest.raises(InvalidAction) as early:
        window.issue(county.rt, sub.case.number, county.clerk)
    assert early.value.status == 409
    assert "待受理" in early.value.message
    app = window.accept(county.rt, sub.case.number, county.clerk)
    (approval,) = county.approvals(app).values()
    window.approve(county.rt, approval.number, county.approvers["GAJ"])
    before = _rows(county)
    with pytest.raises(InvalidAction):
        window.approve(county.rt, approval.number, county.approvers["GAJ"])
    with pytest.raises(InvalidAction):
        window.accept(county.rt, sub.case.number, county.clerk)
    with pytest.raises(InvalidAction):
        window.deliver(county.rt, sub.case.number, county.clerk, method="window", recipient="张三")
    assert _rows(county) == before


def test_who_may_act(county: County) -> None:
    sub = file(county, "SCJ005", county.enterprise("和平县林寨商贸有限公司", "MA0000401"))
    with pytest.raises(WindowForbidden):
        window.submit(county.rt, "GAJ003", applicant=county.person(), actor=county.approvers["SCJ"])
    with pytest.raises(WindowForbidden):
        window.accept(county.rt, sub.case.number, county.approvers["SCJ"])
    app = window.accept(county.rt, sub.case.number, county.clerk)
    (approval,) = county.approvals(app).values()
    with pytest.raises(WindowNotFound):  # another department's approver: invisible
        window.approve(county.rt, approval.number, county.approvers["GAJ"])
    with pytest.raises(WindowNotFound):  # the clerk does not decide for a department
        window.approve(county.rt, approval.number, county.clerk)
    with pytest.raises(WindowNotFound):  # not an approval number at all
        window.approve(county.rt, app.number, county.approvers["SCJ"])
    assert county.load(approval.number).state == "in_approval"


def test_a_changed_catalogue_under_the_same_version_is_refused(county: County) -> None:
    file(county, "GAJ003")
    files = read_files(DATA)
    files["items/gaj.toml"] = files["items/gaj.toml"].replace('committed_limit = "1d"', 'committed_limit = "2d"', 1)
    changed = parse_catalog(files)
    with pytest.raises(window.CatalogConflict) as caught:
        window.submit(county.rt, "GAJ003", applicant=county.person(), actor=county.clerk, catalog=changed, materials=[])
    assert "version" in caught.value.message


def test_department_units_must_exist(county: County) -> None:
    files = read_files(DATA)
    files["items/gaj.toml"] = files["items/gaj.toml"].replace('department = "GAJ"', 'department = "XGAJ"')
    files["catalog.toml"] = files["catalog.toml"].replace("version = 1", "version = 2")
    other = parse_catalog(files)
    with pytest.raises(window.WindowError) as caught:
        window.submit(county.rt, "GAJ003", applicant=county.person(), actor=county.clerk, catalog=other, materials=[])
    assert caught.value.field == "department"
    assert "XGAJ" in caught.value.message
