"""营商环境评价 pages and API through HTTP: scores and charts, a region's tree, entry → submit → review, the
report downloads, and who may see and do what. The demo's evaluation fills 2026 Q1 and 2025 Q4."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_helpers import County, csrf_of, logged_in

from onestop.actions.runtime import Runtime
from onestop.demo.county import DemoCounty
from onestop.demo.evaluation import EvaluationSimulation, simulate_evaluation
from onestop.evaluation.tree import load_tree


@pytest.fixture
def sim(rt: Runtime, county: County) -> EvaluationSimulation:
    return simulate_evaluation(rt, DemoCounty(county.units, county.users, {}), now=rt.now())


def test_overview_region_and_report(app: FastAPI, county: County, sim: EvaluationSimulation) -> None:
    assert (sim.period, sim.previous) == ("2026Q1", "2025Q4")
    client, _ = logged_in(app, "supervisor")
    page = client.get("/evaluation")  # the current quarter by default
    assert page.status_code == 200, page.text
    assert "2026年第一季度" in page.text
    assert page.text.count("<svg") == 2  # the ranking, and this quarter beside the last
    overall = f"{sim.overall:.2f}"
    assert re.search(rf'data-region="和平县人民政府".*?class="overall">{overall}<', page.text, re.S)
    region = county.units["HPX"].id
    detail = client.get(f"/evaluation/regions/{region}?period=2026Q1")
    assert detail.status_code == 200
    returned = load_tree(2026).component(sim.returned[0])
    row = re.search(rf'data-component="{returned.key}">(.*?)</tr>', detail.text, re.S)
    assert row is not None
    assert "缺失" in row.group(1)  # sent back: not scored
    assert "单位填报" in detail.text
    assert client.get("/evaluation?period=2026Q9").status_code == 422
    xlsx = client.get("/evaluation/report.xlsx?period=2026Q1")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert "综合排名" in book.sheetnames
    docx = client.get("/evaluation/report.docx?period=2026Q1")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "营商环境评价报告" in text


def test_entry_correction_submit_and_review(app: FastAPI, county: County, sim: EvaluationSimulation) -> None:
    region = county.units["HPX"].id
    key = sim.returned[0]
    component = load_tree(2026).component(key)
    entered_by = {"starting_business": "approver"}.get(component.indicator, "window_clerk")
    unit, token = logged_in(app, entered_by)
    page = unit.get(f"/evaluation/entries?region={region}&period=2026Q1")
    assert page.status_code == 200
    block = re.search(rf'<div class="entry" id="{re.escape(key)}".*?data-status="(\w+)"', page.text, re.S)
    assert block is not None
    assert block.group(1) == "returned"
    version = re.search(
        rf'name="indicator" value="{re.escape(key)}"><input type="hidden" name="version" value="(\d+)"', page.text
    )
    assert version is not None
    form = {"csrf_token": token, "region": str(region), "period": "2026Q1", "indicator": key}
    bad = unit.post("/evaluation/entries", data={**form, "value": "很多", "version": version.group(1)})
    assert bad.status_code == 422
    assert "填报值" in bad.text
    middle = (component.frontier + component.worst) / 2
    saved = unit.post(
        "/evaluation/entries",
        data={**form, "value": str(middle), "evidence": "补充说明.docx\n统计台账.xlsx", "version": version.group(1)},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = unit.get(saved.headers["location"]).text
    entry_id = re.search(r'action="/evaluation/entries/(\d+)/submit"', after.split(f'id="{key}"')[1])
    assert entry_id is not None
    new_version = str(int(version.group(1)) + 1)
    submitted = unit.post(
        f"/evaluation/entries/{entry_id.group(1)}/submit",
        data={**form, "version": new_version},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    own = unit.post(
        f"/evaluation/entries/{entry_id.group(1)}/approve", data={**form, "version": str(int(new_version) + 1)}
    )
    assert own.status_code == 403  # staff do not review
    office, o_token = logged_in(app, "supervisor")
    approved = office.post(
        f"/evaluation/entries/{entry_id.group(1)}/approve",
        data={**form, "csrf_token": o_token, "version": str(int(new_version) + 1)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    detail = office.get(f"/evaluation/regions/{region}?period=2026Q1").text
    row = re.search(rf'data-component="{re.escape(key)}">(.*?)</tr>', detail, re.S)
    assert row is not None
    assert "单位填报" in row.group(1)
    assert f"{middle:.2f}" in row.group(1)
    assert 'class="score">50.00<' in row.group(1)  # halfway between worst and frontier


def test_who_may_see(app: FastAPI, county: County, sim: EvaluationSimulation) -> None:
    citizen, _ = logged_in(app, "public")
    assert citizen.get("/evaluation").status_code == 403
    assert citizen.get("/evaluation/entries").status_code == 403
    anonymous = TestClient(app)
    assert anonymous.get("/evaluation", follow_redirects=False).status_code in (303, 401)
    town, _ = logged_in(app, "handler")  # a town inside the county: sees its county's scores
    assert town.get("/evaluation").status_code == 200


def test_api(app: FastAPI, county: County, sim: EvaluationSimulation) -> None:
    client, _ = logged_in(app, "supervisor")
    token = csrf_of(client.get("/evaluation").text)
    scores = client.get("/api/v1/evaluation/scores?period=2026Q1").json()
    (region,) = scores["regions"]
    assert region["region"] == "和平县人民政府"
    assert region["overall"] == pytest.approx(sim.overall)
    entries = client.get(f"/api/v1/evaluation/entries?period=2026Q1&region_id={region['region_id']}").json()
    waiting = next(e for e in entries if e["indicator"] == sim.waiting[0])
    assert waiting["status"] == "submitted"
    approved = client.post(
        f"/api/v1/evaluation/entries/{waiting['id']}/approve",
        json={"expected_version": waiting["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    stale = client.post(
        f"/api/v1/evaluation/entries/{waiting['id']}/return",
        json={"expected_version": waiting["version"], "comment": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert stale.status_code == 409
