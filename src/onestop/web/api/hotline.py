"""JSON API of the 12345 hotline (/api/v1/hotline): intake, dispatch suggestions, the request's actions,
queues, the knowledge base, statistics and settings. Open311 GeoReport v2 is ``onestop.web.open311``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, field_validator

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.actions import hotline_router as router_actions
from onestop.actions import hotline_stats as hs
from onestop.actions.intake import FormInvalid
from onestop.cases.case import Case
from onestop.cases.errors import NotFound
from onestop.cases.kinds import get_kind
from onestop.hotline.access import access_center, access_staff
from onestop.hotline.intake import RequestInvalid
from onestop.hotline.kinds import Channel
from onestop.hotline.stats import StatsRow
from onestop.org.roles import Role
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.state import WebState, web_state
from onestop.web.validators import EARLIEST_DATE, INT_MAX, LATEST_DATE, SafeStr, check_json

router = APIRouter(prefix="/hotline", tags=["12345 热线"])

StateDep = Annotated[WebState, Depends(web_state)]
Number = Annotated[SafeStr, Path(min_length=1, max_length=40, description="工单编号")]
UnitIdField = Annotated[int, Field(ge=1, le=INT_MAX)]


class Strict(BaseModel):
    model_config = {"extra": "forbid"}


class RequestIn(Strict):
    """诉求登记：text 必填；电话、身份证号按国家标准校验；
    category 为 consult/help/complaint/report/suggestion/praise。"""

    text: SafeStr = Field(default="", max_length=5000, description="诉求内容")
    title: SafeStr = Field(default="", max_length=200)
    category: SafeStr = Field(default="complaint", max_length=32, description="诉求类型")
    urgency: SafeStr = Field(default="ordinary", max_length=32, description="紧急程度：urgent/ordinary/complex")
    requester_name: SafeStr = Field(default="", max_length=100)
    phone: SafeStr = Field(default="", max_length=40)
    id_number: SafeStr = Field(default="", max_length=40)
    anonymous: bool = False
    address: SafeStr = Field(default="", max_length=400)
    region_code: SafeStr = Field(default="", max_length=12)
    attachments: list[SafeStr] = Field(default_factory=list, max_length=20)
    channel: Literal["phone", "web", "api"] = Field(default="api", description="受理渠道")
    lead_unit_id: UnitIdField | None = Field(default=None, description="同时派单：主办单位（紧急诉求必填）")
    co_unit_ids: list[UnitIdField] = Field(default_factory=list, max_length=10)
    suggested: list[UnitIdField] = Field(default_factory=list, max_length=3)


class Suggestion(BaseModel):
    unit_id: int
    name: str
    score: float


class DuplicateOut(BaseModel):
    number: str
    score: float
    reason: str


class RequestOut(BaseModel):
    number: str
    state: str
    state_label: str
    version: int
    unit_id: int | None
    lead_unit: str | None
    category: str
    urgency: str
    channel: str
    title: str
    text: str
    address: str
    requester_name: str
    phone_masked: str = Field(description="联系电话（列表中一律脱敏）")
    master: str | None
    due_at: datetime | None
    alarm: str
    received_at: datetime
    reply: str | None
    actions: list[str] = Field(default_factory=list, description="当前用户可执行的操作代码")


class Receipt(BaseModel):
    request: RequestOut
    verification_code: str = Field(description="查询码：仅显示一次，凭工单编号和查询码查询进度")
    duplicates: list[DuplicateOut]


def _out(row: hl.RequestRow, actions: list[str] | None = None) -> RequestOut:
    case = row.case
    kind = get_kind(case.kind)
    phone = row.phone
    if phone and "*" not in phone:
        from onestop.org.masking import mask_phone

        phone = mask_phone(phone)
    return RequestOut(
        number=case.number,
        state=case.state,
        state_label=kind.states[case.state].label,
        version=case.version,
        unit_id=case.unit_id,
        lead_unit=_text(case.payload.get("lead_unit")),
        category=row.category,
        urgency=row.urgency,
        channel=row.channel,
        title=str(case.payload.get("title") or ""),
        text=row.text,
        address=row.address,
        requester_name="匿名" if row.anonymous else row.requester_name,
        phone_masked=phone,
        master=row.master,
        due_at=case.due_at,
        alarm=case.alarm.value,
        received_at=row.received_at,
        reply=_text(case.payload.get("reply")),
        actions=actions or [],
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _actions(case: Case, principal_roles: frozenset[str]) -> list[str]:
    from onestop.cases.engine import valid_actions

    return [a.code for a in valid_actions(case) if not a.system_only and not principal_roles.isdisjoint(a.roles)]


@router.post("/requests", summary="登记诉求（话务员、接口；可同时派单）", response_model=Receipt, status_code=201)
def create_request(body: RequestIn, principal: ApiPrincipal, state: StateDep) -> Receipt:
    actor = require_actor(principal)
    if body.channel == "phone" or body.lead_unit_id is not None:
        access_center(actor)
    order = None
    if body.lead_unit_id is not None:
        order = hl.DispatchOrder(body.lead_unit_id, tuple(body.co_unit_ids), suggested=tuple(body.suggested))
    values = body.model_dump(exclude={"channel", "lead_unit_id", "co_unit_ids", "suggested"})
    owner = actor.user_id if actor.has_role(Role.PUBLIC) else None
    try:
        reg = hl.register_request(
            state.rt, actor, values, channel=Channel(body.channel), dispatch_to=order, owner_user_id=owner
        )
    except RequestInvalid as exc:
        raise FormInvalid(exc.errors) from None  # the web layer's per-field error list
    row = hl.get_request(state.rt, actor, reg.case.number) if _may_see(state, actor, reg.case) else None
    out = _out(row) if row is not None else _minimal(reg.case)
    return Receipt(
        request=out,
        verification_code=reg.code,
        duplicates=[DuplicateOut(number=m.case_number, score=m.score, reason=m.reason) for m in reg.duplicates],
    )


def _may_see(state: WebState, actor: Any, case: Case) -> bool:
    from onestop.hotline.access import access_request

    try:
        access_request(actor, case, state.units.get())
    except NotFound:  # the API client filed it but may not read it back
        return False
    return True


def _minimal(case: Case) -> RequestOut:
    kind = get_kind(case.kind)
    p = case.payload
    return RequestOut(
        number=case.number,
        state=case.state,
        state_label=kind.states[case.state].label,
        version=case.version,
        unit_id=case.unit_id,
        lead_unit=None,
        category=str(p.get("category")),
        urgency=str(p.get("urgency")),
        channel=str(p.get("channel")),
        title=str(p.get("title") or ""),
        text=str(p.get("text") or ""),
        address=str(p.get("address") or ""),
        requester_name=str(p.get("applicant") or ""),
        phone_masked="",
        master=None,
        due_at=case.due_at,
        alarm=case.alarm.value,
        received_at=case.created_at,
        reply=None,
        actions=[],
    )


@router.get("/requests", summary="工单队列（待派单、退单待审、答复待审、待回访 …）", response_model=list[RequestOut])
def list_requests(
    principal: ApiPrincipal,
    state: StateDep,
    queue: Annotated[SafeStr, Query(max_length=20, description="队列：" + "、".join(hl.QUEUES))] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[RequestOut]:
    actor = require_actor(principal)
    return [_out(r) for r in hl.queue(state.rt, actor, queue, limit=limit)]


@router.get("/requests/{number}", summary="工单详情", response_model=RequestOut)
def get_request(number: Number, principal: ApiPrincipal, state: StateDep) -> RequestOut:
    actor = require_actor(principal)
    row = hl.get_request(state.rt, actor, number)
    return _out(row, _actions(row.case, frozenset(actor.roles)))


@router.get("/requests/{number}/duplicates", summary="疑似重复工单（并单建议）", response_model=list[DuplicateOut])
def duplicates(number: Number, principal: ApiPrincipal, state: StateDep) -> list[DuplicateOut]:
    actor = require_actor(principal)
    return [
        DuplicateOut(number=m.case_number, score=m.score, reason=m.reason)
        for m in hl.duplicates_of(state.rt, actor, number)
    ]


class ActionIn(Strict):
    """一项操作：action 为 dispatch/designate/accept/return/request_extension/approve_extension/
    reject_extension/reply/approve_reply/send_back/visit/conclude/merge/direct_answer/reject。"""

    action: Literal[
        "dispatch",
        "designate",
        "accept",
        "return",
        "request_extension",
        "approve_extension",
        "reject_extension",
        "reply",
        "approve_reply",
        "send_back",
        "visit",
        "conclude",
        "merge",
        "direct_answer",
        "reject",
    ]
    expected_version: int | None = Field(default=None, ge=1, le=INT_MAX)
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("data")
    @classmethod
    def _safe(cls, value: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = check_json(value)
        return checked


@router.post("/requests/{number}/actions", summary="执行工单操作", response_model=RequestOut)
def act(number: Number, body: ActionIn, principal: ApiPrincipal, state: StateDep) -> RequestOut:
    actor = require_actor(principal)
    perform(state, actor, number, body.action, body.data, body.expected_version)
    row = hl.get_request(state.rt, actor, number)
    return _out(row, _actions(row.case, frozenset(actor.roles)))


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _int(data: dict[str, Any], key: str, label: str) -> int:
    from onestop.hotline.rules import HotlineError

    value = data.get(key)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise HotlineError(f"请选择「{label}」", field=key) from None
    if not 1 <= number <= INT_MAX:
        raise HotlineError(f"「{label}」无效", field=key)
    return number


def _ints(data: dict[str, Any], key: str) -> tuple[int, ...]:
    raw = data.get(key) or []
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").split(",") if p.strip()]
    if not isinstance(raw, list):
        return ()
    out = []
    for item in raw:
        out.append(_int({"v": item}, "v", "协办单位"))
    return tuple(out)


def perform(  # noqa: PLR0917  (one dispatch table for the API and the pages)
    state: WebState, actor: Any, number: str, action: str, data: dict[str, Any], version: int | None
) -> Case:
    """One hotline action from a form or JSON body: the same validation for the API and the pages."""
    rt = state.rt
    if action in ("dispatch", "designate"):
        order = hl.DispatchOrder(
            _int(data, "lead_unit_id", "主办单位"),
            _ints(data, "co_unit_ids"),
            designate=action == "designate",
            reason=_str(data, "reason"),
            suggested=_ints(data, "suggested")[:3],
        )
        return hl.dispatch(rt, actor, number, order, expected_version=version)
    if action == "accept":
        return hl.accept(rt, actor, number, expected_version=version)
    if action == "return":
        return hl.return_request(rt, actor, number, reason=_str(data, "return_reason"), expected_version=version)
    if action == "request_extension":
        return hl.request_extension(
            rt, actor, number, extension=_str(data, "extension"), reason=_str(data, "reason"), expected_version=version
        )
    if action in ("approve_extension", "reject_extension"):
        return hl.decide_extension(
            rt,
            actor,
            number,
            approve=action == "approve_extension",
            extension=_str(data, "extension") or None,
            reason=_str(data, "reason"),
            expected_version=version,
        )
    if action == "reply":
        return hl.reply(rt, actor, number, text=_str(data, "reply"), expected_version=version)
    if action in ("approve_reply", "send_back"):
        return hl.review_reply(
            rt, actor, number, approve=action == "approve_reply", reason=_str(data, "reason"), expected_version=version
        )
    if action == "visit":
        solved = data.get("solved")
        solved_flag = solved is True or str(solved).lower() in ("1", "true", "yes", "on", "是")
        return hl.return_visit(
            rt,
            actor,
            number,
            result=_str(data, "result"),
            solved=solved_flag,
            comment=_str(data, "comment"),
            expected_version=version,
        )
    if action == "conclude":
        return hl.conclude(rt, actor, number, comment=_str(data, "comment"), expected_version=version)
    if action == "merge":
        return hl.merge(rt, actor, number, master=_str(data, "master"), expected_version=version)
    if action == "direct_answer":
        entry = _str(data, "kb_entry_id")
        return hl.direct_answer(
            rt,
            actor,
            number,
            reply_text=_str(data, "reply"),
            kb_entry_id=_int(data, "kb_entry_id", "知识库条目") if entry else None,
            expected_version=version,
        )
    if action == "reject":
        return hl.reject(rt, actor, number, reason=_str(data, "reason"), expected_version=version)
    from onestop.hotline.rules import HotlineError

    raise HotlineError(f"未知的操作「{action}」", field="action")


@router.get("/suggest", summary="智能派单：推荐承办单位（前 3 名）", response_model=list[Suggestion])
def suggest(
    principal: ApiPrincipal,
    state: StateDep,
    text: Annotated[SafeStr, Query(min_length=1, max_length=4000, description="诉求内容")],
) -> list[Suggestion]:
    access_center(require_actor(principal))
    return [Suggestion(unit_id=s.unit_id, name=s.name, score=s.score) for s in router_actions.suggest(state.rt, text)]


# -- 知识库 ---------------------------------------------------------------------------------------------------


class KbIn(Strict):
    question: SafeStr = Field(max_length=300)
    answer: SafeStr = Field(max_length=5000)
    keywords: list[SafeStr] = Field(default_factory=list, max_length=20)
    unit_id: UnitIdField | None = None
    category: SafeStr | None = Field(default=None, max_length=32)
    valid_from: date | None = Field(default=None, ge=EARLIEST_DATE, le=LATEST_DATE)
    valid_until: date | None = Field(default=None, ge=EARLIEST_DATE, le=LATEST_DATE)


class KbOut(BaseModel):
    id: int
    question: str
    answer: str
    keywords: list[str]
    unit_id: int | None
    category: str | None
    valid_from: date | None
    valid_until: date | None
    active: bool
    hits: int


class KbHit(BaseModel):
    entry: KbOut
    score: float
    matched: list[str]


def _kb(e: kb.KbEntry) -> KbOut:
    return KbOut(
        id=e.id,
        question=e.question,
        answer=e.answer,
        keywords=list(e.keywords),
        unit_id=e.unit_id,
        category=e.category,
        valid_from=e.valid_from,
        valid_until=e.valid_until,
        active=e.active,
        hits=e.hits,
    )


@router.get("/kb/search", summary="知识库检索（话务员边听边查）", response_model=list[KbHit])
def kb_search(
    principal: ApiPrincipal,
    state: StateDep,
    q: Annotated[SafeStr, Query(max_length=500, description="检索内容")] = "",
    category: Annotated[SafeStr | None, Query(max_length=32)] = None,
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[KbHit]:
    actor = require_actor(principal)
    access_staff(actor, "知识库检索仅供工作人员使用")
    hits = kb.search(state.rt, q, k=k, category=category)
    return [KbHit(entry=_kb(kb.get_entry(state.rt, h.entry.id)), score=h.score, matched=list(h.matched)) for h in hits]


@router.get("/kb", summary="知识库条目", response_model=list[KbOut])
def kb_list(principal: ApiPrincipal, state: StateDep) -> list[KbOut]:
    require_actor(principal)
    return [_kb(e) for e in kb.list_entries(state.rt)]


@router.post("/kb", summary="新增知识库条目（话务员；承办单位限本单位）", response_model=KbOut, status_code=201)
def kb_add(body: KbIn, principal: ApiPrincipal, state: StateDep) -> KbOut:
    actor = require_actor(principal)
    return _kb(kb.add_entry(state.rt, actor, **body.model_dump()))


class KbActive(Strict):
    active: bool


@router.post("/kb/{entry_id}/active", summary="启用或停用知识库条目", response_model=KbOut)
def kb_active(
    entry_id: Annotated[int, Path(ge=1, le=INT_MAX)], body: KbActive, principal: ApiPrincipal, state: StateDep
) -> KbOut:
    return _kb(kb.set_active(state.rt, require_actor(principal), entry_id, active=body.active))


# -- 统计 ------------------------------------------------------------------------------------------------------


class StatsRowOut(BaseModel):
    key: str
    label: str
    received: int
    replied: int
    on_time: int
    approved: int
    closed: int
    visited: int
    satisfied: int
    solved: int
    returns: int
    extensions: int
    duplicates: int
    direct: int
    supervision: int
    overdue: int
    on_time_rate: float | None = Field(description="按期办结率")
    reply_rate: float | None = Field(description="回复率")
    close_rate: float | None = Field(description="办结率")
    visit_rate: float | None = Field(description="回访率")
    satisfaction_rate: float | None = Field(description="满意率")
    solve_rate: float | None = Field(description="解决率")


class StatsOut(BaseModel):
    start: date
    end: date
    by: str
    rows: list[StatsRowOut]
    total: StatsRowOut


def _row(r: StatsRow) -> StatsRowOut:
    return StatsRowOut(**r.to_json())


@router.get("/stats", summary="统计：按单位或诉求类型", response_model=StatsOut)
def stats(
    principal: ApiPrincipal,
    state: StateDep,
    start: Annotated[date, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="开始日期")],
    end: Annotated[date, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="结束日期（含）")],
    by: Annotated[Literal["unit", "category"], Query(description="口径")] = "unit",
) -> StatsOut:
    result = hs.statistics(state.rt, require_actor(principal), start=start, end=end, by=by)
    return StatsOut(start=result.start, end=result.end, by=result.by, rows=[_row(r) for r in result.rows],
                    total=_row(result.total))  # fmt: skip


# -- 设置 ------------------------------------------------------------------------------------------------------


@router.get("/settings", summary="热线设置（时限、签收时限、延期上限、回访时限）")
def get_settings(principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    access_center(require_actor(principal))
    return hl.get_settings(state.rt).to_json()


class SettingsIn(Strict):
    """只需提交要修改的项；limits 为「类型:紧急程度 → 时限」，如 {"complaint:ordinary": "3d", "*:urgent": "2h"}。"""

    limits: dict[SafeStr, SafeStr] | None = Field(default=None, max_length=50)
    sign_window: SafeStr | None = Field(default=None, max_length=16, description="签收/退单时限")
    max_extension: SafeStr | None = Field(default=None, max_length=16, description="延期上限（累计）")
    visit_window: SafeStr | None = Field(default=None, max_length=16, description="回访时限")
    returns_for_supervision: int | None = Field(default=None, ge=1, le=100, description="提请督办的退单次数")
    duplicate_days: int | None = Field(default=None, ge=1, le=366, description="并单比对天数")
    duplicate_threshold: float | None = Field(default=None, gt=0, le=1, description="并单相似度阈值")


@router.put("/settings", summary="修改热线设置")
def put_settings(body: SettingsIn, principal: ApiPrincipal, state: StateDep) -> dict[str, Any]:
    actor = require_actor(principal)
    current = hl.get_settings(state.rt).to_json()
    changes = body.model_dump(exclude_none=True)
    if "limits" in changes:
        changes["limits"] = {**current["limits"], **changes["limits"]}
    return hl.save_settings(state.rt, actor, {**current, **changes}).to_json()
