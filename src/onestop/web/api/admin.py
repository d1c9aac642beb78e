"""Administration: accounts and roles, units, API tokens, the calendar (read-only), the audit logs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from onestop.access import access_admin
from onestop.actions import accounts
from onestop.auth import api_tokens, audit
from onestop.cases.errors import NotFound
from onestop.db.engine import read
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User
from onestop.web import reads, schemas
from onestop.web.api.convert import units, user
from onestop.web.calendar_view import calendar_info
from onestop.web.deps import ApiPrincipal, Principal, client_ip, require_actor
from onestop.web.state import WebState, web_state
from onestop.web.validators import INT_MAX, SafeStr
from onestop.worktime import TZ

router = APIRouter(prefix="/admin", tags=["系统管理"])

StateDep = Annotated[WebState, Depends(web_state)]
ObjectId = Annotated[int, Path(ge=1, le=INT_MAX)]


def _admin(principal: Principal) -> User:
    access_admin(require_actor(principal))
    assert principal.user is not None
    return principal.user


@router.get("/users", summary="用户列表", response_model=list[schemas.UserOut])
def list_users(
    principal: ApiPrincipal, state: StateDep, q: Annotated[SafeStr | None, Query(max_length=64)] = None
) -> list[schemas.UserOut]:
    _admin(principal)
    with read(state.rt.engine) as conn:
        return [user(u) for u in reads.list_users(conn, state.units.get(), q=q)]


@router.post("/users", summary="创建用户并分配角色", response_model=schemas.UserOut, status_code=201)
def create_user(
    body: schemas.UserCreate, request: Request, principal: ApiPrincipal, state: StateDep
) -> schemas.UserOut:
    admin = _admin(principal)
    new = User(0, body.username, body.display_name, body.unit_id, frozenset(Role(r) for r in body.roles))
    created = accounts.create_account(state.rt, new, body.password, phone=body.phone, by=admin, ip=client_ip(request))
    return _user(state, created.id)


def _user(state: WebState, user_id: int) -> schemas.UserOut:
    with read(state.rt.engine) as conn:
        row = reads.get_user(conn, state.units.get(), user_id)
    if row is None:
        raise NotFound(f"用户 {user_id} 不存在", field="user_id")
    return user(row)


@router.get("/users/{user_id}", summary="用户详情", response_model=schemas.UserOut)
def get_user(user_id: ObjectId, principal: ApiPrincipal, state: StateDep) -> schemas.UserOut:
    _admin(principal)
    return _user(state, user_id)


@router.put("/users/{user_id}", summary="修改姓名、单位、角色、状态", response_model=schemas.UserOut)
def update_user(
    user_id: ObjectId, body: schemas.UserUpdate, request: Request, principal: ApiPrincipal, state: StateDep
) -> schemas.UserOut:
    admin = _admin(principal)
    accounts.update_account(
        state.rt,
        user_id,
        display_name=body.display_name,
        unit_id=body.unit_id,
        roles=body.roles,
        active=body.active,
        by=admin,
        ip=client_ip(request),
    )
    return _user(state, user_id)


@router.post("/users/{user_id}/password", summary="重置密码（结束该用户全部会话）", status_code=204)
def reset_password(
    user_id: ObjectId, body: schemas.PasswordReset, request: Request, principal: ApiPrincipal, state: StateDep
) -> Response:
    admin = _admin(principal)
    accounts.reset_password(state.rt, user_id, body.password, by=admin, ip=client_ip(request))
    return Response(status_code=204)


@router.post("/users/{user_id}/unlock", summary="解除登录锁定", status_code=204)
def unlock(user_id: ObjectId, request: Request, principal: ApiPrincipal, state: StateDep) -> Response:
    admin = _admin(principal)
    accounts.unlock(state.rt, user_id, by=admin, ip=client_ip(request))
    return Response(status_code=204)


@router.get("/units", summary="单位树", response_model=list[schemas.UnitOut])
def list_units(principal: ApiPrincipal, state: StateDep) -> list[schemas.UnitOut]:
    _admin(principal)
    return units(state.units.get())


@router.post("/units", summary="新建单位", response_model=schemas.UnitOut, status_code=201)
def create_unit(
    body: schemas.UnitCreate, request: Request, principal: ApiPrincipal, state: StateDep
) -> schemas.UnitOut:
    admin = _admin(principal)
    unit = Unit(0, body.code, body.name, UnitKind(body.kind), body.parent_id, body.region_code or None, body.duties)
    created = accounts.create_unit(state.rt, unit, by=admin, ip=client_ip(request))
    state.units.invalidate()
    return next(u for u in units(state.units.get()) if u.id == created.id)


@router.get("/tokens", summary="接口令牌", response_model=list[schemas.TokenOut])
def list_tokens(principal: ApiPrincipal, state: StateDep) -> list[schemas.TokenOut]:
    _admin(principal)
    with read(state.rt.engine) as conn:
        return [schemas.TokenOut(**t.__dict__) for t in api_tokens.list_tokens(conn)]


@router.post(
    "/tokens", summary="为系统对接账号创建接口令牌（仅显示一次）", response_model=schemas.TokenCreated, status_code=201
)
def create_token(
    body: schemas.TokenCreate, request: Request, principal: ApiPrincipal, state: StateDep
) -> schemas.TokenCreated:
    admin = _admin(principal)
    expires = None
    if body.expires_on is not None:
        expires = datetime.combine(body.expires_on + timedelta(days=1), time.min, TZ)
    plain, token_id = accounts.issue_token(
        state.rt, body.user_id, body.name, by=admin, ip=client_ip(request), expires_at=expires
    )
    return schemas.TokenCreated(id=token_id, token=plain)


@router.delete("/tokens/{token_id}", summary="吊销接口令牌", status_code=204)
def revoke_token(token_id: ObjectId, request: Request, principal: ApiPrincipal, state: StateDep) -> Response:
    admin = _admin(principal)
    accounts.revoke_token(state.rt, token_id, by=admin, ip=client_ip(request))
    return Response(status_code=204)


@router.get("/calendar", summary="工作日历（只读）", response_model=schemas.CalendarOut)
def calendar(principal: ApiPrincipal, state: StateDep) -> schemas.CalendarOut:
    _admin(principal)
    rt = state.rt
    with read(rt.engine) as conn:
        info = calendar_info(conn, rt.working_time(), rt.now().astimezone(TZ).date())
    regional: dict[str, dict[str, dict[str, str]]] = {}
    for ry in info.regional:
        regional.setdefault(ry.prefix, {})[str(ry.year)] = {
            d.day.isoformat(): d.name + ("（调休上班）" if d.workday else "") for d in ry.days
        }
    return schemas.CalendarOut(
        years=[
            schemas.CalendarYear(
                year=y.year, source=y.source, off_days=y.off_days, work_days=y.work_days, holidays=y.holidays
            )
            for y in info.years
        ],
        provisional_through=info.provisional_through,
        region_code=info.region_code,
        office_hours=info.office_hours,
        day_minutes=info.day_minutes,
        closures={d.isoformat(): name for d, name in info.closures},
        regional=regional,
        import_command=info.import_command,
    )


@router.get("/audit", summary="安全审计日志", response_model=list[schemas.AuditOut])
def audit_log(
    principal: ApiPrincipal,
    state: StateDep,
    action: Annotated[SafeStr | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[schemas.AuditOut]:
    _admin(principal)
    with read(state.rt.engine) as conn:
        return [schemas.AuditOut(**e.__dict__) for e in audit.recent_entries(conn, limit=limit, action=action)]


@router.get("/pii-log", summary="个人信息查看记录", response_model=list[schemas.PiiViewOut])
def pii_log(
    principal: ApiPrincipal,
    state: StateDep,
    number: Annotated[SafeStr | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[schemas.PiiViewOut]:
    _admin(principal)
    with read(state.rt.engine) as conn:
        return [
            schemas.PiiViewOut(at=v.at, username=v.username, case_number=v.case_number, fields=list(v.fields), ip=v.ip)
            for v in audit.recent_pii_views(conn, limit=limit, case_number=number)
        ]
