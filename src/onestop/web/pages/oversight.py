"""效能监察 pages for supervisors (their region) and administrators: the dashboard (every open clock per unit
by colour, with links into the workbench's case lists; the month's ranking and chart; bulletin downloads),
the scorecards (ranking with 约谈 flags), the supervision orders (with raising one by hand) and the settings in
force (rules and scorecard weights; an administrator uploads or pastes a TOML override, or resets it)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from onestop.actions import oversight as actions
from onestop.cases.errors import DomainError, UnknownKind
from onestop.cases.kinds import get_kind
from onestop.org.roles import Role
from onestop.oversight.access import access_oversight, access_settings, access_settings_change, may_change_settings
from onestop.oversight.bulletin.charts import ranking_chart
from onestop.oversight.bulletin.figures import UNIT_COLUMNS, low_columns, number, percent
from onestop.oversight.config import CONFIG_FILE, MEASURE_LABELS, MEASURES
from onestop.oversight.errors import InvalidOrder
from onestop.oversight.overview import COLOUR_LABELS, COLOURS
from onestop.oversight.periods import Period
from onestop.oversight.rules import CHECK_LABELS, RULES_FILE
from onestop.oversight.scorecard import Scorecard
from onestop.oversight.settings import MAX_TEXT, dump_toml, rules_document
from onestop.web.deps import PrincipalDep, client_ip
from onestop.web.oversight_view import ORDER_STATES, bulletin_response, drill_url, kind_state_label, period_or_current
from onestop.web.pages.common import BadValue, FormDep, StateDep, checked_form, page_actor, redirect, value
from onestop.web.render import render
from onestop.web.state import WebState
from onestop.web.validators import text_value

router = APIRouter()
Text = Annotated[str | None, Query(max_length=20)]
COLOUR_CSS = {"overdue": "red", "warning": "orange", "normal": "green", "paused": "gray", "not_started": "gray"}


def _chart(cards: list[Scorecard]) -> str | None:
    """The ranking chart as an SVG data URI: the page's CSP (style-src 'self') would strip the inline styles of
    an SVG element in the page, but not those of an image document."""
    if not any(c.total is not None for c in cards):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(ranking_chart(cards, "svg")).decode("ascii")


def _common(period: Period, region: str | None) -> dict[str, object]:
    query = f"period={period.code}" + (f"&region={region}" if region else "")
    return {
        "period": period,
        "region_code": region or "",
        "query": query,
        "colours": COLOURS,
        "colour_labels": COLOUR_LABELS,
        "colour_css": COLOUR_CSS,
        "measures": MEASURES,
        "measure_labels": MEASURE_LABELS,
        "columns": UNIT_COLUMNS,
        "percent": percent,
        "number": number,
        "drill_url": drill_url,
        "kind_state_label": kind_state_label,
    }


@router.get("/oversight")
def dashboard(
    request: Request, principal: PrincipalDep, state: StateDep, period: Text = None, region: Text = None
) -> Response:
    actor = access_oversight(page_actor(principal))
    web: WebState = state
    parsed = period_or_current(period, web.rt.now())
    view = actions.overview(web.rt, actor, region=region)
    cards = actions.scorecards(web.rt, actor, parsed, region=region)
    return render(
        request,
        "oversight/dashboard.html",
        {
            **_common(parsed, region),
            "view": view,
            "cards": cards.cards,
            "chart": _chart(cards.cards),
            "order_states": ORDER_STATES,
        },
    )


@router.get("/oversight/scorecards")
def scorecards_page(
    request: Request, principal: PrincipalDep, state: StateDep, period: Text = None, region: Text = None
) -> Response:
    actor = access_oversight(page_actor(principal))
    web: WebState = state
    parsed = period_or_current(period, web.rt.now())
    view = actions.scorecards(web.rt, actor, parsed, region=region)
    return render(
        request,
        "oversight/scorecards.html",
        {
            **_common(parsed, region),
            "view": view,
            "chart": _chart(view.cards),
            "lows": {c.unit_id: low_columns(c.measures, view.config.thresholds) for c in view.cards},
            "previous": parsed.previous(),
        },
    )


@router.get("/oversight/bulletin.{fmt}")
def bulletin_file(
    fmt: Annotated[str, Path(max_length=8)],
    principal: PrincipalDep,
    state: StateDep,
    period: Text = None,
    region: Text = None,
) -> Response:
    actor = access_oversight(page_actor(principal))
    web: WebState = state
    parsed = period_or_current(period, web.rt.now())
    return bulletin_response(actions.bulletin(web.rt, actor, parsed, region=region), fmt)


def _orders_page(
    request: Request,
    web: WebState,
    principal: PrincipalDep,
    *,
    region: str | None,
    order_state: str | None,
    error: DomainError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    actor = access_oversight(page_actor(principal))
    if order_state and order_state not in ORDER_STATES:
        order_state = None
    region_view, rows = actions.orders(web.rt, actor, region=region, states=[order_state] if order_state else None)
    tree = web.units.get()
    kind = get_kind("supervision_order")
    return render(
        request,
        "oversight/orders.html",
        {
            **_common(period_or_current(None, web.rt.now()), region),
            "region": region_view,
            "rows": rows,
            "unit_names": {u.id: u.name for u in tree},
            "state_specs": kind.states,
            "order_states": ORDER_STATES,
            "selected": order_state or "",
            "may_raise": actor.has_role(Role.SUPERVISOR),
            "error": error,
            "values": values or {},
            "now": web.rt.now(),
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/oversight/orders")
def orders_page(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    region: Text = None,
    order_state: Annotated[str | None, Query(alias="state", max_length=16)] = None,
) -> Response:
    return _orders_page(request, state, principal, region=region, order_state=order_state)


@router.post("/oversight/orders")
def raise_order(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = access_oversight(page_actor(principal))
    checked_form(request, form, principal)
    values = {name: value(form, name, max_length=2000) for name in ("number", "reason", "limit_days")}
    limit_text = values["limit_days"] or "3"
    try:
        if not limit_text.isascii() or not limit_text.isdigit():
            raise InvalidOrder("「答复时限」应为 1–60 的整数（工作日）", field="limit_days")
        order = actions.raise_order(
            state.rt, actor, number=values["number"], reason=values["reason"], limit_days=int(limit_text)
        )
    except DomainError as exc:
        return _orders_page(request, state, principal, region=None, order_state=None, error=exc, values=values)
    return redirect(f"/cases/{order.number}")


# -- settings --------------------------------------------------------------------------------------------------

SETTINGS = {"rules": "督办规则", "scorecard": "综合考评设置"}
DONE = {
    "rules-set": "督办规则已更新",
    "rules-reset": "督办规则已恢复默认",
    "scorecard-set": "综合考评设置已更新",
    "scorecard-reset": "综合考评设置已恢复默认",
}


async def _settings_form(request: Request) -> AsyncIterator[FormData]:
    # One optional .toml upload beside the pasted text; its spooled file is closed when the response is done.
    form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_TEXT + 1024)
    try:
        yield form
    finally:
        await form.close()


SettingsFormDep = Annotated[FormData, Depends(_settings_form)]


def _settings_page(
    request: Request,
    web: WebState,
    principal: PrincipalDep,
    *,
    done: str | None = None,
    error: DomainError | None = None,
    target: str = "",
    text: str = "",
) -> Response:
    actor = access_settings(page_actor(principal))
    view = actions.settings(web.rt, actor)
    texts = {"rules": dump_toml(rules_document(view.rules)), "scorecard": dump_toml(view.config_document)}
    if error is not None and target in texts:
        texts[target] = text  # what the administrator sent, to correct rather than retype
    return render(
        request,
        "oversight/settings.html",
        {
            **_common(period_or_current(None, web.rt.now()), None),
            "view": view,
            "check_labels": CHECK_LABELS,
            "kind_label": _kind_label,
            "shipped": {"rules": RULES_FILE.name, "scorecard": CONFIG_FILE.name},
            "settings_labels": SETTINGS,
            "texts": texts,
            "may_change": may_change_settings(actor),
            "done": DONE.get(done or ""),
            "error": error,
            "target": target,
            "hide_period": True,
        },
        status_code=error.status if error is not None else 200,
    )


def _kind_label(code: str) -> str:
    try:
        return get_kind(code).label
    except UnknownKind:
        return code  # named by the settings but not installed in this deployment


@router.get("/oversight/settings")
def settings_page(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return _settings_page(request, state, principal, done=done)


def _sent_text(form: FormData) -> str:
    """The uploaded file if one was chosen, else the pasted text."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = upload.file.read(MAX_TEXT + 1)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadValue("上传的设置文件不是 UTF-8 编码的文本", field="file") from None
    return text_value(form.get("toml"), max_length=MAX_TEXT + 1)


@router.post("/oversight/settings")
def change_settings(request: Request, principal: PrincipalDep, form: SettingsFormDep, state: StateDep) -> Response:
    actor = access_settings_change(page_actor(principal))
    checked_form(request, form, principal)
    target, op, text = value(form, "target", max_length=16), value(form, "op", max_length=8), ""
    ip = client_ip(request)
    try:
        if target not in SETTINGS:
            raise BadValue("「设置项」无效，可选：rules（督办规则）、scorecard（综合考评设置）", field="target")
        if op not in {"set", "reset"}:
            raise BadValue("「操作」无效，可选：set（保存）、reset（恢复默认）", field="op")
        if op == "set":
            text = _sent_text(form)
            if not text.strip():
                raise BadValue(f"请上传或粘贴{SETTINGS[target]}的 TOML 文本", field="toml")
            if target == "rules":
                actions.set_rules_text(state.rt, actor, text, ip=ip)
            else:
                actions.set_config_text(state.rt, actor, text, ip=ip)
        elif target == "rules":
            actions.set_rules(state.rt, actor, None, ip=ip)
        else:
            actions.set_config(state.rt, actor, None, ip=ip)
    except DomainError as exc:
        return _settings_page(request, state, principal, error=exc, target=target, text=text)
    return redirect(f"/oversight/settings?done={target}-{op}")
