"""Administration: units, users and roles, tokens, the calendar (read-only) and the audit logs."""

from __future__ import annotations

import re
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, County, csrf_of, logged_in, login

from onestop.actions.calendar import REGION_CODE, REGIONAL_HOLIDAYS, set_calendar_setting
from onestop.actions.runtime import Runtime
from onestop.worktime import RegionalHolidays


def test_admin_creates_a_unit_in_the_tree(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "admin")
    form = {"code": "XZSP", "name": "和平县行政审批局", "kind": "department", "parent_id": str(county.units["HPX"].id)}
    response = client.post("/admin/units", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/admin/units").text
    assert "和平县行政审批局" in page
    duplicate = client.post("/admin/units", data={**form, "csrf_token": csrf})
    assert duplicate.status_code == 422
    assert "单位代码“XZSP”重复" in duplicate.text
    region = client.post(
        "/admin/units", data={"code": "LX", "name": "龙溪镇", "kind": "region", "parent_id": "", "csrf_token": csrf}
    )
    assert region.status_code == 422
    assert "须填写行政区划代码" in region.text
    api = client.post(
        "/api/v1/admin/units",
        json={"code": "SJJ", "name": "和平县数据局", "kind": "department", "parent_id": county.units["HPX"].id},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 201
    assert api.json()["depth"] == 1
    # The new unit shows up in the workbench's filter at once (the unit cache was refreshed).
    assert "和平县数据局" in client.get("/workbench").text


def test_admin_creates_a_user_with_roles_who_can_then_work(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "admin")
    form = {
        "username": "liuyang",
        "display_name": "住建局审批员 刘洋",
        "unit_id": str(county.units["ZJJ"].id),
        "roles": "approver",
        "password": "Liu-yang-2026",
        "csrf_token": csrf,
    }
    created = client.post("/admin/users", data=form, follow_redirects=False)
    assert created.status_code == 303
    assert "用户已创建" in client.get(created.headers["location"]).text
    worker = TestClient(app)
    login(worker, "liuyang", "Liu-yang-2026")
    assert worker.get("/api/v1/me").json()["unit"]["code"] == "ZJJ"
    # Staff roles need a unit; the message names the field.
    no_unit = client.post("/admin/users", data={**form, "username": "nounit", "unit_id": ""})
    assert no_unit.status_code == 422
    assert "须属于一个单位" in no_unit.text
    no_role = client.post("/admin/users", data={k: v for k, v in form.items() if k != "roles"} | {"username": "x2"})
    assert no_role.status_code == 422
    assert "请至少选择一个「角色」" in no_role.text


def test_admin_changes_roles_resets_passwords_and_issues_tokens(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "admin")
    target = county.users["swj"]
    saved = client.post(
        f"/admin/users/{target.id}",
        data={
            "display_name": target.display_name,
            "unit_id": str(target.unit_id),
            "roles": ["approver", "supervisor"],
            "active": "1",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert client.get(f"/api/v1/admin/users/{target.id}").json()["roles"] == ["approver", "supervisor"]
    weak = client.post(f"/admin/users/{target.id}/password", data={"password": "short", "csrf_token": csrf})
    assert weak.status_code == 422
    assert "至少 8 个字符" in weak.text
    reset = client.post(
        f"/admin/users/{target.id}/password",
        data={"password": "Brand-new-2026", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    relogin = TestClient(app)
    login(relogin, "swj", "Brand-new-2026")
    token_page = client.post(f"/admin/users/{target.id}/tokens", data={"name": "税务对接", "csrf_token": csrf})
    assert token_page.status_code == 201
    token = re.search(r'id="new-token">(os_[^<]+)<', token_page.text).group(1)  # type: ignore[union-attr]
    assert TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "swj"
    # Shown once: the user page afterwards lists it by prefix only.
    assert token not in client.get(f"/admin/users/{target.id}").text


def test_admin_cannot_lock_themself_out(app: FastAPI, county: County) -> None:
    client, csrf = logged_in(app, "admin")
    admin = county.users["admin"]
    response = client.put(
        f"/api/v1/admin/users/{admin.id}",
        json={"display_name": admin.display_name, "unit_id": None, "roles": ["public"], "active": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    assert response.json()["message"] == "不能取消自己的管理员角色或停用自己的账号"


def test_calendar_page_shows_years_regional_holidays_office_hours_and_the_command(app: FastAPI, rt: Runtime) -> None:
    regional = RegionalHolidays().with_year("65", 2026, {date(2026, 3, 20): "肉孜节"}, name="新疆维吾尔自治区")
    set_calendar_setting(rt, REGIONAL_HOLIDAYS, regional.to_mapping())
    set_calendar_setting(rt, REGION_CODE, "650102")
    client, _ = logged_in(app, "admin")
    page = client.get("/admin/calendar").text
    assert "onestop calendar import FILE.json" in page
    assert "09:00-12:00,13:30-17:30" in page
    assert "肉孜节" in page
    assert "新疆维吾尔自治区" in page
    assert "650102" in page
    assert re.search(r"<td data-label=\"年份\">2026</td><td data-label=\"来源\">内置", page)
    api = client.get("/api/v1/admin/calendar").json()
    assert api["region_code"] == "650102"
    assert api["regional"]["65"]["2026"] == {"2026-03-20": "肉孜节"}
    assert 2007 in [y["year"] for y in api["years"]]


def test_audit_page_lists_logins_and_pii_views(app: FastAPI, county: County) -> None:
    clerk, csrf = logged_in(app, "window_clerk")
    clerk.post(f"/cases/{county.cases['own'].number}/pii", data={"csrf_token": csrf})
    failed = TestClient(app)
    token = csrf_of(failed.get("/login").text)
    failed.post("/login", data={"username": "clerk", "password": "wrong-pass-1", "csrf_token": token})
    admin, _ = logged_in(app, "admin")
    page = admin.get("/admin/audit").text
    assert "登录失败" in page
    assert county.cases["own"].number in page
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit").json()]
    assert {"login", "login_failed"} <= set(actions)
    views = admin.get("/api/v1/admin/pii-log").json()
    assert views[0]["username"] == "clerk"
    assert PASSWORD not in page
