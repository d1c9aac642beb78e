"""Request and response bodies of the JSON API (/api/v1): what the OpenAPI schema publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from onestop.web.validators import INT_MAX, MAX_ITEMS, check_json, no_nul

Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(no_nul)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(no_nul)
]
CaseNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(no_nul)
]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(no_nul)]
LongText = Annotated[str, StringConstraints(max_length=5000), AfterValidator(no_nul)]
Id = Annotated[int, Field(ge=1, le=INT_MAX)]
RoleCode = Literal["window_clerk", "approver", "operator", "handler", "supervisor", "admin", "public"]
ClockColourCode = Literal["normal", "warning", "overdue", "paused", "stopped", "not_started"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- accounts ----------------------------------------------------------------------------------------------


class UnitRef(BaseModel):
    id: int
    code: str
    name: str


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[str] = Field(description="角色代码")
    role_labels: list[str] = Field(description="角色中文名")
    unit: UnitRef | None
    auth: Literal["session", "token"]
    csrf_token: str | None = Field(default=None, description="会话请求的 CSRF 令牌（X-CSRF-Token 请求头）")


# -- cases -------------------------------------------------------------------------------------------------


class CaseSummary(BaseModel):
    number: str = Field(description="办件编号")
    kind: str
    kind_label: str
    state: str
    state_label: str
    state_colour: str
    unit_id: int | None
    unit_name: str
    subject: str = Field(description="事项（已脱敏）")
    applicant: str
    party_id_masked: str = Field(description="证件号（脱敏）")
    party_phone_masked: str = Field(description="联系电话（脱敏）")
    clock: ClockColourCode
    clock_label: str = Field(description="正常/预警/超期/暂停/已办结/未开始")
    due_at: datetime | None
    due_provisional: bool = Field(description="期限落在尚未公布放假通知的年份（暂定）")
    created_at: datetime
    updated_at: datetime
    version: int
    parent_number: str | None


class CaseList(BaseModel):
    items: list[CaseSummary]
    total: int
    page: int
    per_page: int


class DetailItem(BaseModel):
    label: str
    value: str


class TimelineItem(BaseModel):
    seq: int
    at: datetime
    action: str
    label: str
    actor: str
    actor_name: str
    from_state_label: str | None
    to_state_label: str
    details: list[DetailItem]


class Interval(BaseModel):
    start: datetime
    end: datetime | None


class ClockInfo(BaseModel):
    colour: str = Field(description="正常/预警/超期/暂停/已办结/未开始")
    limit: str = Field(description="办理时限（含延长）")
    used: str
    remaining: str
    unit: str = Field(description="个工作日 或 分钟")
    due_at: datetime | None
    provisional: bool = Field(description="暂定：期限所在年份的放假通知尚未公布")
    paused: bool
    running: list[Interval]
    pauses: list[Interval]


class ActionFieldInfo(BaseModel):
    name: str
    label: str
    input: str
    required: bool


class ActionInfo(BaseModel):
    code: str
    label: str
    to_state_label: str | None
    fields: list[ActionFieldInfo]


class Party(BaseModel):
    kind_label: str
    name: str
    id_number: str
    phone: str
    revealed: bool = Field(description="是否为完整号码（每次查看均记录）")


class RelatedCase(BaseModel):
    number: str
    kind_label: str
    state_label: str
    unit_name: str
    clock_label: str
    due_at: datetime | None


class CaseDetail(BaseModel):
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    terminal: bool
    unit_id: int | None
    unit_name: str
    subject: str
    version: int = Field(description="当前版本号，执行操作时作为 expected_version 提交")
    created_at: datetime
    updated_at: datetime
    payload: list[DetailItem]
    party: Party | None
    clock: ClockInfo | None
    timeline: list[TimelineItem]
    actions: list[ActionInfo] = Field(description="当前用户此刻可执行的操作")
    parent: RelatedCase | None
    children: list[RelatedCase]
    may_reveal_pii: bool
    module_page: str | None = Field(None, description="办件所属模块的办理页面（如 12345 工单页），无则为 null")


class ActionRequest(Strict):
    expected_version: int = Field(ge=1, le=INT_MAX, description="您看到的版本号；已被他人修改时返回 409")
    data: dict[str, Any] = Field(default_factory=dict, description="操作所需字段，如 reason、items、extension")

    @field_validator("data")
    @classmethod
    def _safe(cls, value: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = check_json(value)
        return checked


class OpenCaseRequest(Strict):
    """窗口登记：工作人员代申请人填写办事表单。"""

    values: dict[Annotated[str, StringConstraints(max_length=64)], LongText] = Field(
        description="表单字段值", max_length=MAX_ITEMS
    )


# -- public --------------------------------------------------------------------------------------------------


class FormFieldInfo(BaseModel):
    name: str
    label: str
    type: str
    required: bool
    max_length: int
    choices: list[tuple[str, str]]
    help: str


class FormInfo(BaseModel):
    code: str
    kind: str
    title: str
    description: str
    fields: list[FormFieldInfo]


class SubmissionRequest(Strict):
    values: dict[Annotated[str, StringConstraints(max_length=64)], LongText] = Field(
        description="表单字段值（字段见 GET /api/v1/public/forms）", max_length=MAX_ITEMS
    )


class SubmissionReceipt(BaseModel):
    number: str = Field(description="办件编号")
    verification_code: str = Field(description="查询码：仅此一次显示，请妥善保存")
    kind_label: str
    state_label: str
    created_at: datetime


class LookupRequest(Strict):
    number: CaseNumber
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), AfterValidator(no_nul)]


class PublicStep(BaseModel):
    unit_name: str
    kind_label: str
    state_label: str


class PublicTimelineItem(BaseModel):
    at: datetime
    label: str
    actor_name: str
    to_state_label: str
    details: list[DetailItem]


class PublicCaseView(BaseModel):
    number: str
    kind_label: str
    state_label: str
    terminal: bool
    unit_name: str
    subject: str
    created_at: datetime
    clock: ClockInfo | None
    timeline: list[PublicTimelineItem]
    steps: list[PublicStep]


# -- administration --------------------------------------------------------------------------------------------


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    unit_id: int | None
    unit_name: str
    roles: list[str]
    role_labels: list[str]
    active: bool
    locked_until: datetime | None
    phone_masked: str


class UserCreate(Strict):
    username: Username
    display_name: ShortText
    password: Secret
    unit_id: Id | None = None
    roles: list[RoleCode] = Field(min_length=1, max_length=7)
    phone: Annotated[str, StringConstraints(max_length=32), AfterValidator(no_nul)] | None = None


class UserUpdate(Strict):
    display_name: ShortText
    unit_id: Id | None
    roles: list[RoleCode] = Field(min_length=1, max_length=7)
    active: bool


class PasswordReset(Strict):
    password: Secret


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    region_code: str | None
    duties: str
    depth: int


class UnitCreate(Strict):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(no_nul)]
    name: ShortText
    kind: Literal["region", "department", "town", "utility", "center"]
    parent_id: Id | None = None
    region_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=12), AfterValidator(no_nul)] | None
    ) = None
    duties: Annotated[str, StringConstraints(max_length=1000), AfterValidator(no_nul)] = ""


class TokenCreate(Strict):
    user_id: Id
    name: ShortText
    expires_on: date | None = Field(
        default=None, ge=date(2000, 1, 1), le=date(2199, 12, 31), description="过期日期（含），不填为长期有效"
    )


class TokenCreated(BaseModel):
    id: int
    token: str = Field(description="完整令牌：仅此一次显示")


class TokenOut(BaseModel):
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class CalendarYear(BaseModel):
    year: int
    source: str
    off_days: int
    work_days: int
    holidays: list[str]


class CalendarOut(BaseModel):
    years: list[CalendarYear]
    provisional_through: int | None
    region_code: str | None
    office_hours: str
    day_minutes: int
    closures: dict[str, str]
    regional: dict[str, dict[str, dict[str, str]]] = Field(description="地区代码 → 年份 → 日期 → 名称")
    import_command: str


class AuditOut(BaseModel):
    at: datetime
    username: str
    action: str
    label: str
    target: str
    ip: str | None
    detail: dict[str, Any]


class PiiViewOut(BaseModel):
    at: datetime
    username: str
    case_number: str
    fields: list[str]
    ip: str | None


class KindState(BaseModel):
    code: str
    label: str
    colour: str
    terminal: bool


class KindAction(BaseModel):
    code: str
    label: str
    from_states: list[str]
    to_state: str | None
    roles: list[str]
    required: list[str]


class KindOut(BaseModel):
    code: str
    label: str
    prefix: str
    states: list[KindState]
    actions: list[KindAction]
