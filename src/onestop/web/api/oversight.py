"""JSON API of 效能监察: the overview of every clock, unit scorecards, the bulletin's figures and files,
supervision orders (list, raise by hand). Supervisors (their region) and administrators only; the order's own
actions (answer, accept, send back, escalate) go through the generic case actions endpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from onestop.actions import oversight as actions
from onestop.cases.kinds import get_kind
from onestop.oversight.bulletin.figures import UNIT_COLUMNS
from onestop.oversight.config import MEASURES
from onestop.oversight.overview import COLOUR_LABELS
from onestop.oversight.scorecard import Scorecard
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.oversight_view import (
    ORDER_STATES,
    bulletin_response,
    drill_url,
    kind_state_label,
    period_or_current,
)
from onestop.web.state import WebState, web_state
from onestop.web.validators import SafeStr

router = APIRouter(prefix="/oversight", tags=["效能监察"])
StateDep = Annotated[WebState, Depends(web_state)]
RegionQuery = Annotated[SafeStr | None, Query(max_length=6, description="行政区划代码，默认本人所在地区")]
PeriodQuery = Annotated[SafeStr | None, Query(max_length=10, description="统计期间：2026-10、2026Q4、2026，默认本月")]


@router.get("/overview", summary="全部计时总览：各单位在办件按时限状态、类型和状态统计")
def get_overview(principal: ApiPrincipal, state: StateDep, region: RegionQuery = None) -> dict[str, Any]:
    view = actions.overview(state.rt, require_actor(principal), region=region)
    return {
        "region": {"code": view.region.code, "name": view.region.name},
        "at": view.now.isoformat(),
        "totals": view.totals,
        "colour_labels": COLOUR_LABELS,
        "orders": view.orders,
        "units": [
            {
                "unit_id": u.unit_id,
                "unit_name": u.unit_name,
                "total": u.total,
                "colours": u.colours,
                "cases_url": {c: drill_url(u.unit_id, colour=c) for c in u.colours} if u.unit_id else {},
                "states": [
                    {"kind": k, "state": s, "label": kind_state_label(k, s), "count": n}
                    for (k, s), n in sorted(u.states.items())
                ],
            }
            for u in view.units
        ],
    }


def _card(card: Scorecard) -> dict[str, Any]:
    m = card.measures
    return {
        "unit_id": card.unit_id,
        "unit_name": card.unit_name,
        "rank": card.rank,
        "total": card.total,
        "scores": {name: card.scores.get(name) for name in MEASURES},
        "interview": card.interview,
        "reasons": list(card.reasons),
        "measures": {c.key: c.value(m) for c in UNIT_COLUMNS} | {"finished_late": m.finished_late},
    }


@router.get("/scorecards", summary="单位综合考评：得分、排名、末位约谈")
def get_scorecards(
    principal: ApiPrincipal, state: StateDep, period: PeriodQuery = None, region: RegionQuery = None
) -> dict[str, Any]:
    parsed = period_or_current(period, state.rt.now())
    view = actions.scorecards(state.rt, require_actor(principal), parsed, region=region)
    return {
        "region": {"code": view.region.code, "name": view.region.name},
        "period": {"code": view.period.code, "label": view.period.label},
        "weights": dict(view.config.weights),
        "cards": [_card(c) for c in view.cards],
    }


@router.get("/bulletin", summary="月度通报的数据；format=docx|xlsx|pdf 时返回文件")
def get_bulletin(
    principal: ApiPrincipal,
    state: StateDep,
    period: PeriodQuery = None,
    region: RegionQuery = None,
    fmt: Annotated[SafeStr | None, Query(alias="format", max_length=8, description="docx、xlsx 或 pdf")] = None,
) -> Any:
    parsed = period_or_current(period, state.rt.now())
    b = actions.bulletin(state.rt, require_actor(principal), parsed, region=region)
    if fmt is not None:
        return bulletin_response(b, fmt)
    return {
        "title": b.title,
        "period": {"code": b.period.code, "label": b.period.label},
        "cut_off": b.cut_off.isoformat(),
        "headline": {c.key: c.value(b.headline) for c in UNIT_COLUMNS},
        "units": [
            {"unit_name": u.measures.unit_name, "low": sorted(u.low)}
            | {c.key: c.value(u.measures) for c in UNIT_COLUMNS}
            for u in b.units
        ],
        "ranking": [_card(c) for c in b.ranking],
        "topics": [{"label": t.label, "source": t.source, "count": t.count, "share": t.share} for t in b.topics],
        "typical": [
            {
                "number": t.number,
                "kind": t.kind_label,
                "unit_name": t.unit_name,
                "subject": t.subject,
                "state": t.state_label,
                "due_at": t.due_at.isoformat(),
                "overdue_workdays": t.overdue_days,
            }
            for t in b.typical
        ],
        "notes": list(b.notes),
    }


@router.get("/orders", summary="督办单列表")
def get_orders(
    principal: ApiPrincipal,
    state: StateDep,
    region: RegionQuery = None,
    order_state: Annotated[SafeStr | None, Query(alias="state", max_length=16, description="状态代码")] = None,
) -> dict[str, Any]:
    states = [order_state] if order_state else None
    region_view, rows = actions.orders(state.rt, require_actor(principal), region=region, states=states)
    kind = get_kind("supervision_order")
    return {
        "region": {"code": region_view.code, "name": region_view.name},
        "orders": [
            {
                "number": r.number,
                "state": r.state,
                "state_label": kind.states[r.state].label,
                "unit_id": r.unit_id,
                "rule": r.rule_code,
                "subject_number": r.subject_number,
                "reason": r.reason,
                "due_at": r.due_at.isoformat() if r.due_at else None,
                "created_at": r.created_at.isoformat(),
                "version": r.version,
            }
            for r in rows
        ],
        "state_labels": ORDER_STATES,
    }


class RaiseOrder(BaseModel):
    number: SafeStr = Field(min_length=1, max_length=40, description="被督办的办件编号")
    reason: SafeStr = Field(min_length=1, max_length=2000, description="督办事由")
    limit_days: int = Field(3, ge=1, le=60, description="答复时限（工作日）")


@router.post("/orders", summary="人工督办：对本地区的办件发出督办单", status_code=201)
def post_order(body: RaiseOrder, principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    order = actions.raise_order(
        state.rt, require_actor(principal), number=body.number, reason=body.reason, limit_days=body.limit_days
    )
    return {"number": order.number, "state": order.state, "due_at": order.due_at.isoformat() if order.due_at else None}


__all__ = ["Response", "router"]
