"""我的待办: the staff member's cases with their clocks in colour, filters, and a masked CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from onestop.access import access_units_in_scope, access_workbench
from onestop.cases.kinds import all_kinds
from onestop.db.engine import read
from onestop.org.users import Actor
from onestop.web import listcache, reads
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import BadValue, StateDep, opt_date, opt_int, opt_text, page_actor
from onestop.web.present import CLOCK_COLOURS, local
from onestop.web.render import render
from onestop.web.state import WebState

router = APIRouter()
EXPORT_LIMIT = 5000
Text = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True)
class FilterQuery:
    """The workbench's filter parameters as they arrive in the query string, shared by the page and the CSV."""

    kind: str | None
    state: str | None
    unit_id: str | None
    colour: str | None
    due_after: str | None
    due_before: str | None
    q: str | None
    scope: str | None


def _filter_query(
    *,
    kind: Text = None,
    case_state: Annotated[str | None, Query(alias="state", max_length=200)] = None,
    unit_id: Text = None,
    colour: Text = None,
    due_after: Text = None,
    due_before: Text = None,
    q: Text = None,
    scope: Text = None,
) -> FilterQuery:
    return FilterQuery(kind, case_state, unit_id, colour, due_after, due_before, q, scope)


FilterQueryDep = Annotated[FilterQuery, Depends(_filter_query)]


def _filters(*, actor: Actor, query: FilterQuery, page: str | None) -> reads.CaseFilters:
    kind, state, unit_id, colour = query.kind, query.state, query.unit_id, query.colour
    due_after, due_before, q, scope = query.due_after, query.due_before, query.q, query.scope
    kinds = {k.code: k for k in all_kinds()}
    kind_code = opt_text(kind, "kind", "办件类型", 64)
    if kind_code is not None and kind_code not in kinds:
        raise BadValue(f"「办件类型」无效：{kind_code}", field="kind")
    state_code = opt_text(state, "state", "状态", 64)
    colour_code = opt_text(colour, "colour", "时限状态", 20)
    if colour_code is not None and colour_code not in CLOCK_COLOURS:
        raise BadValue("「时限状态」无效，可选：" + "、".join(w for w, _ in CLOCK_COLOURS.values()), field="colour")
    page_no = opt_int(page, "page", "页码") or 1
    return reads.CaseFilters(
        kind=kind_code,
        state=state_code,
        unit_id=opt_int(unit_id, "unit_id", "承办单位"),
        colour=colour_code,  # type: ignore[arg-type]
        due_after=opt_date(due_after, "due_after", "到期日（起）"),
        due_before=opt_date(due_before, "due_before", "到期日（止）"),
        q=opt_text(q, "q", "搜索关键词"),
        mine=(scope or ("mine" if reads.has_actions(actor) else "all")) == "mine",
        page=min(page_no, 10_000),
        per_page=50,
    )


def _state_choices(kind: str | None) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for k in all_kinds():
        if kind and k.code != kind:
            continue
        for code, spec in k.states.items():
            seen.setdefault(code, spec.label)
    return sorted(seen.items(), key=lambda item: item[1])


def _staff(principal: PrincipalDep) -> Actor:
    actor = page_actor(principal)
    access_workbench(actor)
    return actor


def _page_data(web: WebState, actor: Actor, filters: reads.CaseFilters) -> tuple[reads.CasePage, dict[str, int]]:
    """Rows and colour counts, from the list cache while no case changed (``onestop.web.listcache``)."""
    tree = web.units.get()
    now = web.rt.now()
    key = ("page", actor.user_id, actor.roles, actor.unit_id, web.units.generation, filters)
    entry = web.lists.get(key, reads.data_version_now(web.rt.engine), now)
    if entry is None:
        with read(web.rt.engine) as conn:
            version = reads.data_version(conn)
            result = reads.list_cases(conn, actor, tree, filters, now)
            counts = reads.colour_counts(conn, actor, tree, filters, now)
        # The counts cover every row, any of which may turn colour: the short life, whatever the page shows.
        fresh_until = now + listcache.COLOUR_FILTER_MAX_AGE
        if result.turns_at is not None:
            fresh_until = min(fresh_until, result.turns_at)
        entry = web.lists.put(key, version, fresh_until, b"", (result, counts))
    value = entry.value
    assert isinstance(value, tuple)
    return value[0], value[1]


@router.get("/workbench")
def workbench(
    *,
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    query: FilterQueryDep,
    page: Text = None,
) -> Response:
    actor = _staff(principal)
    filters = _filters(actor=actor, query=query, page=page)
    web: WebState = state
    result, counts = _page_data(web, actor, filters)
    tree = web.units.get()
    now = web.rt.now()
    paging_query = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(
        request,
        "workbench.html",
        {
            "result": result,
            "counts": counts,
            "f": filters,
            "scope": "mine" if filters.mine else "all",
            "kinds": all_kinds(),
            "states": _state_choices(filters.kind),
            "units": access_units_in_scope(actor, tree),
            "query": paging_query,
            "now": now,
        },
    )


@router.get("/workbench.csv")
def export(
    *,
    principal: PrincipalDep,
    state: StateDep,
    query: FilterQueryDep,
) -> Response:
    """The filtered list as CSV for Excel (UTF-8 with BOM); ID and phone numbers masked."""
    actor = _staff(principal)
    filters = _filters(actor=actor, query=query, page=None)
    from dataclasses import replace

    web: WebState = state
    with read(web.rt.engine) as conn:
        result = reads.list_cases(
            conn, actor, web.units.get(), replace(filters, per_page=reads.MAX_PER_PAGE), web.rt.now()
        )
        rows = list(result.rows)
        page = 1
        while len(rows) < min(result.total, EXPORT_LIMIT):
            page += 1
            more = reads.list_cases(
                conn, actor, web.units.get(), replace(filters, page=page, per_page=reads.MAX_PER_PAGE), web.rt.now()
            )
            if not more.rows:
                break
            rows.extend(more.rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "办件编号",
            "类型",
            "事项",
            "申请人",
            "证件号",
            "联系电话",
            "状态",
            "承办单位",
            "时限",
            "到期",
            "暂定",
            "更新时间",
        ]
    )
    for r in rows[:EXPORT_LIMIT]:
        writer.writerow(
            [
                r.number,
                r.kind_label,
                r.subject,
                r.applicant,
                r.party_id_masked,
                r.party_phone_masked,
                r.state_label,
                r.unit_name,
                r.clock_label,
                local(r.due_at),
                "是" if r.due_provisional else "",
                local(r.updated_at),
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=workbench.csv", "Cache-Control": "no-store"},
    )
