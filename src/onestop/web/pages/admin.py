"""系统管理: units, users and roles, API tokens, the calendar (read-only), audit logs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.access import access_admin
from onestop.actions import accounts
from onestop.auth import api_tokens, audit
from onestop.cases.errors import DomainError, NotFound
from onestop.choices import InvalidChoice
from onestop.db.engine import read
from onestop.org.errors import OrgError
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User
from onestop.web import reads
from onestop.web.calendar_view import calendar_info
from onestop.web.deps import Principal, PrincipalDep, client_ip
from onestop.web.pages.common import FormDep, StateDep, checked_form, opt_date, opt_int, page_actor, redirect, value
from onestop.web.render import render
from onestop.web.state import WebState
from onestop.web.validators import INT_MAX
from onestop.worktime import TZ

router = APIRouter(prefix="/admin")

ObjectId = Annotated[int, Path(ge=1, le=INT_MAX)]
ASSIGNABLE_ROLES = [r for r in Role if r is not Role.SYSTEM]
Problem = DomainError | OrgError | InvalidChoice


def _admin(principal: Principal) -> User:
    access_admin(page_actor(principal))
    assert principal.user is not None
    return principal.user


@router.get("")
def index(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    _admin(principal)
    with read(state.rt.engine) as conn:
        users = reads.list_users(conn, state.units.get())
        entries = audit.recent_entries(conn, limit=10)
    return render(
        request,
        "admin/index.html",
        {
            "units": len(state.units.get()),
            "users": len(users),
            "locked": [u for u in users if u.locked_until and u.locked_until > state.rt.now()],
            "entries": entries,
        },
    )


# -- units -----------------------------------------------------------------------------------------------


def _units_page(
    request: Request,
    state: WebState,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    tree = state.units.get()
    with read(state.rt.engine) as conn:
        cases_by_unit = reads.unit_case_counts(conn)
        users_by_unit = reads.unit_user_counts(conn)
    rows = [(u, len(tree.ancestors(u.id)), tree.region_of(u.id)) for u in tree]
    return render(
        request,
        "admin/units.html",
        {
            "rows": rows,
            "kinds": list(UnitKind),
            "cases_by_unit": cases_by_unit,
            "users_by_unit": users_by_unit,
            "errors": errors or {},
            "form": form or {},
            "error": next(iter((errors or {}).values()), None),
        },
        status_code=status,
    )


@router.get("/units")
def units_page(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    _admin(principal)
    return _units_page(request, state)


@router.post("/units")
def create_unit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    fields = {
        name: value(form, name, max_length=1000)
        for name in ("code", "name", "kind", "parent_id", "region_code", "duties")
    }
    try:
        unit = Unit(
            0,
            fields["code"],
            fields["name"],
            UnitKind.parse(fields["kind"] or "", field="kind"),
            opt_int(fields["parent_id"], "parent_id", "上级单位"),
            fields["region_code"] or None,
            fields["duties"],
        )
        created = accounts.create_unit(state.rt, unit, by=admin, ip=client_ip(request))
    except (DomainError, OrgError, InvalidChoice) as exc:
        return _units_page(request, state, errors={exc.field or "code": exc.message}, form=fields, status=exc.status)
    state.units.invalidate()
    return redirect(f"/admin/units?created={created.code}")


# -- users -----------------------------------------------------------------------------------------------


def _users_page(
    request: Request,
    state: WebState,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, object] | None = None,
    status: int = 200,
    q: str | None = None,
) -> Response:
    tree = state.units.get()
    with read(state.rt.engine) as conn:
        users = reads.list_users(conn, tree, q=q)
    return render(
        request,
        "admin/users.html",
        {
            "users": users,
            "units": list(tree),
            "all_roles": ASSIGNABLE_ROLES,
            "errors": errors or {},
            "form": form or {},
            "error": next(iter((errors or {}).values()), None),
            "q": q or "",
            "now": state.rt.now(),
        },
        status_code=status,
    )


@router.get("/users")
def users_page(request: Request, principal: PrincipalDep, state: StateDep, q: str | None = None) -> Response:
    _admin(principal)
    return _users_page(request, state, q=(q or "")[:64].replace("\x00", "") or None)


def _roles(form_roles: list[str]) -> frozenset[Role]:
    return frozenset(Role.parse(r, field="roles") for r in form_roles)


@router.post("/users")
def create_user(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    fields: dict[str, object] = {
        name: value(form, name, max_length=128) for name in ("username", "display_name", "unit_id", "phone")
    }
    roles = [r for r in form.getlist("roles") if isinstance(r, str)]
    fields["roles"] = roles
    password = value(form, "password", max_length=128)
    try:
        if not roles:
            raise DomainError("请至少选择一个「角色」", field="roles", code="validation_error")
        user = User(
            0,
            str(fields["username"]),
            str(fields["display_name"]),
            opt_int(str(fields["unit_id"]), "unit_id", "所属单位"),
            _roles(roles),
        )
        created = accounts.create_account(
            state.rt, user, password, phone=str(fields["phone"]) or None, by=admin, ip=client_ip(request)
        )
    except (DomainError, OrgError, InvalidChoice) as exc:
        return _users_page(
            request, state, errors={exc.field or "username": exc.message}, form=fields, status=exc.status
        )
    return redirect(f"/admin/users/{created.id}?created=1")


def _user_page(
    request: Request,
    state: WebState,
    user_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
    new_token: str | None = None,
) -> Response:
    tree = state.units.get()
    with read(state.rt.engine) as conn:
        row = reads.get_user(conn, tree, user_id)
        tokens = [t for t in api_tokens.list_tokens(conn) if t.user_id == user_id]
    if row is None:
        raise NotFound(f"用户 {user_id} 不存在", field="user_id")
    return render(
        request,
        "admin/user.html",
        {
            "u": row,
            "units": list(tree),
            "all_roles": ASSIGNABLE_ROLES,
            "tokens": tokens,
            "errors": errors or {},
            "error": next(iter((errors or {}).values()), None),
            "notice": notice,
            "new_token": new_token,
            "now": state.rt.now(),
        },
        status_code=status,
    )


NOTICES = {
    "created": "用户已创建",
    "saved": "已保存（该用户需重新登录）",
    "password": "密码已重置，该用户的全部会话已结束",
    "unlocked": "已解除锁定",
}


@router.get("/users/{user_id}")
def user_page(user_id: ObjectId, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    _admin(principal)
    notice = next((text for key, text in NOTICES.items() if key in request.query_params), None)
    return _user_page(request, state, user_id, notice=notice)


@router.post("/users/{user_id}")
def update_user(
    user_id: ObjectId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    roles = [r for r in form.getlist("roles") if isinstance(r, str)]
    try:
        if not roles:
            raise DomainError("请至少选择一个「角色」", field="roles", code="validation_error")
        accounts.update_account(
            state.rt,
            user_id,
            display_name=value(form, "display_name", max_length=100),
            unit_id=opt_int(value(form, "unit_id"), "unit_id", "所属单位"),
            roles=roles,
            active=value(form, "active") == "1",
            by=admin,
            ip=client_ip(request),
        )
    except NotFound:
        raise
    except (DomainError, OrgError, InvalidChoice) as exc:
        return _user_page(request, state, user_id, errors={exc.field or "roles": exc.message}, status=exc.status)
    return redirect(f"/admin/users/{user_id}?saved=1")


@router.post("/users/{user_id}/password")
def reset_password(
    user_id: ObjectId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    try:
        accounts.reset_password(
            state.rt, user_id, value(form, "password", max_length=128), by=admin, ip=client_ip(request)
        )
    except NotFound:
        raise
    except DomainError as exc:
        return _user_page(request, state, user_id, errors={"password": exc.message}, status=exc.status)
    return redirect(f"/admin/users/{user_id}?password=1")


@router.post("/users/{user_id}/unlock")
def unlock(user_id: ObjectId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    accounts.unlock(state.rt, user_id, by=admin, ip=client_ip(request))
    return redirect(f"/admin/users/{user_id}?unlocked=1")


@router.post("/users/{user_id}/tokens")
def create_token(
    user_id: ObjectId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    expires = None
    try:
        day = opt_date(value(form, "expires_on"), "expires_on", "过期日期")
        if day is not None:
            expires = datetime.combine(day + timedelta(days=1), time.min, TZ)
        plain, _ = accounts.issue_token(
            state.rt, user_id, value(form, "name", max_length=100), by=admin, ip=client_ip(request), expires_at=expires
        )
    except NotFound:
        raise
    except DomainError as exc:
        return _user_page(request, state, user_id, errors={exc.field or "name": exc.message}, status=exc.status)
    notice = "接口令牌已创建，请立即复制保存，离开本页后无法再次查看"
    return _user_page(request, state, user_id, notice=notice, new_token=plain, status=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    token_id: ObjectId, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    admin = _admin(principal)
    checked_form(request, form, principal)
    back = opt_int(value(form, "user_id"), "user_id", "用户")
    accounts.revoke_token(state.rt, token_id, by=admin, ip=client_ip(request))
    return redirect(f"/admin/users/{back}" if back else "/admin/users")


# -- calendar and audit ------------------------------------------------------------------------------------


@router.get("/calendar")
def calendar_page(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    _admin(principal)
    rt = state.rt
    with read(rt.engine) as conn:
        info = calendar_info(conn, rt.working_time(), rt.now().astimezone(TZ).date())
    return render(request, "admin/calendar.html", {"info": info})


@router.get("/audit")
def audit_page(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    _admin(principal)
    with read(state.rt.engine) as conn:
        entries = audit.recent_entries(conn, limit=200)
        views = audit.recent_pii_views(conn, limit=200)
    return render(request, "admin/audit.html", {"entries": entries, "views": views})
