"""JSON API of the ledger (改革任务台账): read a plan, create a ledger, the ledger table, a task with its
targets beside actuals, progress reports. Permissions are the action layer's; invisible tasks are 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from pydantic import BaseModel, Field

from onestop.actions import ledger as actions
from onestop.cases.errors import NotFound
from onestop.ledger import parse_file
from onestop.ledger.kinds import LEDGER_TASK, STATUS_CHOICES
from onestop.ledger.model import LedgerRow, Plan
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.state import WebState, web_state
from onestop.web.validators import INT_MAX, SafeStr

router = APIRouter(tags=["改革任务台账"])

StateDep = Annotated[WebState, Depends(web_state)]
LedgerId = Annotated[int, Path(ge=1, le=INT_MAX)]
Number = Annotated[SafeStr, Path(min_length=1, max_length=40, description="任务编号（RW…）")]
MAX_UPLOAD = 10 * 1024 * 1024


class LedgerOut(BaseModel):
    id: int
    title: str
    issuer: str | None
    plan_date: str | None
    source: str
    report_day: int
    task_count: int
    visible_tasks: int = Field(description="调用者可见的任务数")
    created_at: datetime


class TaskRowOut(BaseModel):
    seq: int
    number: str = Field(description="任务编号（RW…）")
    plan_number: str
    title: str
    owner: str
    lead_units: list[str]
    cooperating_units: list[str]
    deadline: str = Field(description="完成时限（方案原文）")
    due_at: datetime | None
    state: str
    state_label: str
    status_label: str = Field(description="台账“状态”列：推进中、已超期、逾期未报、已完成 …")
    progress_text: str
    progress_percent: int | None


class TargetOut(BaseModel):
    metric: str
    comparator: str
    value: float
    unit: str
    measure: str | None
    actual: float | None
    actual_unit: str
    target_value: float | None = Field(description="目标折算为实际值的单位后")
    met: bool | None
    case_count: int
    period: str
    note: str


class TaskOut(TaskRowOut):
    text: str
    path: list[str]
    ledger_id: int
    targets: list[TargetOut]


class PlanReviewOut(BaseModel):
    plan: dict[str, Any] = Field(description="识别结果（可修改后提交到 POST /ledgers）")
    ready: bool = Field(description="每项任务都已对应到牵头单位")
    unmatched: list[str] = Field(description="未能对应到本系统单位的名称，须在 mapping 中指定")
    owners: list[str | None] = Field(description="各任务的承办（牵头）单位，未对应者为 null")


class CreateLedger(BaseModel):
    plan: dict[str, Any]
    mapping: dict[SafeStr, SafeStr] = Field(default_factory=dict, description="名称 → 单位代码（会被记住）")
    supervisor: SafeStr | None = Field(default=None, max_length=64, description="督办单位（营商办）的单位代码")
    report_day: int = Field(default=actions.DEFAULT_REPORT_DAY, ge=1, le=31)
    source: SafeStr = Field(default="", max_length=300)


class ProgressIn(BaseModel):
    text: SafeStr = Field(min_length=1, max_length=2000)
    status: SafeStr = Field(default="on_track", description="、".join(f"{k} {v}" for k, v in STATUS_CHOICES.items()))
    percent: int | None = Field(default=None, ge=0, le=100)
    evidence: list[SafeStr] = Field(default_factory=list, max_length=20)


def _row(row: LedgerRow) -> TaskRowOut:
    return TaskRowOut(
        seq=row.seq,
        number=row.case_number,
        plan_number=row.number,
        title=row.title,
        owner=row.owner,
        lead_units=row.lead_units,
        cooperating_units=row.cooperating_units,
        deadline=row.deadline_label,
        due_at=row.due_at,
        state=row.state,
        state_label=row.state_label,
        status_label=row.status_label,
        progress_text=row.progress_text,
        progress_percent=row.progress_percent,
    )


@router.get("/ledgers", summary="台账列表（调用者参与的）", response_model=list[LedgerOut])
def list_ledgers(principal: ApiPrincipal, state: StateDep) -> list[LedgerOut]:
    actor = require_actor(principal)
    return [
        LedgerOut(**{k: getattr(ledger, k) for k in LedgerOut.model_fields if k != "visible_tasks"}, visible_tasks=n)
        for ledger, n in actions.visible_ledgers(state.rt, actor)
    ]


@router.get(
    "/ledgers/{ledger_id}/tasks", summary="台账任务表（可按单位、状态、超期筛选）", response_model=list[TaskRowOut]
)
def ledger_tasks(
    *,
    ledger_id: LedgerId,
    principal: ApiPrincipal,
    state: StateDep,
    unit_id: Annotated[int | None, Query(ge=1, le=INT_MAX, description="牵头或配合单位")] = None,
    task_state: Annotated[SafeStr | None, Query(alias="state", max_length=32)] = None,
    overdue: Annotated[bool | None, Query(description="仅看（不）超期的任务")] = None,
) -> list[TaskRowOut]:
    actor = require_actor(principal)
    actions.get_ledger(state.rt, ledger_id)
    if task_state is not None and task_state not in LEDGER_TASK.states:
        raise actions.LedgerError(f"「状态」无效：{task_state}", field="state")
    visible = actions.ledger_rows(state.rt, ledger_id, viewer=actor)
    if not visible and not actions.may_import(actor):
        raise NotFound(f"台账 {ledger_id} 不存在或您无权查看", field="ledger_id")
    rows = actions.ledger_rows(state.rt, ledger_id, viewer=actor, unit_id=unit_id, state=task_state, overdue=overdue)
    return [_row(r) for r in rows]


def _task(state: WebState, number: str, principal: ApiPrincipal) -> TaskOut:
    actor = require_actor(principal)
    detail = actions.task_detail(state.rt, number, actor)
    (row,) = [r for r in actions.ledger_rows(state.rt, detail.ledger.id) if r.case_number == number]
    targets = actions.task_targets(state.rt, number, actor=actor)
    payload = detail.case.payload
    path = payload.get("path")
    return TaskOut(
        **_row(row).model_dump(),
        text=str(payload.get("text") or ""),
        path=[str(p) for p in path] if isinstance(path, list) else [],
        ledger_id=detail.ledger.id,
        targets=[
            TargetOut(
                metric=t.metric,
                comparator=t.comparator,
                value=t.value,
                unit=t.unit,
                measure=t.measure,
                actual=t.actual,
                actual_unit=t.actual_unit,
                target_value=t.target_value,
                met=t.met,
                case_count=t.case_count,
                period=t.period,
                note=t.note,
            )
            for t in targets
        ],
    )


@router.get("/ledger/tasks/{number}", summary="任务详情：目标与实际", response_model=TaskOut)
def get_task(number: Number, principal: ApiPrincipal, state: StateDep) -> TaskOut:
    return _task(state, number, principal)


@router.post(
    "/ledger/parse", summary="读取工作方案（.txt/.docx/.pdf），返回识别结果供核对", response_model=PlanReviewOut
)
def parse_plan(
    principal: ApiPrincipal,
    state: StateDep,
    file: Annotated[UploadFile, File(description="工作方案文件")],
    supervisor: Annotated[SafeStr | None, Query(max_length=64, description="督办单位代码")] = None,
) -> PlanReviewOut:
    actions.access_import(require_actor(principal))
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise actions.LedgerError("文件不能超过 10 MB", field="file")
    plan = parse_file(file.filename or "plan.txt", data)
    review = actions.review_plan(state.rt, plan, supervisor=supervisor)
    return PlanReviewOut(
        plan=plan.to_json(),
        ready=review.ready,
        unmatched=[m.name for m in review.unmatched],
        owners=[t.owner_name for t in review.tasks],
    )


@router.post("/ledgers", summary="按核对后的识别结果生成台账", response_model=LedgerOut, status_code=201)
def create_ledger(body: CreateLedger, principal: ApiPrincipal, state: StateDep) -> LedgerOut:
    actor = require_actor(principal)
    actions.access_import(actor)
    try:
        plan = Plan.from_json(body.plan)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise actions.LedgerError("plan 不是有效的识别结果（见 POST /ledger/parse）", field="plan") from None
    ledger = actions.import_plan(
        state.rt,
        plan,
        actor,
        mapping=body.mapping,
        source=body.source,
        report_day=body.report_day,
        supervisor=body.supervisor,
    )
    return LedgerOut(
        **{k: getattr(ledger, k) for k in LedgerOut.model_fields if k != "visible_tasks"},
        visible_tasks=ledger.task_count,
    )


@router.post(
    "/ledger/tasks/{number}/reports", summary="牵头单位报送进展（同时报送本月调度报告）", response_model=TaskOut
)
def file_report(number: Number, body: ProgressIn, principal: ApiPrincipal, state: StateDep) -> TaskOut:
    actor = require_actor(principal)
    actions.task_detail(state.rt, number, actor)  # invisible: 404 before anything else
    actions.file_report(
        state.rt, number, actor, text=body.text, status=body.status, percent=body.percent, evidence=body.evidence
    )
    return _task(state, number, principal)
