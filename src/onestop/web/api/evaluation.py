"""JSON API of 营商环境评价: scores per region and period (with the values and where they came from), and the
entry and review of entered indicators. Permissions are in ``onestop.evaluation.access``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from onestop.actions import evaluation as actions
from onestop.actions.evaluation_reads.evaluate import Evaluation
from onestop.evaluation.access import access_view
from onestop.evaluation.entries import Entry
from onestop.evaluation.errors import EntryForbidden, InvalidEntry
from onestop.evaluation.periods import Period
from onestop.evaluation.regions import region_of_unit
from onestop.org.units import UnitKind
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.state import WebState, web_state
from onestop.web.validators import INT_MAX, SafeStr

router = APIRouter(prefix="/evaluation", tags=["营商环境评价"])

StateDep = Annotated[WebState, Depends(web_state)]
PeriodQuery = Annotated[SafeStr, Query(max_length=10, description="评价期间：2026、2026H1、2026Q3、2026M07")]
ObjectId = Annotated[int, Path(ge=1, le=INT_MAX)]


class ComponentOut(BaseModel):
    key: str
    name: str
    unit: str
    value: float | None
    source: str = Field(description="computed 平台计算 | entered 单位填报 | missing 缺失")
    score: float | None
    case_count: int | None
    cases: list[str] = Field(description="计算所依据的办件编号（仅地区明细返回）")
    note: str


class IndicatorOut(BaseModel):
    code: str
    name: str
    score: float | None
    components: list[ComponentOut]


class RegionScore(BaseModel):
    region_id: int
    region: str
    overall: float | None
    rank: int | None
    bottom: bool
    indicators: list[IndicatorOut]


class ScoresOut(BaseModel):
    period: str
    tree_year: int
    unavailable_measures: list[str]
    regions: list[RegionScore]


class EntryOut(BaseModel):
    id: int
    region_id: int
    period: str
    indicator: str
    value: float
    evidence: list[str]
    note: str
    status: str
    status_label: str
    entered_by: str
    reviewed_by: str | None
    review_comment: str
    version: int


class EntryIn(BaseModel):
    region_id: int = Field(ge=1, le=INT_MAX)
    period: SafeStr = Field(max_length=10)
    indicator: SafeStr = Field(max_length=100, description="二级指标键，如 gov_services.online_rate")
    value: float
    evidence: list[SafeStr] = Field(default_factory=list, max_length=20)
    note: SafeStr = Field(default="", max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


class StepIn(BaseModel):
    comment: SafeStr = Field(default="", max_length=2000)
    expected_version: int | None = Field(default=None, ge=1)


def _entry(e: Entry) -> EntryOut:
    return EntryOut(
        id=e.id or 0,
        region_id=e.region_id,
        period=e.period,
        indicator=e.indicator,
        value=e.value,
        evidence=list(e.evidence),
        note=e.note,
        status=e.status.value,
        status_label=e.status.label,
        entered_by=e.entered_by,
        reviewed_by=e.reviewed_by,
        review_comment=e.review_comment,
        version=e.version,
    )


def _scores(evaluation: Evaluation) -> ScoresOut:
    ranks = {r.subject: r for r in evaluation.ranking}
    return ScoresOut(
        period=evaluation.period.code,
        tree_year=evaluation.tree.configured_year,
        unavailable_measures=list(evaluation.unavailable),
        regions=[
            RegionScore(
                region_id=r.region.id,
                region=r.card.subject,
                overall=r.card.overall,
                rank=ranks[r.card.subject].rank,
                bottom=ranks[r.card.subject].bottom,
                indicators=[
                    IndicatorOut(
                        code=i.indicator.code,
                        name=i.indicator.name,
                        score=i.score,
                        components=[
                            ComponentOut(
                                key=c.component.key,
                                name=c.component.name,
                                unit=c.component.unit,
                                value=c.value.value,
                                source=c.value.source,
                                score=c.score,
                                case_count=c.value.case_count,
                                cases=list(c.value.cases),
                                note=c.value.note,
                            )
                            for c in i.components
                        ],
                    )
                    for i in r.card.indicators
                ],
            )
            for r in evaluation.results
        ],
    )


@router.get("/scores", summary="各地区某期间的指标值、得分和排名", response_model=ScoresOut)
def scores(
    principal: ApiPrincipal,
    state: StateDep,
    period: PeriodQuery,
    root: Annotated[int | None, Query(ge=1, le=INT_MAX, description="评价范围（行政区单位 id）")] = None,
) -> ScoresOut:
    actor = require_actor(principal)
    scope = actions.viewer_scope(state.rt, actor, root)
    if not scope.regions:
        raise EntryForbidden("您无权查看营商环境评价结果", field="root")
    return _scores(actions.evaluate_period(state.rt, Period.parse(period), regions=scope.regions))


@router.get("/regions/{region_id}", summary="一个地区的指标明细（含计算所依据的办件）", response_model=ScoresOut)
def region_scores(region_id: ObjectId, principal: ApiPrincipal, state: StateDep, period: PeriodQuery) -> ScoresOut:
    actor = require_actor(principal)
    tree = state.units.get()
    if region_id not in tree or tree.get(region_id).kind is not UnitKind.REGION:
        raise InvalidEntry("region_id 不是行政区", field="region_id")
    access_view(actor, tree, region_id)
    region = region_of_unit(tree, region_id)
    evaluation = actions.evaluate_period(state.rt, Period.parse(period), regions=[region], with_cases=True)
    return _scores(evaluation)


@router.get("/entries", summary="某地区某期间的填报记录", response_model=list[EntryOut])
def entries(
    principal: ApiPrincipal,
    state: StateDep,
    period: PeriodQuery,
    region_id: Annotated[int, Query(ge=1, le=INT_MAX)],
) -> list[EntryOut]:
    actor = require_actor(principal)
    return [_entry(e) for e in actions.region_entries(state.rt, actor, region_id, period)]


@router.post("/entries", summary="填报或修改一个指标值（草稿）", response_model=EntryOut)
def save(body: EntryIn, principal: ApiPrincipal, state: StateDep) -> EntryOut:
    actor = require_actor(principal)
    entry = actions.save_entry(
        state.rt,
        actor,
        region_id=body.region_id,
        period=body.period,
        indicator=body.indicator,
        value=body.value,
        evidence=body.evidence,
        note=body.note,
        expected_version=body.expected_version,
    )
    return _entry(entry)


@router.post(
    "/entries/{entry_id}/{step}", summary="提交（submit）、审核通过（approve）或退回（return）", response_model=EntryOut
)
def step(entry_id: ObjectId, step: str, body: StepIn, principal: ApiPrincipal, state: StateDep) -> EntryOut:
    actor = require_actor(principal)
    version = body.expected_version
    if step == "submit":
        entry = actions.submit_entry(state.rt, actor, entry_id, expected_version=version)
    elif step == "approve":
        entry = actions.approve_entry(state.rt, actor, entry_id, comment=body.comment, expected_version=version)
    elif step == "return":
        entry = actions.return_entry(state.rt, actor, entry_id, comment=body.comment, expected_version=version)
    else:
        raise InvalidEntry(f"没有操作「{step}」，可选 submit、approve、return", field="step")
    return _entry(entry)
