"""改革任务台账 pages: import a plan and review its parse, the ledger table, a task with its reports.

* ``/ledger`` — the ledgers the viewer takes part in; ``/ledger/import`` — upload a plan (.txt/.docx/.pdf);
* the review (``POST /ledger/import`` and ``POST /ledger/review``) shows every task with its heading path,
  lead and co-units as matched, deadline and targets; the person corrects a task's text, units or deadline,
  maps the unit names nobody matched (remembered for later plans), re-checks, and creates the ledger;
* ``/ledger/{id}`` — the table with filters (unit, state, overdue) and its .xlsx/.docx exports;
* ``/ledger/tasks/{number}`` — the task: clock, targets beside actuals, monthly reports, history, and the
  forms of whoever may act (lead unit: 报送进展 and 申请销号; co-unit: 配合报送; 营商办: review).

Permissions are the action layer's (``access_task_view`` and the checks inside each action).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from onestop.actions import ledger as actions
from onestop.cases.errors import ActionNotAllowed, DomainError, NotFound
from onestop.cases.view import clock_view
from onestop.ledger import parse_file
from onestop.ledger.edits import co_names, deadline_field, edit_task, lead_names, units_field
from onestop.ledger.export import docx_bytes, xlsx_bytes
from onestop.ledger.kinds import LEDGER_REPORT, LEDGER_TASK, STATUS_CHOICES
from onestop.ledger.model import Plan
from onestop.org.errors import OrgError
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.web.deps import PrincipalDep
from onestop.web.pages.common import BadValue, StateDep, checked_form, opt_int, page_actor, redirect
from onestop.web.render import render
from onestop.web.state import WebState
from onestop.web.validators import text_value

router = APIRouter()

MAX_UPLOAD = 10 * 1024 * 1024
LedgerId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Number = Annotated[str, Path(min_length=1, max_length=40)]
Text = Annotated[str | None, Query(max_length=200)]
# 状态 column colours: the words of LedgerRow.status_label
STATUS_COLOURS = {
    "已超期": "red",
    "逾期未报": "orange",
    "已完成": "green",
    "已撤销": "gray",
    "待审核销号": "yellow",
    "推进中": "blue",
}
ACTION_LABELS = {
    "report": "报送进展",
    "contribute": "配合单位报送",
    "submit": "申请销号",
    "review_report": "审阅进展",
    "send_back": "退回",
    "complete": "审核销号",
    "cancel": "撤销",
    "schedule_report": "月调度",
    "clock_warned": "临期预警",
    "clock_overdue": "超期",
    "due_changed": "期限重算",
}


async def _big_form(request: Request) -> AsyncIterator[FormData]:
    # The review carries every task's fields (a plan has up to a few hundred tasks) and one upload, whose
    # spooled file is closed when the response is done.
    form = await request.form(max_files=1, max_fields=5000, max_part_size=2 * 1024 * 1024)
    try:
        yield form
    finally:
        await form.close()


BigFormDep = Annotated[FormData, Depends(_big_form)]


def _field(form: FormData, name: str, max_length: int = 5000) -> str:
    return text_value(form.get(name), max_length=max_length)


def _staff(principal: PrincipalDep) -> Actor:
    actor = page_actor(principal)
    if actor.unit_id is None and not actor.has_role(Role.ADMIN):
        raise ActionNotAllowed("改革任务台账仅供各单位工作人员使用", field="unit")
    return actor


# -- ledgers ------------------------------------------------------------------------------------------------


@router.get("/ledger")
def ledgers(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = _staff(principal)
    found = actions.visible_ledgers(state.rt, actor)
    return render(request, "ledger/index.html", {"ledgers": found, "may_import": actions.may_import(actor)})


@router.get("/ledger/import")
def import_form(request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    actor = _staff(principal)
    actions.access_import(actor)
    return render(request, "ledger/import.html", _import_context(state, actor, {}))


def _import_context(state: WebState, actor: Actor, values: Mapping[str, str]) -> dict[str, Any]:
    tree = state.units.get()
    default = tree.get(actor.unit_id).code if actor.unit_id is not None and actor.unit_id in tree else ""
    return {
        "units": sorted(tree, key=lambda u: u.code),
        "values": {"report_day": "25", "supervisor": default, **values},
    }


@router.post("/ledger/import")
def upload(request: Request, principal: PrincipalDep, form: BigFormDep, state: StateDep) -> Response:
    actor = _staff(principal)
    actions.access_import(actor)
    checked_form(request, form, principal)
    values = {k: _field(form, k, 100) for k in ("report_day", "supervisor")}
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadValue("请选择要导入的工作方案文件（.txt、.docx 或 .pdf）", field="file")
        data = upload.file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise BadValue("文件不能超过 10 MB", field="file")
        plan = parse_file(upload.filename, data)
        if not plan.tasks:
            raise BadValue("未从该文件中识别出任务（需有“牵头单位”等责任分工）", field="file")
        settings = _settings(values)
    except (DomainError, OrgError) as exc:
        context = {**_import_context(state, actor, values), "error": exc}
        return render(request, "ledger/import.html", context, status_code=exc.status)
    return _review_page(request, state, plan, source=upload.filename, settings=settings, mapping={})


def _settings(values: Mapping[str, str]) -> dict[str, Any]:
    day = opt_int(values.get("report_day"), "report_day", "每月报送日") or actions.DEFAULT_REPORT_DAY
    if not 1 <= day <= 31:
        raise BadValue("「每月报送日」须在 1–31 之间", field="report_day")
    return {"report_day": day, "supervisor": (values.get("supervisor") or "").strip() or None}


def _review_page(
    request: Request,
    state: WebState,
    plan: Plan,
    *,
    source: str,
    settings: Mapping[str, Any],
    mapping: Mapping[str, str],
    error: DomainError | OrgError | None = None,
) -> Response:
    review = actions.review_plan(state.rt, plan, mapping=mapping, supervisor=settings["supervisor"])
    tree = state.units.get()
    codes = {u.id: u.code for u in tree}
    # (match, the unit chosen now, the unit the matcher found by itself): a pending choice is not yet "found"
    names = [
        (
            m,
            mapping.get(m.name) or codes.get(m.unit_id or 0, ""),
            "" if m.name in mapping else codes.get(m.unit_id or 0, ""),
        )
        for m in review.unmatched + review.matched
    ]
    rows = [
        {
            "review": t,
            "lead": units_field(lead_names(t.task)),
            "co": units_field(co_names(t.task)),
            "deadline": deadline_field(t.task),
        }
        for t in review.tasks
    ]
    context = {
        "review": review,
        "rows": rows,
        "names": names,
        "units": sorted(tree, key=lambda u: u.code),
        "plan_json": json.dumps(plan.to_json(), ensure_ascii=False),
        "source": source,
        "settings": settings,
        "error": error,
    }
    return render(request, "ledger/review.html", context, status_code=error.status if error else 200)


@router.post("/ledger/review")
def review(request: Request, principal: PrincipalDep, form: BigFormDep, state: StateDep) -> Response:
    """Re-checks the corrected parse (``op=check``) or creates the ledger from it (``op=create``)."""
    actor = _staff(principal)
    actions.access_import(actor)
    checked_form(request, form, principal)
    try:
        plan = Plan.from_json(json.loads(_field(form, "plan", 2_000_000)))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BadValue("核对表单已损坏，请重新上传工作方案", field="plan") from None
    source = _field(form, "source", 300)
    settings: Mapping[str, Any] = {"report_day": actions.DEFAULT_REPORT_DAY, "supervisor": None}
    mapping: dict[str, str] = {}
    try:
        settings = _settings({k: _field(form, k, 100) for k in ("report_day", "supervisor")})
        mapping = _mapping(form)
        plan = _edited(plan, form)
        if _field(form, "op", 20) == "create":
            ledger = actions.import_plan(
                state.rt,
                plan,
                actor,
                mapping=mapping,
                source=source,
                report_day=settings["report_day"],
                supervisor=settings["supervisor"],
            )
            return redirect(f"/ledger/{ledger.id}?created=1")
    except (DomainError, OrgError) as exc:
        return _review_page(request, state, plan, source=source, settings=settings, mapping=mapping, error=exc)
    return _review_page(request, state, plan, source=source, settings=settings, mapping=mapping)


def _mapping(form: FormData) -> dict[str, str]:
    """name → unit code for each name whose unit the person chose (a matched name only where it changed)."""
    out: dict[str, str] = {}
    for k in range(2000):
        name = _field(form, f"m{k}_name", 200).strip()
        if not name:
            break
        chosen = _field(form, f"m{k}_unit", 64).strip()
        if chosen and chosen != _field(form, f"m{k}_was", 64).strip():
            out[name] = chosen
    return out


def _edited(plan: Plan, form: FormData) -> Plan:
    issued = None
    if plan.date:
        from datetime import date

        try:
            issued = date.fromisoformat(plan.date)
        except ValueError:
            issued = None
    tasks = []
    for seq, task in enumerate(plan.tasks, start=1):
        if f"t{seq}_text" not in form:
            tasks.append(task)
            continue
        tasks.append(
            edit_task(
                task,
                seq=seq,
                text=_field(form, f"t{seq}_text"),
                lead=_field(form, f"t{seq}_lead", 600),
                co=_field(form, f"t{seq}_co", 600),
                deadline=_field(form, f"t{seq}_deadline", 200),
                plan_year=plan.year,
                issued=issued,
            )
        )
    return Plan(plan.title, plan.issuer, plan.date, tasks)


# -- the ledger table ---------------------------------------------------------------------------------------


def _filters(unit_id: str | None, state: str | None, overdue: str | None) -> dict[str, Any]:
    unit = opt_int(unit_id, "unit_id", "单位")
    code = (state or "").strip() or None
    if code is not None and code not in LEDGER_TASK.states:
        raise BadValue("「状态」无效，可选：" + "、".join(s.label for s in LEDGER_TASK.states.values()), field="state")
    flag = (overdue or "").strip()
    if flag not in ("", "yes", "no"):
        raise BadValue("「是否超期」无效，可选 yes 或 no", field="overdue")
    return {"unit_id": unit, "state": code, "overdue": None if not flag else flag == "yes"}


@router.get("/ledger/{ledger_id}")
def ledger_table(
    *,
    ledger_id: LedgerId,
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    unit_id: Text = None,
    task_state: Annotated[str | None, Query(alias="state", max_length=32)] = None,
    overdue: Text = None,
    created: Text = None,
) -> Response:
    actor = _staff(principal)
    ledger = actions.get_ledger(state.rt, ledger_id)
    everything = actions.ledger_rows(state.rt, ledger_id, viewer=actor)
    if not everything and not actions.may_import(actor):
        raise NotFound(f"台账 {ledger_id} 不存在或您无权查看", field="ledger")
    filters = _filters(unit_id, task_state, overdue)
    rows = actions.ledger_rows(state.rt, ledger_id, viewer=actor, **filters)
    tree = state.units.get()
    units = sorted({u for u in tree if any(u.name == r.owner for r in everything)}, key=lambda u: u.code)
    counts = {word: sum(1 for r in everything if r.status_label == word) for word in STATUS_COLOURS}
    query = {k: v for k, v in request.query_params.items() if k != "created"}
    return render(
        request,
        "ledger/table.html",
        {
            "ledger": ledger,
            "rows": rows,
            "total": len(everything),
            "counts": counts,
            "f": filters,
            "units": units,
            "states": LEDGER_TASK.states.values(),
            "colours": STATUS_COLOURS,
            "query": query,
            "created": bool(created),
            "now": state.rt.now(),
        },
    )


@router.get("/ledger/{ledger_id}/export.{fmt}")
def export(ledger_id: LedgerId, fmt: str, principal: PrincipalDep, state: StateDep) -> Response:
    actor = _staff(principal)
    if fmt not in ("xlsx", "docx"):
        raise BadValue("导出格式须为 xlsx 或 docx", field="fmt")
    ledger = actions.get_ledger(state.rt, ledger_id)
    rows = actions.ledger_rows(state.rt, ledger_id, viewer=actor)
    if not rows and not actions.may_import(actor):
        raise NotFound(f"台账 {ledger_id} 不存在或您无权查看", field="ledger")
    now = state.rt.now()
    if fmt == "xlsx":
        body = xlsx_bytes(ledger.title, rows, generated_at=now)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = docx_bytes(ledger.title, rows, generated_at=now)
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename=ledger-{ledger_id}.{fmt}",
            "Cache-Control": "no-store",
        },
    )


# -- a task -------------------------------------------------------------------------------------------------


def _task_page(
    request: Request,
    state: WebState,
    actor: Actor,
    number: str,
    *,
    done: str | None = None,
    error: DomainError | OrgError | None = None,
    failed: str | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    detail = actions.task_detail(state.rt, number, actor)
    now = state.rt.now()
    wt = state.rt.working_time()
    case = detail.case
    targets = actions.task_targets(state.rt, number, actor=actor)
    reports = [
        {
            "case": r,
            "state": LEDGER_REPORT.states[r.state],
            "clock": clock_view(r, now, wt),
        }
        for r in detail.reports
    ]
    return render(
        request,
        "ledger/task.html",
        {
            "d": detail,
            "case": case,
            "p": case.payload,
            "state_spec": LEDGER_TASK.states[case.state],
            "clock": clock_view(case, now, wt) if case.clock is not None else None,
            "targets": targets,
            "reports": reports,
            "history": detail.history,
            "labels": ACTION_LABELS,
            "status_choices": STATUS_CHOICES,
            "done": ACTION_LABELS.get(done or "") if done else None,
            "error": error,
            "failed": failed,
            "values": values or {},
            "now": now,
        },
        status_code=error.status if error is not None else 200,
    )


@router.get("/ledger/tasks/{number}")
def task_page(
    number: Number, request: Request, principal: PrincipalDep, state: StateDep, done: Text = None
) -> Response:
    actor = _staff(principal)
    return _task_page(request, state, actor, number, done=done)


TASK_OPS = ("report", "contribute", "submit", "review_report", "send_back", "complete", "cancel")
REPORT_OPS = ("accept_report", "send_back_report")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:20]


def _percent(raw: str) -> int | None:
    value = raw.strip().rstrip("%")
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > 100:
        raise BadValue("「完成进度」须为 0–100 的整数", field="percent")
    return int(value)


def _do(state: WebState, actor: Actor, number: str, op: str, form: Mapping[str, str]) -> None:
    rt = state.rt
    text = form.get("text", "")
    if op == "report":
        status = form.get("status") or "on_track"
        actions.file_report(
            rt,
            number,
            actor,
            text=_required(text, "text", "进展情况"),
            status=status,
            percent=_percent(form.get("percent", "")),
            evidence=_lines(form.get("evidence", "")),
        )
    elif op == "contribute":
        actions.contribute(
            rt,
            number,
            actor,
            text=_required(text, "text", "配合情况"),
            percent=_percent(form.get("percent", "")),
            evidence=_lines(form.get("evidence", "")),
        )
    elif op == "submit":
        actions.submit_completion(
            rt, number, actor, text=_required(text, "text", "完成情况"), evidence=_lines(form.get("evidence", ""))
        )
    elif op == "review_report":
        actions.review_report(rt, number, actor, verdict=form.get("verdict", ""), comment=form.get("comment", ""))
    elif op == "send_back":
        actions.send_back(rt, number, actor, reason=_required(form.get("reason", ""), "reason", "退回理由"))
    elif op == "complete":
        actions.complete(rt, number, actor, comment=form.get("comment", ""))
    elif op == "cancel":
        actions.cancel(rt, number, actor, reason=_required(form.get("reason", ""), "reason", "撤销理由"))
    elif op in REPORT_OPS:
        report = form.get("report", "").strip()
        detail = actions.task_detail(rt, number, actor)
        if report not in {r.number for r in detail.reports}:
            raise BadValue("「月调度报告」不属于该任务", field="report")
        if op == "accept_report":
            actions.accept_report(rt, report, actor)
        else:
            actions.send_back_report(rt, report, actor, reason=_required(form.get("reason", ""), "reason", "退回理由"))


def _required(text: str, field: str, label: str) -> str:
    if not text.strip():
        raise BadValue(f"请填写「{label}」", field=field)
    if len(text) > 2000:
        raise BadValue(f"「{label}」不能超过 2000 个字符", field=field)
    return text.strip()


@router.post("/ledger/tasks/{number}/{op}")
def task_action(
    *, number: Number, op: str, request: Request, principal: PrincipalDep, form: BigFormDep, state: StateDep
) -> Response:
    actor = _staff(principal)
    checked_form(request, form, principal)
    if op not in TASK_OPS + REPORT_OPS:
        raise NotFound(f"没有操作「{op}」", field="op")
    submitted = {key: text_value(v) for key, v in form.multi_items() if isinstance(v, str)}
    actions.task_detail(state.rt, number, actor)  # invisible tasks are 404 before anything else
    try:
        _do(state, actor, number, op, submitted)
    except NotFound:
        raise
    except (DomainError, OrgError) as exc:
        return _task_page(request, state, actor, number, error=exc, failed=op, values=submitted)
    return redirect(f"/ledger/tasks/{number}?done={op}")
