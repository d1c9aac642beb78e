"""登录、退出、注册。"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from onestop.actions.accounts import register_public
from onestop.auth import sessions
from onestop.auth.sessions import LoginError
from onestop.cases.errors import DomainError
from onestop.org.errors import OrgError
from onestop.web.deps import SESSION_COOKIE, PrincipalDep, client_ip
from onestop.web.pages.common import (
    FormDep,
    StateDep,
    checked_form,
    clear_session_cookie,
    home_for,
    redirect,
    safe_next,
    set_session_cookie,
    value,
)
from onestop.web.render import render

router = APIRouter()


@router.get("/")
def home(principal: PrincipalDep) -> Response:
    return redirect(home_for(principal.user))


@router.get("/login")
def login_page(request: Request, principal: PrincipalDep, next: str | None = None) -> Response:
    if principal.actor is not None and next is None:
        return redirect(home_for(principal.user))
    return render(request, "login.html", {"next": safe_next(next) or "", "bye": "bye" in request.query_params})


@router.post("/login")
def login_submit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    username = value(form, "username", max_length=64)
    password = value(form, "password", max_length=128)
    target = safe_next(value(form, "next", max_length=500))
    errors = {}
    if not username:
        errors["username"] = "请填写「用户名」"
    if not password:
        errors["password"] = "请填写「密码」"
    if errors:
        return render(
            request,
            "login.html",
            {"errors": errors, "error": next(iter(errors.values())), "username": username, "next": target or ""},
            status_code=422,
        )
    try:
        result = sessions.login(
            state.rt,
            username,
            password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            previous_token=request.cookies.get(SESSION_COOKIE),
        )
    except LoginError as exc:
        return render(
            request,
            "login.html",
            {
                "error": exc.message,
                "errors": {exc.field: exc.message} if exc.field else {},
                "username": username,
                "next": target or "",
            },
            status_code=exc.status,
        )
    response = redirect(target or home_for(result.session.user))
    set_session_cookie(response, request, result.token)
    return response


@router.post("/logout")
def logout(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    if principal.session_token:
        sessions.logout(state.rt, principal.session_token, ip=client_ip(request))
    response = redirect("/login?bye=1")
    clear_session_cookie(response, request)
    return response


@router.get("/register")
def register_page(request: Request, principal: PrincipalDep) -> Response:
    if principal.actor is not None:
        return redirect(home_for(principal.user))
    return render(request, "register.html", {"values": {}})


@router.post("/register")
def register_submit(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    fields = {
        "username": value(form, "username", max_length=64),
        "display_name": value(form, "display_name", max_length=100),
        "phone": value(form, "phone", max_length=32),
    }
    password = value(form, "password", max_length=128)
    errors: dict[str, str] = {}
    for name, label in (("username", "用户名"), ("display_name", "姓名")):
        if not fields[name]:
            errors[name] = f"请填写「{label}」"
    if password != value(form, "password2", max_length=128):
        errors["password2"] = "两次输入的密码不一致"
    if not errors:
        try:
            user = register_public(
                state.rt,
                username=fields["username"],
                display_name=fields["display_name"],
                password=password,
                phone=fields["phone"] or None,
                ip=client_ip(request),
            )
        except (DomainError, OrgError) as exc:
            errors[exc.field or "username"] = exc.message
            status = exc.status
        else:
            result = sessions.login(
                state.rt,
                user.username,
                password,
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent"),
                previous_token=request.cookies.get(SESSION_COOKIE),
            )
            response = redirect("/my?welcome=1")
            set_session_cookie(response, request, result.token)
            return response
    else:
        status = 422
    return render(
        request,
        "register.html",
        {"values": fields, "errors": errors, "error": next(iter(errors.values()))},
        status_code=status,
    )
