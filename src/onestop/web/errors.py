"""Every 4xx answers in Chinese and names the field: JSON under /api (and /open311), an HTML page elsewhere.

Domain errors (``onestop.cases.errors.DomainError``, ``onestop.org.errors.OrgError``, ``InvalidChoice``,
``AccessDenied``, login errors) all carry ``status``, ``code``, ``message`` and ``field``; they are answered as
they are. FastAPI's request validation is re-worded per field (``validation_messages``). Nothing a client
sends may produce a 500: an unexpected exception is logged (masked) and answered with a generic message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from onestop.access import AccessDenied
from onestop.actions.intake import FormInvalid
from onestop.auth.sessions import LoginError
from onestop.cases.errors import DomainError
from onestop.choices import InvalidChoice
from onestop.org.errors import OrgError

log = logging.getLogger("onestop.web")

JSON_PREFIXES = ("/api/", "/open311/")

# Chinese names of request fields, for messages such as 「用户名」不能为空.
FIELD_LABELS: dict[str, str] = {
    "username": "用户名",
    "password": "密码",
    "display_name": "姓名",
    "unit_id": "所属单位",
    "roles": "角色",
    "active": "账号状态",
    "phone": "联系电话",
    "expected_version": "版本号",
    "data": "办理数据",
    "values": "表单内容",
    "number": "办件编号",
    "code": "查询码",
    "kind": "办件类型",
    "state": "状态",
    "colour": "时限状态",
    "due_before": "到期日（止）",
    "due_after": "到期日（起）",
    "page": "页码",
    "per_page": "每页条数",
    "mine": "仅看待我办理",
    "q": "搜索关键词",
    "name": "名称",
    "parent_id": "上级单位",
    "region_code": "行政区划代码",
    "duties": "职责",
    "user_id": "用户",
    "token_id": "令牌",
    "expires_at": "过期时间",
    "limit": "条数",
    "action": "操作",
    "form": "表单",
    "body": "请求体",
    "Authorization": "认证信息",
}


class FieldError(BaseModel):
    field: str | None = Field(description="出错的字段（点分路径）")
    message: str = Field(description="中文说明")


class ErrorBody(BaseModel):
    """Every error response of the API."""

    error: str = Field(description="错误代码（英文，稳定）", examples=["not_found"])
    message: str = Field(description="中文说明，可直接展示给用户")
    field: str | None = Field(default=None, description="出错的字段")
    errors: list[FieldError] = Field(default_factory=list, description="逐字段的错误（校验失败时）")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "请求格式错误"),
        (401, "未登录或令牌无效"),
        (403, "无权操作或 CSRF 校验失败"),
        (404, "不存在或无权查看"),
        (409, "状态冲突或版本过期"),
        (422, "字段校验失败"),
        (429, "尝试过于频繁"),
    )
}


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(JSON_PREFIXES) or path == "/healthz":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def label(name: str | None) -> str:
    if not name:
        return "请求"
    return FIELD_LABELS.get(name, name)


def _ctx(error: Mapping[str, Any], key: str) -> Any:
    return (error.get("ctx") or {}).get(key)


def _problem(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    match kind:
        case "missing":
            return "为必填项"
        case "string_too_short":
            return "不能为空" if _ctx(error, "min_length") == 1 else f"至少 {_ctx(error, 'min_length')} 个字符"
        case "string_too_long":
            return f"不能超过 {_ctx(error, 'max_length')} 个字符"
        case "string_type" | "string_sub_type":
            return "应为文本"
        case "string_pattern_mismatch":
            return "格式不正确"
        case "string_unicode":
            return "含有无效字符"
        case "int_parsing" | "int_type" | "int_from_float" | "int_parsing_size":
            return "应为整数"
        case "float_parsing" | "float_type" | "decimal_parsing" | "finite_number":
            return "应为数字"
        case "bool_parsing" | "bool_type":
            return "应为 true 或 false"
        case "greater_than_equal":
            return f"不能小于 {_ctx(error, 'ge')}"
        case "greater_than":
            return f"须大于 {_ctx(error, 'gt')}"
        case "less_than_equal":
            return f"不能大于 {_ctx(error, 'le')}"
        case "less_than":
            return f"须小于 {_ctx(error, 'lt')}"
        case "literal_error" | "enum":
            return f"取值无效，可选：{_ctx(error, 'expected')}"
        case "date_parsing" | "date_type" | "date_from_datetime_parsing" | "date_from_datetime_inexact":
            return "应为日期，格式 YYYY-MM-DD"
        case "datetime_parsing" | "datetime_type" | "datetime_from_date_parsing" | "timezone_aware":
            return "应为带时区的时间，格式如 2026-03-01T09:00:00+08:00"
        case "dict_type" | "model_type" | "model_attributes_type" | "mapping_type":
            return "应为 JSON 对象"
        case "list_type" | "tuple_type" | "set_type" | "iterable_type":
            return "应为列表"
        case "too_short":
            return f"至少需要 {_ctx(error, 'min_length')} 项"
        case "too_long":
            return f"最多 {_ctx(error, 'max_length')} 项"
        case "extra_forbidden":
            return "是不允许的字段"
        case "json_invalid":
            return f"不是有效的 JSON（{_ctx(error, 'error') or '格式错误'}）"
        case "json_type":
            return "应为 JSON 文本"
        case "value_error" | "assertion_error":
            message = str(error.get("msg", ""))
            return "：" + message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        case "none_required":
            return "必须为空"
        case "bytes_type" | "bytes_too_long" | "bytes_too_short":
            return "内容不符合要求"
        case _:
            return "取值无效"


def _field_of(loc: Sequence[Any]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(parts) or None


def validation_messages(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    out: list[FieldError] = []
    for error in errors:
        field = _field_of(error.get("loc", ()))
        kind = str(error.get("type", ""))
        if kind == "json_invalid":
            out.append(FieldError(field="body", message="请求体" + _problem(error)))
            continue
        if field is None and kind == "missing":
            out.append(FieldError(field="body", message="请求体不能为空，应为 JSON 对象"))
            continue
        name = field.split(".")[-1] if field else None
        if name is not None and name.isdigit() and field is not None and "." in field:
            name = field.split(".")[-2]
        subject = label(name) if field else "请求体"
        out.append(FieldError(field=field, message=f"「{subject}」{_problem(error)}"))
    return out or [FieldError(field=None, message="请求内容不正确")]


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = ErrorBody(error=code, message=message, field=field, errors=list(errors))
    if wants_json(request):
        return JSONResponse(status_code=status, content=body.model_dump(), headers=dict(headers or {}))
    from onestop.web.render import render_error

    return render_error(request, status, body, headers=headers)


def install(app: FastAPI) -> None:
    async def domain(request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status", 422))
        code = str(getattr(exc, "code", "error"))
        message = str(getattr(exc, "message", str(exc)))
        field = getattr(exc, "field", None)
        errors: list[FieldError] = []
        if isinstance(exc, FormInvalid):
            errors = [FieldError(field=name, message=text) for name, text in exc.errors.items()]
        if status == 401 and not wants_json(request):
            # A page that needs a login sends the browser to the login form and back.
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return error_response(request, status, code, message, field=field, errors=errors, headers=headers)

    for exc_type in (DomainError, OrgError, InvalidChoice, AccessDenied, LoginError):
        app.add_exception_handler(exc_type, domain)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = validation_messages(exc.errors())
        first = errors[0]
        return error_response(request, 422, "validation_error", first.message, field=first.field, errors=errors)

    app.add_exception_handler(RequestValidationError, invalid)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = {
            400: "请求格式错误",
            401: "请先登录",
            403: "无权访问",
            404: "接口不存在" if wants_json(request) else "页面不存在",
            405: f"不支持 {request.method} 请求",
            413: "请求内容过大",
            415: "不支持的内容类型",
        }.get(status, "请求无法处理")
        if isinstance(exc.detail, str) and exc.detail and not exc.detail.isascii():
            message = exc.detail
        return error_response(request, status, f"http_{status}", message, headers=exc.headers)

    app.add_exception_handler(StarletteHTTPException, http_error)

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal_error", "服务器内部错误，已记录，请稍后重试")

    app.add_exception_handler(Exception, crash)
