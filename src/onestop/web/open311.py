"""Open311 GeoReport v2 under /open311/v2: the hotline for third-party clients (citizen apps, bots).

* ``discovery``, ``services`` (our request categories: 咨询, 求助, 投诉 …), ``services/{code}`` (the one
  attribute: anonymity), ``requests`` (GET with the spec's filters; POST with an ``api_key`` — one of our
  API tokens), ``requests/{id}`` and ``tokens/{id}`` (requests are created synchronously: the token is the
  request number). Each in JSON and XML, chosen by the ``.json``/``.xml`` suffix (JSON without one).
* Status: ``closed`` once the request's state is terminal (已办结, 不予受理), else ``open``;
  ``expected_datetime`` is the clock's due instant; ``agency_responsible`` the lead unit.
* Errors are the spec's ``[{"code", "description"}]`` (``<errors><error>`` in XML), never the platform's own
  error body, since Open311 clients parse these. Descriptions are Chinese, like every message of ours.
* Requests are public here, as the spec intends: no name, phone or ID number; digits in texts masked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.engine import RowMapping
from starlette.concurrency import run_in_threadpool

from onestop.actions import hotline as hl
from onestop.auth import api_tokens
from onestop.cases.case import Case
from onestop.cases.kinds import get_kind
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import cases, hotline_requests
from onestop.errors import DomainError
from onestop.hotline.intake import RequestInvalid
from onestop.hotline.kinds import REQUEST, Category, Channel
from onestop.org.masking import mask_text
from onestop.web.state import WebState
from onestop.worktime import TZ

PREFIX = "/open311/v2"
SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
GROUP = "12345 政务服务便民热线"
KEYWORDS = {
    "consult": "政策,办事指南,咨询",
    "help": "求助,困难,帮扶",
    "complaint": "投诉,扰民,服务态度",
    "report": "举报,违法,违规",
    "suggestion": "建议,意见",
    "praise": "表扬,感谢",
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- formats -------------------------------------------------------------------------------------------------


def _split(name: str | None) -> tuple[str, str]:
    """``"RX1.xml"`` → (``"RX1"``, ``"xml"``); no suffix → JSON."""
    if name is None:
        return "", "json"
    for fmt in ("json", "xml"):
        if name.endswith("." + fmt):
            return name[: -len(fmt) - 1], fmt
    return name, "json"


def _fmt(raw: str | None) -> str:
    if raw in (None, "json", "xml"):
        return raw or "json"
    raise Open311Error(404, f"不支持的格式「{raw}」：仅支持 json 和 xml")


def _xml_value(parent: ET.Element, key: str, value: object) -> None:
    child = ET.SubElement(parent, key)
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(value)


def _to_xml(root: str, item: str | None, data: Any) -> bytes:
    top = ET.Element(root)
    items = data if isinstance(data, list) else [data]
    for entry in items:
        parent = ET.SubElement(top, item) if item else top
        _fill(parent, entry)
    body: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


_LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _fill(parent: ET.Element, entry: Mapping[str, Any]) -> None:
    for key, value in entry.items():
        if isinstance(value, list):
            holder = ET.SubElement(parent, key)
            for v in value:
                if isinstance(v, Mapping):
                    _fill(ET.SubElement(holder, _LIST_ITEMS.get(key, "item")), v)
                else:
                    _xml_value(holder, _LIST_ITEMS.get(key, "item"), v)
        else:
            _xml_value(parent, key, value)


def _respond(fmt: str, data: Any, *, root: str, item: str | None, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(_to_xml(root, item, data), status_code=status, media_type="text/xml; charset=utf-8")
    return Response(
        json.dumps(data, ensure_ascii=False).encode(), status_code=status, media_type="application/json; charset=utf-8"
    )


def _error(fmt: str, status: int, description: str) -> Response:
    return _respond(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)


async def _guarded(fmt_raw: str | None, work: Any) -> Response:
    fmt = fmt_raw if fmt_raw in ("json", "xml") else "json"
    try:
        _fmt(fmt_raw)
        result: Response = await run_in_threadpool(work, fmt)
        return result
    except Open311Error as exc:
        return _error(fmt, exc.status, exc.description)
    except RequestInvalid as exc:
        return _error(fmt, 400, "；".join(f"{k}：{v}" for k, v in exc.errors.items()))
    except DomainError as exc:
        status = exc.status if exc.status in (400, 401, 403, 404, 409) else 400
        return _error(fmt, status, exc.message)


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


# -- discovery and services ----------------------------------------------------------------------------------


def _discovery(base: str) -> dict[str, Any]:
    return {
        "changeset": "2026-11-22T00:00:00+08:00",
        "contact": "12345 政务服务便民热线",
        "key_service": "向系统管理员申请接口令牌（api_key）",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-11-22T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


@router.get("/discovery.{fmt}")
@router.get("/discovery")
async def discovery(request: Request, fmt: str | None = None) -> Response:
    base = str(request.base_url).rstrip("/") + PREFIX
    return await _guarded(fmt, lambda f: _respond(f, _discovery(base), root="discovery", item=None))


def _services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.value,
            "service_name": c.label,
            "description": f"12345 热线{c.label}类诉求",
            "metadata": True,
            "type": "realtime",
            "keywords": KEYWORDS[c.value],
            "group": GROUP,
        }
        for c in Category
    ]


def _definition(code: str) -> dict[str, Any]:
    if code not in {c.value for c in Category}:
        raise Open311Error(404, f"服务「{code}」不存在")
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "anonymous",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "诉求人是否要求对承办单位匿名",
                "order": 1,
                "description": "是否匿名",
                "values": [{"key": "false", "name": "否"}, {"key": "true", "name": "是"}],
            }
        ],
    }


@router.get("/services.{fmt}")
@router.get("/services")
async def services(fmt: str | None = None) -> Response:
    return await _guarded(fmt, lambda f: _respond(f, _services(), root="services", item="service"))


@router.get("/services/{code}")
async def service_definition(code: str) -> Response:
    name, fmt = _split(code)
    return await _guarded(fmt, lambda f: _respond(f, _definition(name), root="service_definition", item=None))


# -- requests ------------------------------------------------------------------------------------------------


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(TZ).isoformat(timespec="seconds")


def _request_json(case: Case, row: RowMapping) -> dict[str, Any]:
    kind = get_kind(case.kind)
    spec = kind.states[case.state]
    category = Category(row["category"])
    reply = case.payload.get("reply")
    notes = spec.label + (f"：{mask_text(str(reply))}" if reply and spec.terminal else "")
    limit = case.payload.get("limit")
    attachments = case.payload.get("attachments") or []
    return {
        "service_request_id": case.number,
        "status": "closed" if spec.terminal else "open",
        "status_notes": notes,
        "service_name": category.label,
        "service_code": category.value,
        "description": mask_text(str(row["text"]))[:4000],
        "agency_responsible": case.payload.get("lead_unit") or None,
        "service_notice": f"承诺时限：{limit}（工作时间）" if limit else None,
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.due_at),
        "address": row["address"] or None,
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": attachments[0] if isinstance(attachments, list) and attachments else None,
    }


def _csv(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").split(",") if p.strip()]


def _when(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} 应为 W3C 日期时间，如 2026-03-01T00:00:00+08:00") from None
    if at.tzinfo is None:
        raise Open311Error(400, f"{name} 须带时区（Z 或 +08:00）")
    return at


def _find(state: WebState, params: Mapping[str, str], now: datetime) -> list[dict[str, Any]]:
    ids = _csv(params.get("service_request_id"))
    codes = _csv(params.get("service_code"))
    statuses = _csv(params.get("status"))
    for s in statuses:
        if s not in ("open", "closed"):
            raise Open311Error(400, f"status 只能为 open 或 closed，收到「{s}」")
    query = (
        sa.select(cases, hotline_requests)
        .join(hotline_requests, hotline_requests.c.case_id == cases.c.id)
        .where(cases.c.kind == REQUEST)
        .order_by(cases.c.id.desc())
        .limit(MAX_RESULTS)
    )
    if ids:
        query = query.where(cases.c.number.in_([i.upper() for i in ids[:MAX_RESULTS]]))
    else:
        end = _when(params.get("end_date"), "end_date") or now
        start = _when(params.get("start_date"), "start_date") or end - timedelta(days=DEFAULT_DAYS)
        if end - start > timedelta(days=DEFAULT_DAYS):
            raise Open311Error(400, "start_date 与 end_date 之间不能超过 90 天")
        query = query.where(cases.c.created_at >= start, cases.c.created_at <= end)
        if codes:
            query = query.where(hotline_requests.c.category.in_(codes))
    terminal = [s.code for s in get_kind(REQUEST).states.values() if s.terminal]
    if statuses == ["open"]:
        query = query.where(cases.c.state.not_in(terminal))
    elif statuses == ["closed"]:
        query = query.where(cases.c.state.in_(terminal))
    with read(state.rt.engine) as conn:
        rows = conn.execute(query).mappings().all()
    return [_request_json(cases_repo.row_to_case(r), r) for r in rows]


@router.get("/requests.{fmt}")
@router.get("/requests")
async def get_requests(request: Request, fmt: str | None = None) -> Response:
    state = _state(request)
    params = dict(request.query_params)
    return await _guarded(
        fmt,
        lambda f: _respond(f, _find(state, params, state.rt.now()), root="service_requests", item="request"),
    )


@router.get("/requests/{rid}")
async def get_request(request: Request, rid: str) -> Response:
    number, fmt = _split(rid)
    state = _state(request)

    def work(f: str) -> Response:
        found = _find(state, {"service_request_id": number}, state.rt.now()) if number else []
        if not found:
            raise Open311Error(404, f"诉求 {number} 不存在")
        return _respond(f, found, root="service_requests", item="request")

    return await _guarded(fmt, work)


@router.get("/tokens/{token}")
async def get_token(request: Request, token: str) -> Response:
    number, fmt = _split(token)
    state = _state(request)

    def work(f: str) -> Response:
        found = _find(state, {"service_request_id": number}, state.rt.now()) if number else []
        if not found:
            raise Open311Error(404, f"令牌 {number} 不存在")
        data = [{"service_request_id": found[0]["service_request_id"], "token": number}]
        return _respond(f, data, root="service_requests", item="request")

    return await _guarded(fmt, work)


def _values(form: Mapping[str, str]) -> dict[str, object]:
    first, last = form.get("first_name", "").strip(), form.get("last_name", "").strip()
    name = (last + first) if (last + first) and not (first.isascii() and last.isascii()) else f"{first} {last}".strip()
    anonymous = form.get("attribute[anonymous]", "").strip().lower() in ("true", "1", "yes", "是")
    media = form.get("media_url", "").strip()
    return {
        "category": form.get("service_code", ""),
        "text": form.get("description", ""),
        "address": form.get("address_string", "") or form.get("address_id", ""),
        "lat": form.get("lat", ""),
        "long": form.get("long", ""),
        "requester_name": name or "网上诉求人",
        "phone": form.get("phone", ""),
        "email": form.get("email", ""),
        "anonymous": anonymous,
        "attachments": [media] if media else [],
        "service_code": form.get("service_code", ""),
    }


def _post(state: WebState, form: Mapping[str, str], fmt: str) -> Response:
    key = form.get("api_key", "").strip()
    if not key:
        raise Open311Error(403, "缺少 api_key，无法提交诉求")
    user = api_tokens.resolve(state.rt.engine, key, state.rt.now())
    if user is None or not user.active:
        raise Open311Error(403, "api_key 无效、已过期或已吊销，无法提交诉求")
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    _definition(code)
    if not (form.get("lat") and form.get("long")) and not form.get("address_string") and not form.get("address_id"):
        raise Open311Error(400, "须提供位置：lat 和 long，或 address_string，或 address_id")
    actor = user.as_actor()
    reg = hl.register_request(state.rt, actor, _values(form), channel=Channel.OPEN311)
    limit = reg.case.payload.get("limit")
    data = [
        {
            "service_request_id": reg.case.number,
            "service_notice": f"已受理，编号 {reg.case.number}，查询码 {reg.code}；承诺时限 {limit}（工作时间）",
            "account_id": None,
        }
    ]
    return _respond(fmt, data, root="service_requests", item="request", status=201)


@router.post("/requests.{fmt}")
@router.post("/requests")
async def post_request(request: Request, fmt: str | None = None) -> Response:
    state = _state(request)
    try:
        raw = await request.form(max_files=0, max_fields=100)
    except Exception:  # any unparsable body is the client's error, answered the spec's way
        return _error(fmt or "json", 400, "请求体须为 application/x-www-form-urlencoded")
    form = {k: v for k, v in raw.items() if isinstance(v, str) and "\x00" not in v}
    return await _guarded(fmt, lambda f: _post(state, form, f))


def service_codes() -> Sequence[str]:
    return [c.value for c in Category]
