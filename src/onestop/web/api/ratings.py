"""JSON API of 好差评: rate a finished case, list ratings, statistics, rectification steps, appeals, limits.

Rating is open to the public (their account, or the case number and verification code, throttled like the
lookup); everything else is for staff, scoped to the units they may read (invisible = 404).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from onestop.actions import ratings as actions
from onestop.actions import ratings_reads as reads
from onestop.auth import throttle
from onestop.cases.case import Case
from onestop.cases.errors import DomainError, NotFound
from onestop.db.engine import read, write
from onestop.org.users import Actor
from onestop.ratings.access import access_ratings
from onestop.ratings.errors import InvalidRating
from onestop.ratings.kinds import RATING_APPEAL_KIND, RECTIFICATION_KIND
from onestop.ratings.stats import Tally
from onestop.web.deps import ApiPrincipal, require_actor
from onestop.web.present import local
from onestop.web.state import WebState, web_state
from onestop.web.validators import EARLIEST_DATE, INT_MAX, LATEST_DATE, no_nul
from onestop.worktime import TZ

router = APIRouter(tags=["好差评"])

StateDep = Annotated[WebState, Depends(web_state)]
Text = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
Required = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(no_nul)
]
CaseNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(no_nul)]
Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$", description="办件编号")]
RatingId = Annotated[int, Path(ge=1, le=INT_MAX, description="评价编号")]
Step = Literal["contact", "verify", "rectify", "explain", "callback", "close_unreachable"]


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429


# -- bodies ------------------------------------------------------------------------------------------------------


class RateRequest(BaseModel):
    number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(no_nul)
    ]
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意；1、2 为差评")
    channel: Literal["window_device", "online", "app", "phone", "sms"] = "online"
    comment: Text = ""
    tags: list[Annotated[str, StringConstraints(max_length=32)]] = Field(default_factory=list, max_length=10)
    anonymous: bool = Field(default=False, description="匿名评价：不留姓名，无法回访")
    code: Annotated[str, StringConstraints(max_length=32), AfterValidator(no_nul)] | None = Field(
        default=None, description="查询码（未登录时凭办件编号和查询码评价）"
    )


class RatingReceipt(BaseModel):
    id: int
    number: str
    level: int
    level_label: str
    bad: bool
    real_name: bool
    rectification_number: str | None = Field(description="差评自动生成的整改办件编号")


class RatingOut(BaseModel):
    id: int
    case_number: str
    case_kind: str
    unit_id: int | None
    unit_name: str
    item_code: str | None
    channel: str
    channel_label: str
    scope: str
    level: int
    level_label: str
    bad: bool
    real_name: bool
    rater: str
    rater_phone: str = Field(description="已脱敏")
    comment: str = Field(description="已脱敏")
    tags: list[str]
    rated_at: datetime
    status: Literal["valid", "annulled"]
    annulled_at: datetime | None
    rectification_number: str | None
    rectification_state: str | None
    appeal_number: str | None
    appeal_state: str | None
    appeal_reason: str | None


class Rates(BaseModel):
    coverage: float | None = Field(description="评价覆盖率 = 已评价的办结件 / 办结件")
    good_rate: float | None = Field(description="好评率 = 满意、非常满意 / 有效评价")
    satisfied_rate: float | None = Field(description="满意率 = 基本满意及以上 / 有效评价")
    callback_rate: float | None = Field(description="实名差评回访率 = 已回访的实名差评 / 实名差评")
    rectification_rate: float | None = Field(description="整改率 = 整改完成的差评 / 差评")
    rectification_rate_real: float | None
    rectification_rate_anonymous: float | None


class TallyOut(BaseModel):
    finished: int
    rated: int
    ratings: int
    by_level: dict[str, int] = Field(description="各等级有效评价数，键为等级 1–5")
    bad: int
    bad_real: int
    bad_anonymous: int
    called_back: int
    rectified_real: int
    rectified_anonymous: int
    contact_overdue: int
    annulled: int
    rates: Rates


class StatsRowOut(BaseModel):
    key: str
    label: str
    tally: TallyOut


class StatsOut(BaseModel):
    group: Literal["unit", "item"]
    start: datetime
    end: datetime
    rows: list[StatsRowOut]
    total: TallyOut


class StepRequest(BaseModel):
    data: dict[str, Text] = Field(
        default_factory=dict,
        description="note / finding / measures / explanation / "
        "result（satisfied、basically_satisfied、dissatisfied）/ reason",
    )
    expected_version: int | None = Field(default=None, ge=1, le=INT_MAX)


class RectificationOut(BaseModel):
    number: str
    state: str
    state_label: str
    version: int
    unit_name: str
    rated_case: str
    level: int
    level_label: str
    real_name: bool
    rater: str
    rater_phone: str = Field(description="已脱敏")
    comment: str = Field(description="已脱敏")
    due_at: datetime | None = Field(description="整改办结期限")
    contact_due: datetime | None = Field(description="实名差评联系期限")
    contacted: bool
    contact_overdue: bool
    callback_result: str | None
    rating_id: int


class CaseRef(BaseModel):
    number: str
    kind: str
    state: str
    state_label: str
    version: int


class AppealRequest(BaseModel):
    ground: Literal["malicious", "mistaken", "not_our_service"]
    explanation: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(no_nul)
    ]


class ReviewRequest(BaseModel):
    approve: bool = Field(description="true：同意申诉，核销评价；false：驳回")
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(no_nul)
    ]


class LimitsOut(BaseModel):
    contact: str = Field(description="实名差评联系时限，如 1d")
    finish: str = Field(description="整改办结时限，如 15d")
    appeal_window: str
    appeal_review: str


class LimitsIn(BaseModel):
    contact: Annotated[str, StringConstraints(max_length=16)] | None = None
    finish: Annotated[str, StringConstraints(max_length=16)] | None = None
    appeal_window: Annotated[str, StringConstraints(max_length=16)] | None = None
    appeal_review: Annotated[str, StringConstraints(max_length=16)] | None = None


# -- shared with the pages ---------------------------------------------------------------------------------------


def rate_case(
    state: WebState,
    actor: Actor | None,
    number: str,
    *,
    level: int | str,
    channel: str,
    comment: str = "",
    tags: list[str] | tuple[str, ...] = (),
    anonymous: bool = False,
    code: str | None = None,
    ip: str | None = None,
) -> actions.RatingResult:
    """Rates; a wrong verification code counts against the address like a failed lookup (guessing codes)."""
    rt = state.rt
    now = rt.now()
    address = ip or "unknown"
    if code:
        with read(rt.engine) as conn:
            until = throttle.blocked_until(conn, throttle.LOOKUP_BY_ADDRESS, address, now)
        if until is not None:
            raise TooManyAttempts(f"查询码错误次数过多，请于 {local(until, '%H:%M')} 后再试", field="code")
    try:
        return actions.rate(
            rt,
            number,
            level=level,
            channel=channel,
            actor=actor,
            code=code or None,
            comment=comment,
            tags=list(tags),
            anonymous=anonymous,
        )
    except NotFound as exc:
        if code and exc.field == "code":
            with write(rt.engine) as conn:
                throttle.count_failure(conn, throttle.LOOKUP_BY_ADDRESS, address, now)
        raise


def period(month: str | None, start: date | None, end: date | None, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in local time: a month ("2026-03"), or dates (the end date included); default this month."""
    if month:
        try:
            year, mon = (int(p) for p in month.split("-"))
            first = date(year, mon, 1)
        except ValueError:
            raise InvalidRating(f"「月份」格式不正确：{month}（例如 2026-03）", field="month") from None
        if not EARLIEST_DATE <= first <= LATEST_DATE:
            raise InvalidRating("「月份」超出范围", field="month")
        following = date(year + mon // 12, mon % 12 + 1, 1)
        return _midnight(first), _midnight(following)
    if start is None and end is None:
        today = now.astimezone(TZ).date()
        return period(f"{today.year:04d}-{today.month:02d}", None, None, now)
    first = start or EARLIEST_DATE
    last = end or LATEST_DATE
    if last < first:
        raise InvalidRating("「结束日期」不能早于「开始日期」", field="to")
    return _midnight(first), _midnight(last + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, TZ)


def _rate(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def tally_out(t: Tally) -> TallyOut:
    return TallyOut(
        finished=t.finished,
        rated=t.rated,
        ratings=t.ratings,
        by_level={str(i + 1): n for i, n in enumerate(t.by_level)},
        bad=t.bad,
        bad_real=t.bad_real,
        bad_anonymous=t.bad_anonymous,
        called_back=t.called_back,
        rectified_real=t.rectified_real,
        rectified_anonymous=t.rectified_anonymous,
        contact_overdue=t.contact_overdue,
        annulled=t.annulled,
        rates=Rates(
            coverage=_rate(t.coverage),
            good_rate=_rate(t.good_rate),
            satisfied_rate=_rate(t.satisfied_rate),
            callback_rate=_rate(t.callback_rate),
            rectification_rate=_rate(t.rectification_rate),
            rectification_rate_real=_rate(t.rectification_rate_real),
            rectification_rate_anonymous=_rate(t.rectification_rate_anonymous),
        ),
    )


def rating_out(r: reads.RatingRow) -> RatingOut:
    return RatingOut(
        id=r.id,
        case_number=r.case_number,
        case_kind=r.case_kind,
        unit_id=r.unit_id,
        unit_name=r.unit_name,
        item_code=r.item_code,
        channel=r.channel.value,
        channel_label=r.channel.label,
        scope=r.scope.value,
        level=r.level.number,
        level_label=r.level.label,
        bad=r.bad,
        real_name=r.real_name,
        rater=r.rater,
        rater_phone=r.rater_phone,
        comment=r.comment,
        tags=r.tags,
        rated_at=r.rated_at,
        status="annulled" if r.status.value == "annulled" else "valid",
        annulled_at=r.annulled_at,
        rectification_number=r.rectification_number,
        rectification_state=r.rectification_state,
        appeal_number=r.appeal_number,
        appeal_state=r.appeal_state,
        appeal_reason=r.appeal_reason,
    )


def case_ref(case: Case) -> CaseRef:
    kind = RECTIFICATION_KIND if case.kind == RECTIFICATION_KIND.code else RATING_APPEAL_KIND
    return CaseRef(
        number=case.number,
        kind=case.kind,
        state=case.state,
        state_label=kind.states[case.state].label,
        version=case.version,
    )


# -- endpoints ---------------------------------------------------------------------------------------------------


@router.post(
    "/ratings", summary="评价一件已办结的办件（差评自动生成整改办件）", status_code=201, response_model=RatingReceipt
)
def rate(body: RateRequest, principal: ApiPrincipal, state: StateDep) -> RatingReceipt:
    result = rate_case(
        state,
        principal.actor,
        body.number,
        level=body.level,
        channel=body.channel,
        comment=body.comment,
        tags=body.tags,
        anonymous=body.anonymous,
        code=body.code,
    )
    return RatingReceipt(
        id=result.id,
        number=result.case_number,
        level=result.level.number,
        level_label=result.level.label,
        bad=result.bad,
        real_name=result.real_name,
        rectification_number=result.rectification_number,
    )


@router.get("/ratings", summary="评价列表（本单位及下级；督查员为本地区）", response_model=list[RatingOut])
def list_ratings(  # noqa: PLR0917  (FastAPI passes query parameters by name; the order is the docs' order)
    principal: ApiPrincipal,
    state: StateDep,
    unit_id: Annotated[int | None, Query(ge=1, le=INT_MAX, description="被评价单位（含下级）")] = None,
    bad: Annotated[bool, Query(description="仅差评")] = False,
    status: Annotated[Literal["valid", "annulled"] | None, Query(description="评价状态")] = None,
    channel: Annotated[Literal["window_device", "online", "app", "phone", "sms"] | None, Query()] = None,
    start: Annotated[date | None, Query(alias="from", ge=EARLIEST_DATE, le=LATEST_DATE)] = None,
    end: Annotated[date | None, Query(alias="to", ge=EARLIEST_DATE, le=LATEST_DATE)] = None,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_ROWS)] = 100,
) -> list[RatingOut]:
    actor = access_ratings(require_actor(principal))
    f = reads.RatingFilters(
        unit_id=unit_id,
        start=_midnight(start) if start else None,
        end=_midnight(end + timedelta(days=1)) if end else None,
        bad_only=bad,
        status=status,
        channel=channel,
        limit=limit,
    )
    with read(state.rt.engine) as conn:
        return [rating_out(r) for r in reads.list_ratings(conn, actor, state.units.get(), f)]


@router.get(
    "/ratings/stats", summary="好差评统计：覆盖率、好评率、差评数、实名差评回访率、整改率", response_model=StatsOut
)
def stats(  # noqa: PLR0917  (as list_ratings)
    principal: ApiPrincipal,
    state: StateDep,
    group: Annotated[Literal["unit", "item"], Query(description="按单位或事项分组")] = "unit",
    month: Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-\d{2}$", description="月份，如 2026-03")] = None,
    start: Annotated[date | None, Query(alias="from", ge=EARLIEST_DATE, le=LATEST_DATE)] = None,
    end: Annotated[date | None, Query(alias="to", ge=EARLIEST_DATE, le=LATEST_DATE, description="含当日")] = None,
    unit_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
) -> StatsOut:
    actor = access_ratings(require_actor(principal))
    first, after = period(month, start, end, state.rt.now())
    with read(state.rt.engine) as conn:
        table = reads.stats(conn, actor, state.units.get(), start=first, end=after, group=group, unit_id=unit_id)
    return StatsOut(
        group=group,
        start=table.start,
        end=table.end,
        rows=[StatsRowOut(key=r.key, label=r.label, tally=tally_out(r.tally)) for r in table.rows],
        total=tally_out(table.total),
    )


@router.get("/ratings/limits", summary="好差评时限设置", response_model=LimitsOut)
def get_limits(principal: ApiPrincipal, state: StateDep) -> LimitsOut:
    access_ratings(require_actor(principal))
    return LimitsOut(**actions.get_limits(state.rt).to_mapping())


@router.put("/ratings/limits", summary="修改好差评时限（管理员）", response_model=LimitsOut)
def put_limits(body: LimitsIn, principal: ApiPrincipal, state: StateDep) -> LimitsOut:
    actor = require_actor(principal)
    values = {k: v for k, v in body.model_dump().items() if v is not None}
    return LimitsOut(**actions.set_limits(state.rt, actor, values).to_mapping())


@router.get("/ratings/rectifications", summary="差评整改办件列表", response_model=list[RectificationOut])
def rectification_list(
    principal: ApiPrincipal,
    state: StateDep,
    open_only: Annotated[bool, Query(alias="open", description="仅未办结")] = False,
    unit_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
) -> list[RectificationOut]:
    actor = access_ratings(require_actor(principal))
    with read(state.rt.engine) as conn:
        rows = reads.rectifications(conn, actor, state.units.get(), unit_id=unit_id, open_only=open_only)
    return [
        RectificationOut(
            number=r.number,
            state=r.state,
            state_label=r.state_label,
            version=r.version,
            unit_name=r.unit_name,
            rated_case=r.rated_case,
            level=r.level.number,
            level_label=r.level.label,
            real_name=r.real_name,
            rater=r.rater,
            rater_phone=r.rater_phone,
            comment=r.comment,
            due_at=r.due_at,
            contact_due=r.contact_due,
            contacted=r.contacted,
            contact_overdue=r.contact_overdue,
            callback_result=r.callback_result,
            rating_id=r.rating_id,
        )
        for r in rows
    ]


@router.post(
    "/ratings/rectifications/{number}/{action}",
    summary="差评整改步骤：联系、核实、整改、说明、回访、无法回访",
    response_model=CaseRef,
)
def rectification_step(
    number: Number, action: Step, body: StepRequest, principal: ApiPrincipal, state: StateDep
) -> CaseRef:
    actor = require_actor(principal)
    case = actions.take_step(state.rt, number, action, actor, body.data, expected_version=body.expected_version)
    return case_ref(case)


@router.get("/ratings/{rating_id}", summary="一条评价", response_model=RatingOut)
def get_rating(rating_id: RatingId, principal: ApiPrincipal, state: StateDep) -> RatingOut:
    actor = access_ratings(require_actor(principal))
    with read(state.rt.engine) as conn:
        row = reads.get_rating(conn, actor, state.units.get(), rating_id)
    if row is None:
        raise NotFound(f"评价 {rating_id} 不存在或您无权查看", field="rating")
    return rating_out(row)


@router.post(
    "/ratings/{rating_id}/appeal", summary="被评价单位对恶意或错误评价提出申诉", status_code=201, response_model=CaseRef
)
def appeal(rating_id: RatingId, body: AppealRequest, principal: ApiPrincipal, state: StateDep) -> CaseRef:
    actor = require_actor(principal)
    return case_ref(actions.appeal(state.rt, rating_id, actor, ground=body.ground, explanation=body.explanation))


@router.post("/ratings/appeals/{number}/review", summary="督查员审核评价申诉：同意则核销评价", response_model=CaseRef)
def review(number: Number, body: ReviewRequest, principal: ApiPrincipal, state: StateDep) -> CaseRef:
    actor = require_actor(principal)
    return case_ref(actions.review_appeal(state.rt, number, actor, approve=body.approve, reason=body.reason))
