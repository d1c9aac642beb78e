"""效能监察 pages for supervisors (their region) and administrators: the dashboard (every open clock per unit
by colour, with links into the workbench's case lists; the month's ranking and chart; bulletin downloads),
the scorecards (ranking with 约谈 flags) and the supervision orders (with raising one by hand)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from onestop.actions import oversight as actions
from onestop.cases.errors import DomainError
from onestop.cases.kinds import get_kind
from onestop.org.roles import Role
from onestop.oversight.access import access_oversight
from onestop.oversight.bulletin.charts import ranking_chart
from onestop.oversight.bulletin.figures import UNIT_COLUMNS, low_columns, number, percent
from onestop.oversight.config import MEASURE_LABELS, MEASURES
from onestop.oversight.errors import InvalidOrder
from onestop.oversight.overview import COLOUR_LABELS, COLOURS
from onestop.oversight.periods import Period
from onestop.oversight.scorecard import Scorecard
from onestop.web.deps import PrincipalDep
from onestop.web.oversight_view import ORDER_STATES, bulletin_response, drill_url, kind_state_label, period_or_current
from onestop.web.pages.common import FormDep, StateDep, checked_form, page_actor, redirect, value
from onestop.web.render import render
from onestop.web.state import WebState

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
