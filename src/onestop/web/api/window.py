"""JSON API of the window module (一窗受理 · 一网通办 · 一件事一次办).

* ``GET /window/catalog`` (public) — items and bundles; ``GET /window/catalog/{code}`` — one target with its
  materials; a window clerk may pass the applicant's identifier to see which materials are 免提交 and why.
* ``POST /window/applications`` — a clerk files at the window, an applicant's account files online (预审).
* ``GET /window/applications/{number}`` — materials, approvals, stages, timeline (the applicant's own, the
  center's clerks, the departments involved, supervisors of the region).
* ``POST /window/applications/{number}/{action}`` — accept, notify, resubmit, refuse, supplement,
  receive_deferred, withdraw, issue, deliver.
* ``GET /window/approvals`` — the department's queue; ``POST /window/approvals/{number}/{action}`` — approve,
  deny, request_supplement, extend, start_special, end_special.

Permission checks are the action layer's (``onestop.window.access``); what a caller may not see is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from onestop.actions import window, window_reads
from onestop.actions.window_reads import ApplicationView, ApprovalView
from onestop.catalog import default_catalog
from onestop.org.roles import Role
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.schemas import Strict
from onestop.web.state import WebState, web_state
from onestop.web.validators import SafeStr
from onestop.web.window_handlers import ActIn, MaterialIn, act_on_application, act_on_approval, materials
from onestop.window.access import (
    access_application,
    access_approval_act,
    access_approval_queue,
    access_certificate_lookup,
)

router = APIRouter(prefix="/window", tags=["一窗受理"])

StateDep = Annotated[WebState, Depends(web_state)]
Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$", description="办件编号")]
Code = Annotated[str, Path(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_]+$", description="事项或一件事编码")]


class ApplicantIn(Strict):
    kind: Literal["person", "enterprise"] = Field(description="申请人类型：person 个人 | enterprise 企业")
    name: SafeStr = Field(min_length=1, max_length=200, description="姓名或企业名称")
    id_number: SafeStr = Field(min_length=1, max_length=32, description="身份证号或统一社会信用代码")
    phone: SafeStr | None = Field(None, max_length=32)


class SubmitIn(Strict):
    target: SafeStr = Field(min_length=1, max_length=48, description="事项编码或一件事编码")
    variant: SafeStr | None = Field(None, max_length=48, description="一件事的办理方式，如 express")
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list, max_length=60)
    details: dict[str, SafeStr] = Field(default_factory=dict, description="表单内容，如 enterprise_name")


def _clock(view: Any) -> dict[str, Any]:
    return {
        "colour": view.colour,
        "limit": view.limit_label or view.limit,
        "due": None if view.due is None else view.due.isoformat(),
        "provisional": view.provisional,
        "paused": view.paused,
    }


def _approval(a: ApprovalView) -> dict[str, Any]:
    return {
        "number": a.case.number,
        "version": a.case.version,
        "department": a.unit_name,
        "state": a.case.state,
        "state_label": a.state_label,
        "items": [{"code": i.get("code"), "name": i.get("name")} for i in a.items],
        "application": a.application,
        "target_name": a.target_name,
        "stage": a.stage,
        "clock": _clock(a.clock),
    }


def _application(v: ApplicationView) -> dict[str, Any]:
    p = v.case.payload
    return {
        "number": v.case.number,
        "version": v.case.version,
        "state": v.case.state,
        "state_label": v.state_label,
        "target": p.get("target"),
        "target_name": p.get("target_name"),
        "channel": p.get("channel"),
        "catalog_version": p.get("catalog_version"),
        "applicant": v.party_name,
        "applicant_id": v.party_id_masked,
        "service_center": v.unit_name,
        "clock": _clock(v.clock),
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "status": m.status,
                "status_label": m.status_label,
                "reason": m.reason,
                "certificate_number": m.certificate_number,
            }
            for m in v.materials
        ],
        "approvals": [_approval(a) for a in v.approvals],
        "stages": [
            {
                "number": s.case.number,
                "name": s.name,
                "lead": s.unit_name,
                "state": s.case.state,
                "state_label": s.state_label,
            }
            for s in v.stages
        ],
        "notices": p.get("notices") or [],
        "deferral": p.get("deferral"),
        "inspection": p.get("inspection"),
        "outstanding_deferred": v.outstanding,
        "results": p.get("results") or [],
        "delivery": p.get("delivery"),
        "timeline": [
            {"at": t.at.isoformat(), "action": t.label, "actor": t.actor, "state": t.to_label} for t in v.timeline
        ],
    }


@router.get("/catalog", summary="事项清单：事项与一件事（公开）")
def catalog() -> dict[str, Any]:
    c = default_catalog()
    return {
        "version": c.version,
        "content_hash": c.content_hash,
        "title": c.title,
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "department": i.department,
                "kind": i.kind.label,
                "statutory_limit": str(i.statutory_limit),
                "committed_limit": str(i.committed_limit),
                "notify_commit": i.notify_commit,
                "legal_basis": i.legal_basis,
            }
            for i in c.items.values()
        ],
        "bundles": [
            {
                "code": b.code,
                "name": b.name,
                "items": list(b.items),
                "limit": str(b.limit),
                "variants": [{"code": v.code, "name": v.name, "limit": str(v.limit)} for v in b.variants],
                "stages": [{"name": s.name, "lead": s.lead, "limit": str(s.limit)} for s in b.stages],
            }
            for b in c.bundles.values()
        ],
    }


@router.get("/catalog/{code}", summary="一个事项或一件事的材料清单；窗口受理员可查申请人的免提交材料")
def target(
    *,
    code: Code,
    principal: ApiPrincipal,
    state: StateDep,
    variant: Annotated[SafeStr | None, Query(max_length=48)] = None,
    applicant_kind: Annotated[Literal["person", "enterprise"], Query()] = "enterprise",
    id_number: Annotated[SafeStr | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    applicant = None
    if id_number:
        access_certificate_lookup(require_actor(principal))
        applicant = window.Applicant(applicant_kind, "", id_number)
    tgt, check = window.preview(state.rt, code, variant=variant, applicant=applicant)
    return {
        "code": tgt.code,
        "name": tgt.name,
        "limit": str(tgt.limit),
        "items": [{"code": i.code, "name": i.name, "department": i.department} for i in tgt.items],
        "materials": [
            {
                "code": line.code,
                "name": line.name,
                "form": line.requirement.form.label,
                "deferrable": line.requirement.deferrable,
                "by_commitment": line.requirement.by_commitment,
                "exempt": line.status.value == "exempt",
                "reason": line.reason if line.status.value == "exempt" else "",
            }
            for line in check.lines
        ],
    }


@router.post("/applications", summary="提交申请：窗口受理员代为登记，或申请人网上申请（预审）", status_code=201)
def submit(body: SubmitIn, principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    actor = require_actor(principal)
    channel = "online" if actor.has_role(Role.PUBLIC) and not actor.has_role(Role.WINDOW_CLERK) else "window"
    sub = window.submit(
        state.rt,
        body.target,
        applicant=window.Applicant(
            body.applicant.kind, body.applicant.name, body.applicant.id_number, body.applicant.phone
        ),
        actor=actor,
        channel=channel,
        variant=body.variant,
        materials=materials(body.materials),
        details=body.details,
    )
    return {
        "number": sub.case.number,
        "verification_code": sub.code,
        "state": sub.case.state,
        "complete": sub.check.complete,
        "problems": sub.check.notice_items(),
        "exempt": [line.reason for line in sub.check.lines if line.status.value == "exempt"],
    }


def _visible(state: WebState, principal: ApiPrincipal, number: str) -> ApplicationView:
    actor = require_actor(principal)
    view = window_reads.application_view(state.rt, number)
    access_application(actor, view.case, state.units.get(), owner_id=view.owner_id, department_ids=view.department_ids)
    return view


@router.get("/applications/{number}", summary="申请详情：材料、部门审批、阶段、时间线")
def application(number: Number, principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    return _application(_visible(state, principal, number))


APPLICATION_ACTIONS = (
    "accept",
    "notify",
    "resubmit",
    "refuse",
    "supplement",
    "receive_deferred",
    "withdraw",
    "issue",
    "deliver",
)


@router.post("/applications/{number}/{action}", summary="对申请执行操作（受理、一次性告知、补正、出件、送达……）")
def application_action(
    number: Number, action: Code, body: ActIn, principal: ApiPrincipal, state: StateDep
) -> dict[str, Any]:
    actor = require_actor(principal)
    act_on_application(state, actor, number, action, body)
    return _application(_visible(state, principal, number))


@router.get("/approvals", summary="本部门的审批队列")
def approvals(principal: ApiPrincipal, state: StateDep) -> list[dict[str, Any]]:
    actor = access_approval_queue(require_actor(principal))
    return [_approval(a) for a in window_reads.approval_queue(state.rt, actor)]


@router.get("/approvals/{number}", summary="一个部门审批")
def approval(number: Number, principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    actor = require_actor(principal)
    view, timeline = window_reads.approval_view(state.rt, number)
    access_approval_act(actor, view.case, state.units.get())
    out = _approval(view)
    out["timeline"] = [{"at": t.at.isoformat(), "action": t.label, "actor": t.actor} for t in timeline]
    return out


@router.post("/approvals/{number}/{action}", summary="部门审批操作（准予、不予许可、补正、延期、特别程序）")
def approval_action(
    number: Number, action: Code, body: ActIn, principal: ApiPrincipal, state: StateDep
) -> dict[str, Any]:
    actor = require_actor(principal)
    act_on_approval(state, actor, number, action, body)
    view, _ = window_reads.approval_view(state.rt, number)
    return _approval(view)
