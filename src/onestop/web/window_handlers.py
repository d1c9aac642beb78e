"""The window's actions as the API and the pages both call them: one body model, one dispatch per case kind.

The API takes ``ActIn`` as JSON; a page form is turned into the same model (``act_from_form``), so both faces
check the same fields the same way and call the same actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, ValidationError

from onestop.actions import window
from onestop.cases.errors import InvalidAction
from onestop.errors import DomainError
from onestop.web.errors import validation_messages
from onestop.web.schemas import Strict
from onestop.web.state import WebState
from onestop.web.validators import SafeStr


class BadForm(DomainError):
    code = "validation_error"
    status = 422


class MaterialIn(Strict):
    code: SafeStr = Field(min_length=1, max_length=48, description="材料编码（见事项的材料清单）")
    form: Literal["original", "copy", "electronic"] = Field("original", description="原件 | 复印件 | 电子材料")
    defect: SafeStr = Field("", max_length=200, description="材料存在的问题（如签字缺失），无则留空")


class ActIn(Strict):
    expected_version: int | None = Field(None, ge=1, description="您看到的版本号；已被他人修改时返回 409")
    materials: list[MaterialIn] = Field(default_factory=list, max_length=60)
    texts: list[SafeStr] = Field(default_factory=list, max_length=30, description="补正材料、补正清单等文字项")
    deferred: list[SafeStr] = Field(default_factory=list, max_length=30, description="容缺后补的材料编码")
    deferral_signed_by: SafeStr = Field("", max_length=100)
    deferral_days: int = Field(10, ge=1, le=365)
    commitment_signed_by: SafeStr = Field("", max_length=100, description="告知承诺书签署人")
    reason: SafeStr = Field("", max_length=1000)
    note: SafeStr = Field("", max_length=1000)
    opinion: SafeStr = Field("", max_length=1000)
    credit_code: SafeStr = Field("", max_length=32, description="设立登记：新设企业的统一社会信用代码")
    extension: SafeStr = Field("", max_length=16, description="延长期限，如 10d")
    approved_by: SafeStr = Field("", max_length=100, description="批准延期的负责人")
    procedure: SafeStr = Field(
        "", max_length=32, description="hearing | inspection | testing | appraisal | expert_review"
    )
    result: SafeStr = Field("", max_length=1000)
    method: SafeStr = Field("", max_length=16, description="送达方式：window | post")
    recipient: SafeStr = Field("", max_length=100)
    tracking_number: SafeStr = Field("", max_length=64)
    address: SafeStr = Field("", max_length=300)


def materials(items: list[MaterialIn]) -> list[window.MaterialInput]:
    return [window.MaterialInput(m.code, m.form, m.defect) for m in items]


def act_on_application(state: WebState, actor: Any, number: str, action: str, body: ActIn) -> None:
    """One application action with the API's (or a page form's) fields."""
    rt, v = state.rt, body.expected_version
    if action == "accept":
        deferral = window.Deferral(body.deferral_signed_by, body.deferral_days) if body.deferred else None
        window.accept(
            rt,
            number,
            actor,
            materials=materials(body.materials),
            deferred=body.deferred,
            deferral=deferral,
            commitment_signed_by=body.commitment_signed_by or None,
            expected_version=v,
        )
    elif action == "notify":
        window.notify(rt, number, actor, materials=materials(body.materials), note=body.note, expected_version=v)
    elif action == "resubmit":
        window.resubmit(rt, number, actor, materials=materials(body.materials), expected_version=v)
    elif action == "refuse":
        window.refuse(rt, number, actor, reason=body.reason, expected_version=v)
    elif action == "supplement":
        window.supplement(rt, number, actor, materials=body.texts, expected_version=v)
    elif action == "receive_deferred":
        window.receive_deferred(rt, number, actor, materials=materials(body.materials), expected_version=v)
    elif action == "withdraw":
        window.withdraw(rt, number, actor, reason=body.reason, expected_version=v)
    elif action == "issue":
        window.issue(rt, number, actor, expected_version=v)
    elif action == "deliver":
        window.deliver(
            rt,
            number,
            actor,
            method=body.method,
            recipient=body.recipient,
            tracking_number=body.tracking_number,
            address=body.address,
            expected_version=v,
        )
    else:
        raise InvalidAction(f"申请没有「{action}」这一操作", field="action")


def act_on_approval(state: WebState, actor: Any, number: str, action: str, body: ActIn) -> None:
    rt, v = state.rt, body.expected_version
    if action == "approve":
        window.approve(
            rt, number, actor, opinion=body.opinion, credit_code=body.credit_code or None, expected_version=v
        )
    elif action == "deny":
        window.deny(rt, number, actor, reason=body.reason, expected_version=v)
    elif action == "request_supplement":
        window.request_supplement(rt, number, actor, items=body.texts, expected_version=v)
    elif action == "extend":
        window.extend(
            rt,
            number,
            actor,
            extension=body.extension,
            reason=body.reason,
            approved_by=body.approved_by,
            expected_version=v,
        )
    elif action == "start_special":
        window.start_special(rt, number, actor, procedure=body.procedure, reason=body.reason, expected_version=v)
    elif action == "end_special":
        window.end_special(rt, number, actor, result=body.result, expected_version=v)
    else:
        raise InvalidAction(f"部门审批没有「{action}」这一操作", field="action")


def act_from_form(
    fields: Mapping[str, str], *, materials_given: Sequence[str], forms: Mapping[str, str], deferred: Sequence[str]
) -> ActIn:
    """A page form as ``ActIn``: ticked materials with their forms, one text item per line, the rest as is."""
    data: dict[str, Any] = {k: v for k, v in fields.items() if k in ActIn.model_fields and v.strip()}
    if "expected_version" in data or "deferral_days" in data:
        for key in ("expected_version", "deferral_days"):
            if key in data:
                data[key] = data[key].strip()
    if "texts" in data:
        data["texts"] = [line.strip() for line in str(data["texts"]).splitlines() if line.strip()]
    data["materials"] = [{"code": code, "form": forms.get(code) or "original"} for code in materials_given]
    data["deferred"] = list(deferred)
    try:
        return ActIn.model_validate(data)
    except ValidationError as exc:
        first = validation_messages(exc.errors())[0]
        raise BadForm(first.message, field=first.field) from None


def act_generic(
    state: WebState,
    actor: Any,
    number: str,
    *,
    kind: str,
    action: str,
    values: Mapping[str, Any],
    expected_version: int | None,
) -> bool:
    """For the generic case page and API (``web.handlers.act``): a window case's action must go through the
    window's action layer (approvals opened on acceptance, a bundle stopped by a refusal, certificates signed on
    issuance), never through plain ``perform``. Returns False for kinds that are not the window's."""
    from onestop.window.kinds import APPLICATION, APPROVAL

    if kind not in (APPLICATION, APPROVAL):
        return False
    data: dict[str, Any] = {k: v for k, v in values.items() if k in ActIn.model_fields}
    for name in ("items", "materials"):
        value = values.get(name)
        if isinstance(value, list | tuple):
            data["texts"] = [str(v) for v in value]
        elif isinstance(value, str) and value.strip():
            data["texts"] = [line.strip() for line in value.splitlines() if line.strip()]
    data.pop("materials", None)
    data["expected_version"] = expected_version
    try:
        body = ActIn.model_validate(data)
    except ValidationError as exc:
        first = validation_messages(exc.errors())[0]
        raise BadForm(first.message, field=first.field) from None
    if kind == APPLICATION:
        act_on_application(state, actor, number, action, body)
    else:
        act_on_approval(state, actor, number, action, body)
    return True
