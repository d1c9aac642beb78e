"""The ledger's pages and API through HTTP: import with review and one mapping, the table with filters and
exports, a task's page and forms for the lead unit, a co-unit and the 营商办, and who sees what."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_helpers import County, csrf_of, logged_in

from onestop.demo.ledger import demo_plan_text

PLAN = demo_plan_text(date(2026, 3, 2)).encode("utf-8")


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def _map_index(page: str, name: str) -> str:
    match = re.search(rf'name="m(\d+)_name" value="{name}"', page)
    assert match, f"{name} is not listed for mapping"
    return match.group(1)


def _task_numbers(page: str) -> list[str]:
    return re.findall(r'<tr data-number="(RW[^"]+)"', page)


def _import(client: TestClient, token: str) -> str:
    """Uploads the plan, maps 县营商办 on the review, creates the ledger; returns the ledger page."""
    page = client.post(
        "/ledger/import",
        data={"csrf_token": token, "supervisor": "YSB", "report_day": "25"},
        files={"file": ("和平县重点任务.txt", PLAN, "text/plain")},
    )
    assert page.status_code == 200, page.text
    assert 'id="review-missing"' in page.text
    assert 'data-name="县营商办" class="unmatched"' in page.text
    form = {
        "csrf_token": token,
        "plan": _hidden(page.text, "plan"),
        "source": "和平县重点任务.txt",
        "supervisor": "YSB",
        "report_day": "25",
    }
    k = _map_index(page.text, "县营商办")
    refused = client.post("/ledger/review", data={**form, "op": "create"})
    assert refused.status_code == 422
    assert "县营商办" in refused.text
    checked = client.post("/ledger/review", data={**form, "op": "check", f"m{k}_name": "县营商办", f"m{k}_unit": "YSB"})
    assert 'id="review-ready"' in checked.text
    created = client.post(
        "/ledger/review",
        data={
            **form,
            "op": "create",
            f"m{k}_name": "县营商办",
            f"m{k}_unit": "YSB",
            # a corrected deadline for task 6 (the other fields as shown)
            "t6_text": "压缩用电报装时间,低压小微企业用电报装时间压缩至5个工作日以内。",
            "t6_lead": "和平供电局",
            "t6_co": "县住建局",
            "t6_deadline": "2026年6月底",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    assert created.headers["location"] == "/ledger/1?created=1"
    return client.get(created.headers["location"]).text


def test_import_review_and_the_table(app: FastAPI, county: County) -> None:
    client, token = logged_in(app, "supervisor")
    assert 'id="import-link"' in client.get("/ledger").text
    table = _import(client, token)
    assert 'id="created"' in table
    numbers = _task_numbers(table)
    assert len(numbers) == 6
    assert "和平县营商环境建设办公室" in table  # 县营商办, as mapped
    assert "2026年6月底" in table  # the corrected deadline
    assert _task_numbers(client.get("/ledger/1?state=done").text) == []
    assert _task_numbers(client.get("/ledger/1?overdue=no").text) == numbers
    scj = county.units["SCJ"].id
    assert _task_numbers(client.get(f"/ledger/1?unit_id={scj}").text) == [numbers[0]]
    bad = client.get("/ledger/1?state=nonsense")
    assert bad.status_code == 422
    assert "状态" in bad.text
    xlsx = client.get("/ledger/1/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "牵头单位" in cells
    assert sum("企业开办" in str(c) for c in cells) >= 1
    assert "2026年6月底" in cells
    docx = client.get("/ledger/1/export.docx")
    assert docx.headers["content-type"].endswith("wordprocessingml.document")
    # the mapping is remembered: a second upload matches 县营商办 by itself
    again = client.post(
        "/ledger/import",
        data={"csrf_token": token, "supervisor": "YSB"},
        files={"file": ("again.txt", PLAN, "text/plain")},
    )
    assert 'id="review-ready"' in again.text


def test_task_forms_for_lead_co_unit_and_supervisor(app: FastAPI, county: County) -> None:
    supervisor, s_token = logged_in(app, "supervisor")
    first = _task_numbers(_import(supervisor, s_token))[0]  # 企业开办: lead 市场监管局, co 公安局 …
    lead, l_token = logged_in(app, "approver")  # scj: 市场监管局
    page = lead.get(f"/ledger/tasks/{first}").text
    assert 'id="form-report"' in page
    assert 'id="form-review"' not in page
    assert "企业开办时间" in page  # its target, beside whatever actual the platform has
    bad = lead.post(f"/ledger/tasks/{first}/report", data={"csrf_token": l_token, "text": "x", "percent": "150"})
    assert bad.status_code == 422
    assert "完成进度" in bad.text
    ok = lead.post(
        f"/ledger/tasks/{first}/report",
        data={
            "csrf_token": l_token,
            "text": "专区已试运行",
            "status": "on_track",
            "percent": "40",
            "evidence": "a.pdf",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = lead.get(ok.headers["location"]).text
    assert "已完成：报送进展" in page
    assert "专区已试运行（40%）" in page
    co = TestClient(app)
    from web_helpers import login

    c_token = login(co, "gaj")
    assert 'id="form-contribute"' in co.get(f"/ledger/tasks/{first}").text
    assert (
        co.post(
            f"/ledger/tasks/{first}/contribute",
            data={"csrf_token": c_token, "text": "刻章同步办理"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    refused = co.post(f"/ledger/tasks/{first}/report", data={"csrf_token": c_token, "text": "越权"})
    assert refused.status_code == 403
    assert "牵头单位" in refused.text
    review = supervisor.post(
        f"/ledger/tasks/{first}/review_report", data={"csrf_token": s_token, "verdict": "returned"}
    )
    assert review.status_code == 422
    assert "退回须说明理由" in review.text
    done = supervisor.post(
        f"/ledger/tasks/{first}/complete", data={"csrf_token": s_token, "comment": "同意"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "已完成" in supervisor.get(f"/ledger/tasks/{first}").text


def test_who_sees_what(app: FastAPI, county: County) -> None:
    supervisor, s_token = logged_in(app, "supervisor")
    numbers = _task_numbers(_import(supervisor, s_token))
    town, _ = logged_in(app, "handler")  # 阳明镇: in no task (各乡镇人民政府 is collective)
    assert town.get(f"/ledger/tasks/{numbers[0]}").status_code == 404
    assert town.get("/ledger/1").status_code == 404
    assert 'data-ledger="1"' not in town.get("/ledger").text
    clerk, _ = logged_in(app, "window_clerk")  # 政务服务中心: leads 2 and 4, co-operates on 1 and 5
    assert len(_task_numbers(clerk.get("/ledger/1").text)) == 4
    assert clerk.get("/ledger/import").status_code == 403
    anonymous = TestClient(app)
    assert anonymous.get("/ledger", follow_redirects=False).status_code in (303, 401)
    no_csrf = supervisor.post(f"/ledger/tasks/{numbers[0]}/complete", data={"comment": "x"})
    assert no_csrf.status_code == 403


def test_api(app: FastAPI, county: County) -> None:
    client, _ = logged_in(app, "supervisor")
    token = csrf_of(client.get("/ledger/import").text)
    headers = {"X-CSRF-Token": token}
    parsed = client.post("/api/v1/ledger/parse?supervisor=YSB", files={"file": ("p.txt", PLAN)}, headers=headers)
    assert parsed.status_code == 200, parsed.text
    body = parsed.json()
    assert body["unmatched"] == ["县营商办"]
    assert body["ready"] is False
    broken = {**body["plan"], "tasks": [{**body["plan"]["tasks"][0], "deadline": "下月"}]}
    bad = client.post("/api/v1/ledgers", json={"plan": broken, "supervisor": "YSB"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["field"] == "plan"
    missing = client.post("/api/v1/ledgers", json={"plan": body["plan"], "supervisor": "YSB"}, headers=headers)
    assert missing.status_code == 422
    assert missing.json()["field"] == "map"
    made = client.post(
        "/api/v1/ledgers",
        json={"plan": body["plan"], "supervisor": "YSB", "mapping": {"县营商办": "YSB"}},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["task_count"] == 6
    rows = client.get("/api/v1/ledgers/1/tasks").json()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[1]["deadline"] == "长期坚持"
    lead, _ = logged_in(app, "approver")
    lead_token = csrf_of(lead.get("/ledger").text)
    assert [r["seq"] for r in lead.get("/api/v1/ledgers/1/tasks").json()] == [1]
    filed = lead.post(
        f"/api/v1/ledger/tasks/{rows[0]['number']}/reports",
        json={"text": "进展", "percent": 30},
        headers={"X-CSRF-Token": lead_token},
    )
    assert filed.status_code == 200, filed.text
    task = filed.json()
    assert (task["progress_percent"], task["targets"][0]["metric"]) == (30, "企业开办时间")
    assert lead.get(f"/api/v1/ledger/tasks/{rows[1]['number']}").status_code == 404
    assert client.get("/api/v1/ledgers/1/tasks?state=bad").status_code == 422


@pytest.mark.parametrize("name", ["plan.doc", "empty.txt"])
def test_bad_uploads(app: FastAPI, county: County, name: str) -> None:
    client, token = logged_in(app, "supervisor")
    data = b"" if name == "empty.txt" else PLAN
    page = client.post("/ledger/import", data={"csrf_token": token}, files={"file": (name, data)})
    assert page.status_code == 422
    assert 'id="import-error"' in page.text
