"""营商环境评价 pages: scores per region and period, one region's indicator tree, entry and review of entered
indicators, and the .xlsx/.docx report.

* ``/evaluation`` — the regions the viewer may see for a period: ranking (bottom flagged), first-level scores
  side by side, charts (inline SVG) of this period and the one before;
* ``/evaluation/regions/{id}`` — every component's value, where it came from (the measure, its case kinds,
  the cases; or the approved entry), its bounds and score; indicators compared with the previous period;
* ``/evaluation/entries`` — the entered components of a region: fill in with evidence, submit, and (营商办)
  approve or return;
* ``/evaluation/report.xlsx`` / ``.docx`` — the report offices file.

Permissions are in ``onestop.evaluation.access`` (through the action layer).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from onestop.actions import evaluation as actions
from onestop.actions.evaluation_reads.computed import get_measure
from onestop.actions.evaluation_reads.evaluate import Evaluation
from onestop.cases.errors import DomainError
from onestop.evaluation.access import can_enter, can_review, can_view
from onestop.evaluation.charts import bar_chart, compare_chart
from onestop.evaluation.compare import side_by_side
from onestop.evaluation.entries import EDITABLE, EntryStatus
from onestop.evaluation.errors import EntryForbidden, TreeYearUnknown
from onestop.evaluation.periods import Period
from onestop.evaluation.regions import Region, region_of_unit
from onestop.evaluation.reports import write_docx, write_xlsx
from onestop.evaluation.scoring import Scorecard
from onestop.evaluation.tree import Source, load_tree
from onestop.org.errors import OrgError
from onestop.org.units import UnitKind
from onestop.org.users import Actor
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import BadValue, FormDep, StateDep, checked_form, opt_int, page_actor, redirect, value
from onestop.web.render import render
from onestop.web.state import WebState
from onestop.worktime import TZ

router = APIRouter()

Text = Annotated[str | None, Query(max_length=100)]
RegionId = Annotated[int, Path(ge=1, le=2_147_483_647)]
EntryId = Annotated[int, Path(ge=1, le=2_147_483_647)]
STATUS_COLOURS = {s.value: s.colour for s in EntryStatus}
SOURCE_COLOURS = {"computed": "indigo", "entered": "orange", "missing": "gray"}
SOURCE_LABELS = {"computed": "平台计算", "entered": "单位填报", "missing": "缺失"}


def current_period(now: datetime) -> str:
    local = now.astimezone(TZ)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def _period(raw: str | None, state: WebState) -> Period:
    return Period.parse(raw.strip() if raw and raw.strip() else current_period(state.rt.now()))


def _previous(state: WebState, period: Period, regions: list[Region]) -> Evaluation | None:
    try:
        return actions.evaluate_period(state.rt, period.previous(), regions=regions)
    except TreeYearUnknown:
        return None  # no tree configured for the year before: nothing to compare with


# -- overview -----------------------------------------------------------------------------------------------


@router.get("/evaluation")
def overview(
    request: Request, principal: PrincipalDep, state: StateDep, period: Text = None, root: Text = None
) -> Response:
    actor = page_actor(principal)
    parsed = _period(period, state)
    scope = actions.viewer_scope(state.rt, actor, opt_int(root, "root", "评价范围"))
    if not scope.regions:
        raise EntryForbidden("您无权查看营商环境评价结果", field="root")
    evaluation = actions.evaluate_period(state.rt, parsed, regions=scope.regions)
    before = _previous(state, parsed, scope.regions)
    bottom = {r.subject for r in evaluation.ranking if r.bottom}
    ranking_chart = bar_chart(
        [(r.subject, r.score) for r in evaluation.ranking], title=f"{parsed.label}综合得分", highlight=bottom
    )
    compare = None
    if before is not None:
        previous = {c.subject: c.overall for c in before.cards}
        compare = compare_chart(
            [(c.subject, c.overall, previous.get(c.subject)) for c in evaluation.cards],
            title="综合得分：本期与上期",
            now_label=parsed.label,
            before_label=before.period.label,
        )
    table = side_by_side(evaluation.cards)
    ids = {r.region.name: r.region.id for r in evaluation.results}
    tree = state.units.get()
    return render(
        request,
        "evaluation/index.html",
        {
            "period": parsed,
            "scope": scope,
            "evaluation": evaluation,
            "before": {c.subject: c.overall for c in before.cards} if before else {},
            "before_period": before.period if before else None,
            "ranking_chart": Markup(ranking_chart),
            "compare_chart": Markup(compare) if compare else None,
            "table": table,
            "ids": ids,
            "may_enter": any(can_enter(actor, tree, r.id) for r in scope.regions),
            "root": root or "",
        },
    )


@router.get("/evaluation/report.{fmt}")
def report(fmt: str, principal: PrincipalDep, state: StateDep, period: Text = None, root: Text = None) -> Response:
    actor = page_actor(principal)
    if fmt not in ("xlsx", "docx"):
        raise BadValue("报告格式须为 xlsx 或 docx", field="fmt")
    parsed = _period(period, state)
    scope = actions.viewer_scope(state.rt, actor, opt_int(root, "root", "评价范围"))
    if not scope.regions:
        raise EntryForbidden("您无权查看营商环境评价结果", field="root")
    evaluation = actions.evaluate_period(state.rt, parsed, regions=scope.regions)
    name = scope.root.name if scope.root else ""
    data = actions.report_data(state.rt, evaluation, title=f"{name}营商环境评价报告")
    writer = write_xlsx if fmt == "xlsx" else write_docx
    with tempfile.TemporaryDirectory() as folder:
        path = writer(data, FilePath(folder) / f"report.{fmt}")
        body = path.read_bytes()
    media = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[fmt]
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename=evaluation-{parsed.code}.{fmt}",
            "Cache-Control": "no-store",
        },
    )


# -- one region ---------------------------------------------------------------------------------------------


def _region(state: WebState, actor: Actor, region_id: int) -> Region:
    tree = state.units.get()
    if region_id not in tree or tree.get(region_id).kind is not UnitKind.REGION:
        raise BadValue("「地区」不是行政区", field="region_id")
    if not can_view(actor, tree, region_id):
        raise EntryForbidden("您无权查看该地区的营商环境评价", field="region_id")
    return region_of_unit(tree, region_id)


@router.get("/evaluation/regions/{region_id}")
def region_page(
    region_id: RegionId, request: Request, principal: PrincipalDep, state: StateDep, period: Text = None
) -> Response:
    actor = page_actor(principal)
    region = _region(state, actor, region_id)
    parsed = _period(period, state)
    evaluation = actions.evaluate_period(state.rt, parsed, regions=[region], with_cases=True)
    result = evaluation.result(region.id)
    card = result.card
    before = _previous(state, parsed, [region])
    before_card: Scorecard | None = before.result(region.id).card if before else None
    indicator_chart = bar_chart(
        [(i.indicator.name, i.score) for i in card.indicators], title=f"{region.name}{parsed.label}一级指标得分"
    )
    compare = None
    if before_card is not None and before is not None:
        previous = {i.indicator.code: i.score for i in before_card.indicators}
        compare = compare_chart(
            [(i.indicator.name, i.score, previous.get(i.indicator.code)) for i in card.indicators],
            title="一级指标：本期与上期",
            now_label=parsed.label,
            before_label=before.period.label,
        )
    sources = {}
    for component in evaluation.tree.components():
        measure = get_measure(component.measure) if component.measure else None
        if measure is not None:
            sources[component.key] = {
                "code": measure.code,
                "label": measure.label,
                "kinds": "、".join(measure.source_kinds()),
                "how": measure.source or measure.description,
            }
    return render(
        request,
        "evaluation/region.html",
        {
            "region": region,
            "period": parsed,
            "card": card,
            "before": before_card,
            "before_period": before.period if before else None,
            "indicator_chart": Markup(indicator_chart),
            "compare_chart": Markup(compare) if compare else None,
            "sources": sources,
            "source_labels": SOURCE_LABELS,
            "source_colours": SOURCE_COLOURS,
            "Source": Source,
            "tree": evaluation.tree,
        },
    )


# -- entries ------------------------------------------------------------------------------------------------


def _entries_page(
    request: Request,
    state: WebState,
    actor: Actor,
    *,
    region_id: int | None,
    period: Period,
    done: str | None = None,
    error: DomainError | OrgError | None = None,
    failed: str | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    tree = state.units.get()
    scope = actions.viewer_scope(state.rt, actor)
    choices = [r for r in scope.regions if can_enter(actor, tree, r.id) or can_review(actor, tree, r.id)]
    if region_id is None:
        if not choices:
            raise EntryForbidden("您无权填报或审核营商环境评价数据", field="region_id")
        region_id = choices[0].id
    region = _region(state, actor, region_id)
    entries = {e.indicator: e for e in actions.region_entries(state.rt, actor, region.id, period.code)}
    evaluation_tree = load_tree(period.year)
    groups: list[dict[str, Any]] = []
    for indicator in evaluation_tree:
        components = [c for c in indicator.components if actions.accepts_entries(c)]
        if components:
            groups.append({"indicator": indicator, "components": components})
    return render(
        request,
        "evaluation/entries.html",
        {
            "region": region,
            "regions": choices,
            "period": period,
            "groups": groups,
            "entries": entries,
            "may_enter": can_enter(actor, tree, region.id),
            "may_review": can_review(actor, tree, region.id),
            "editable": {s.value for s in EDITABLE},
            "status_colours": STATUS_COLOURS,
            "username": actor.username,
            "done": done,
            "error": error,
            "failed": failed,
            "values": values or {},
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/evaluation/entries")
def entries_page(
    *,
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    period: Text = None,
    region: Text = None,
    done: Text = None,
) -> Response:
    actor = page_actor(principal)
    parsed = _period(period, state)
    return _entries_page(request, state, actor, region_id=opt_int(region, "region", "地区"), period=parsed, done=done)


DONE = {"save": "已保存", "submit": "已提交审核", "approve": "已审核通过", "return": "已退回"}


def _float(raw: str) -> float:
    text = raw.strip().rstrip("%")
    try:
        number = float(text)
    except ValueError:
        raise BadValue("「填报值」须为数值", field="value") from None
    return number


def _version(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() else None


@router.post("/evaluation/entries")
def save(request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    submitted = {k: value(form, k) for k in ("region", "period", "indicator", "value", "evidence", "note", "version")}
    parsed = _period(submitted["period"], state)
    region_id = opt_int(submitted["region"], "region", "地区")
    if region_id is None:
        raise BadValue("缺少「地区」", field="region")
    try:
        actions.save_entry(
            state.rt,
            actor,
            region_id=region_id,
            period=parsed.code,
            indicator=submitted["indicator"],
            value=_float(submitted["value"]),
            evidence=[line.strip() for line in submitted["evidence"].splitlines() if line.strip()],
            note=submitted["note"],
            expected_version=_version(submitted["version"]),
        )
    except (DomainError, OrgError) as exc:
        return _entries_page(
            request,
            state,
            actor,
            region_id=region_id,
            period=parsed,
            error=exc,
            failed=submitted["indicator"],
            values=submitted,
        )
    return redirect(f"/evaluation/entries?region={region_id}&period={parsed.code}&done=save#{submitted['indicator']}")


@router.post("/evaluation/entries/{entry_id}/{step}")
def step(
    *, entry_id: EntryId, step: str, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep
) -> Response:
    actor = page_actor(principal)
    checked_form(request, form, principal)
    if step not in ("submit", "approve", "return"):
        raise BadValue(f"没有操作「{step}」", field="step")
    parsed = _period(value(form, "period", max_length=20), state)
    region_id = opt_int(value(form, "region", max_length=12), "region", "地区")
    indicator = value(form, "indicator", max_length=100)
    version = _version(value(form, "version", max_length=12))
    comment = value(form, "comment", max_length=2000)
    try:
        if step == "submit":
            entry = actions.submit_entry(state.rt, actor, entry_id, expected_version=version)
        elif step == "approve":
            entry = actions.approve_entry(state.rt, actor, entry_id, comment=comment, expected_version=version)
        else:
            entry = actions.return_entry(state.rt, actor, entry_id, comment=comment, expected_version=version)
    except (DomainError, OrgError) as exc:
        return _entries_page(
            request,
            state,
            actor,
            region_id=region_id,
            period=parsed,
            error=exc,
            failed=indicator,
            values={"comment": comment},
        )
    return redirect(f"/evaluation/entries?region={entry.region_id}&period={entry.period}&done={step}#{entry.indicator}")
