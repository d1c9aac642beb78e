"""Login, sessions, CSRF, throttling and API tokens."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from web_helpers import PASSWORD, County, csrf_of, login

from onestop.actions import accounts
from onestop.actions.runtime import Runtime
from onestop.auth.crypto import digest
from onestop.auth.sessions import IDLE, LOCK, MAX_FAILED
from onestop.db.tables import audit_log, users, web_sessions
from tests.conftest import TravelClock


def _plant(client: TestClient, token: str) -> None:
    client.cookies.clear()
    host = client.base_url.host
    # http.cookiejar files cookies of dotless hosts under "<host>.local".
    client.cookies.set("onestop_session", token, domain=host if "." in host else f"{host}.local")


def _login_form(client: TestClient, username: str, password: str) -> object:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_login_sets_a_hardened_session_cookie_and_lands_on_the_role_home(client: TestClient) -> None:
    response = _login_form(client, "clerk", PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/workbench"  # type: ignore[attr-defined]
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("onestop_session="))  # type: ignore[attr-defined]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; https sets it (next test)
    assert client.get("/workbench").status_code == 200


def test_cookie_is_secure_behind_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://onestop.example") as client:
        response = _login_form(client, "clerk", PASSWORD)
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("onestop_session="))  # type: ignore[attr-defined]
        assert "Secure" in cookie


def test_roles_land_on_their_own_home(app: FastAPI) -> None:
    for username, home in (("admin", "/admin"), ("scj", "/workbench"), ("citizen", "/my")):
        with TestClient(app) as client:
            assert _login_form(client, username, PASSWORD).headers["location"] == home  # type: ignore[attr-defined]


def test_wrong_password_is_refused_in_chinese_naming_the_field(client: TestClient) -> None:
    response = _login_form(client, "clerk", "wrong-password-1")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "用户名或密码错误" in response.text  # type: ignore[attr-defined]
    assert 'id="err-password"' in response.text  # type: ignore[attr-defined]


def test_unknown_user_and_wrong_password_answer_alike(client: TestClient) -> None:
    a = _login_form(client, "nobody-here", "wrong-password-1")
    b = _login_form(client, "clerk", "wrong-password-1")
    assert a.status_code == b.status_code == 401  # type: ignore[attr-defined]
    assert "用户名或密码错误" in a.text  # type: ignore[attr-defined]


def test_session_fixation_a_planted_id_is_worthless_after_login(client: TestClient, db: Engine) -> None:
    # An attacker plants a session id of their own (a valid one, from their own login) in the victim's browser.
    attacker = TestClient(client.app)
    login(attacker, "citizen2")
    planted = attacker.cookies["onestop_session"]
    _plant(client, planted)
    _login_form(client, "clerk", PASSWORD)
    issued = client.cookies["onestop_session"]
    assert issued != planted
    # The planted id was deleted at login; it opens nothing any more, for anyone.
    with db.connect() as conn:
        assert conn.execute(sa.select(web_sessions).where(web_sessions.c.id_hash == digest(planted))).first() is None
    _plant(attacker, planted)
    assert attacker.get("/api/v1/me").status_code == 401


def test_session_ids_are_stored_only_as_hashes(client: TestClient, db: Engine) -> None:
    login(client, "clerk")
    token = client.cookies["onestop_session"]
    with db.connect() as conn:
        stored = conn.execute(sa.select(web_sessions.c.id_hash)).scalars().all()
    assert digest(token) in stored
    assert token not in stored


def test_logout_ends_the_session_server_side(client: TestClient) -> None:
    csrf = login(client, "clerk")
    token = client.cookies["onestop_session"]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    again = TestClient(client.app)
    _plant(again, token)
    assert again.get("/api/v1/me").status_code == 401
    assert again.get("/workbench", follow_redirects=False).headers["location"].startswith("/login")


def test_idle_session_expires(client: TestClient, clock: TravelClock) -> None:
    login(client, "clerk")
    clock.set(clock.current + IDLE + timedelta(minutes=1))
    assert client.get("/api/v1/me").status_code == 401


def test_account_locks_after_repeated_failures_and_unlocks_later(
    client: TestClient, clock: TravelClock, db: Engine
) -> None:
    for attempt in range(1, MAX_FAILED):
        response = _login_form(client, "scj", f"wrong-{attempt}-pass")
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert f"再错 {MAX_FAILED - attempt} 次" in response.text  # type: ignore[attr-defined]
    locked = _login_form(client, "scj", "wrong-last-pass")
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "账号已锁定" in locked.text  # type: ignore[attr-defined]
    # Even the right password is refused while locked: guessing cannot go on.
    assert _login_form(client, "scj", PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with db.connect() as conn:
        assert conn.execute(sa.select(users.c.locked_until).where(users.c.username == "scj")).scalar() is not None
        actions = conn.execute(sa.select(audit_log.c.action).where(audit_log.c.username == "scj")).scalars().all()
    assert "login_locked" in actions
    clock.set(clock.current + LOCK + timedelta(seconds=1))
    assert _login_form(client, "scj", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_one_address_spraying_many_accounts_is_throttled(client: TestClient) -> None:
    statuses = [_login_form(client, f"user{i}", "wrong-pass-1").status_code for i in range(21)]  # type: ignore[attr-defined]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    # The throttle holds for real accounts from that address too.
    blocked = _login_form(client, "clerk", PASSWORD)
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "登录失败次数过多" in blocked.text  # type: ignore[attr-defined]


def test_admin_unlocks_a_locked_account(client: TestClient, rt: Runtime, county: County) -> None:
    for attempt in range(MAX_FAILED):
        _login_form(client, "gaj", f"wrong-{attempt}-pass")
    accounts.unlock(rt, county.users["gaj"].id, by=county.users["admin"])
    assert _login_form(client, "gaj", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_disabled_account_cannot_log_in_and_loses_its_sessions(client: TestClient, rt: Runtime, county: County) -> None:
    login(client, "rsj")
    assert client.get("/api/v1/me").status_code == 200
    u = county.users["rsj"]
    accounts.update_account(
        rt, u.id, display_name=u.display_name, unit_id=u.unit_id, roles=u.roles, active=False, by=county.users["admin"]
    )
    assert client.get("/api/v1/me").status_code == 401
    response = _login_form(TestClient(client.app), "rsj", PASSWORD)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "已停用" in response.text  # type: ignore[attr-defined]


def test_changing_roles_ends_sessions(client: TestClient, rt: Runtime, county: County) -> None:
    login(client, "gjj")
    u = county.users["gjj"]
    accounts.update_account(
        rt,
        u.id,
        display_name=u.display_name,
        unit_id=u.unit_id,
        roles=["handler"],
        active=True,
        by=county.users["admin"],
    )
    assert client.get("/api/v1/me").status_code == 401
    login(client, "gjj")
    assert client.get("/api/v1/me").json()["roles"] == ["handler"]


def test_open_redirect_after_login_is_refused(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/x")
    response = client.post(
        "/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/workbench"
    page = client.get("/login?next=/cases/X")
    response = client.post(
        "/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/admin"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin"


def test_staff_pages_send_the_anonymous_to_login(client: TestClient) -> None:
    response = client.get("/workbench?scope=all", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/workbench%3Fscope%3Dall"


def test_public_registration_creates_an_account_that_sees_only_its_own(client: TestClient) -> None:
    page = client.get("/register")
    form = {
        "username": "wang.wu",
        "display_name": "王五",
        "phone": "13900139000",
        "password": "Wang-wu-2026",
        "password2": "Wang-wu-2026",
        "csrf_token": csrf_of(page.text),
    }
    response = client.post("/register", data=form, follow_redirects=False)
    assert response.status_code == 303
    me = client.get("/api/v1/me").json()
    assert me["roles"] == ["public"]
    assert client.get("/api/v1/cases").json()["total"] == 0
    # A second registration with the same name is refused, naming the field.
    other = TestClient(client.app)
    page = other.get("/register")
    again = other.post("/register", data={**form, "csrf_token": csrf_of(page.text)})
    assert again.status_code == 409
    assert "已被使用" in again.text


def test_weak_passwords_are_refused_with_the_reason(client: TestClient) -> None:
    page = client.get("/register")
    response = client.post(
        "/register",
        data={
            "username": "weak",
            "display_name": "弱密码",
            "password": "12345678",
            "password2": "12345678",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 422
    assert "至少两类" in response.text


# -- API tokens ------------------------------------------------------------------------------------------


def test_api_token_authenticates_integrations_and_is_exempt_from_csrf(
    client: TestClient, rt: Runtime, county: County, db: Engine
) -> None:
    plain, token_id = accounts.issue_token(rt, county.users["clerk"].id, "叫号系统", by=county.users["admin"])
    api = TestClient(client.app)
    headers = {"Authorization": f"Bearer {plain}"}
    me = api.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["auth"] == "token"
    assert me.json()["username"] == "clerk"
    pending = county.cases["pending"]
    response = api.post(
        f"/api/v1/cases/{pending.number}/actions/accept", json={"expected_version": pending.version}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "accepted"
    with db.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert plain not in stored
    assert digest(plain) in stored
    accounts.revoke_token(rt, token_id, by=county.users["admin"])
    revoked = api.get("/api/v1/me", headers=headers)
    assert revoked.status_code == 401
    assert revoked.json()["field"] == "Authorization"
    assert revoked.headers["www-authenticate"] == "Bearer"


def test_made_up_or_expired_tokens_are_refused(
    client: TestClient, rt: Runtime, county: County, clock: TravelClock
) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer os_made-up"}).status_code == 401
    plain, _ = accounts.issue_token(
        rt, county.users["operator"].id, "热线", by=county.users["admin"], expires_at=clock.current + timedelta(days=1)
    )
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    clock.set(clock.current + timedelta(days=2))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
