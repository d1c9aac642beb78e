"""JSON API of the certs module.

Public, no login: ``GET /certs/{number}/verify`` (by number, with the QR's ``s``) and ``POST /certs/verify``
(a whole exported document, checked against the public keys). Lookups of numbers nobody issued count against
the caller's address like failed case lookups, so numbers cannot be enumerated.
Staff (and the holder's account): ``GET /certs``, ``GET /certs/{number}``, ``GET /certs/{number}/document``,
``POST /certs/{number}/revoke``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from onestop.actions.certs import (
    CertificateRow,
    StoredCertificate,
    VerifyResult,
    export_for,
    list_certificates,
    load_certificate,
    revoke_certificate,
    verify_document,
    verify_number,
)
from onestop.auth import throttle
from onestop.cases.errors import DomainError
from onestop.certs.outcome import Outcome
from onestop.db.engine import read, write
from onestop.web.deps import ApiPrincipal, PrincipalDep, client_ip, require_actor
from onestop.web.state import WebState, web_state
from onestop.worktime import TZ

router = APIRouter(prefix="/certs", tags=["电子证照"])

StateDep = Annotated[WebState, Depends(web_state)]
# Numbers people type: letters, digits, dashes, spaces; anything else cannot be a certificate number.
Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")]
Digest = Annotated[str | None, Query(alias="s", max_length=32, pattern=r"^[0-9a-fA-F]*$")]
# Scanning many genuine certificates is normal; probing numbers that do not exist is not.
UNKNOWN_BY_ADDRESS = throttle.Rule("certverify:ip", limit=20, window=timedelta(minutes=10))


class TooManyVerifications(DomainError):
    code = "too_many_attempts"
    status = 429


class VerifyOut(BaseModel):
    number: str = Field(description="证照编号")
    outcome: str = Field(description="核验结果：valid | not_yet_valid | expired | revoked | altered | unknown")
    outcome_label: str = Field(description="核验结果（中文）：有效、尚未生效、已过期、已注销、已被篡改、不存在")
    reason: str
    type_label: str | None = None
    holder_name: str | None = None
    holder_id_number: str | None = Field(None, description="持证主体证件号（个人身份证号已遮蔽）")
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="有效期至；空为长期有效")
    issuer_name: str | None = None


class CertRowOut(BaseModel):
    number: str
    cert_type: str
    type_label: str
    holder_name: str
    holder_id_number: str = Field(description="已遮蔽")
    valid_from: date
    valid_until: date | None
    issuer_name: str
    issued_at: datetime
    revoked: bool


class CertListOut(BaseModel):
    total: int
    items: list[CertRowOut]


class CertOut(BaseModel):
    number: str
    cert_type: str
    type_label: str
    holder_name: str
    holder_id_number: str = Field(description="已遮蔽")
    valid_from: date
    valid_until: date | None
    data: dict[str, Any]
    issuer_name: str
    issued_at: datetime
    algorithm: str
    key_id: str
    revoked_at: datetime | None
    revoke_reason: str | None
    outcome: str
    outcome_label: str


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="注销原因")


def verify_out(result: VerifyResult) -> VerifyOut:
    return VerifyOut.model_validate(result.public_dict())


def throttled_verify(state: WebState, number: str, digest: str | None, ip: str | None) -> VerifyResult:
    """The public lookup: blocked after too many numbers that do not exist from one address."""
    rt = state.rt
    now = rt.now()
    address = ip or "unknown"
    with read(rt.engine) as conn:
        until = throttle.blocked_until(conn, UNKNOWN_BY_ADDRESS, address, now)
        if until is None:
            result = verify_number(conn, number, on=now.astimezone(TZ).date(), digest=digest or None)
    if until is not None:
        raise TooManyVerifications(
            f"查询不存在的证照编号次数过多，请于 {until.astimezone(TZ):%H:%M} 后再试", field="number"
        )
    if result.outcome is Outcome.UNKNOWN:
        with write(rt.engine) as conn:
            throttle.count_failure(conn, UNKNOWN_BY_ADDRESS, address, now)
    return result


def stored_out(state: WebState, stored: StoredCertificate) -> CertOut:
    body = stored.cert.body
    with read(state.rt.engine) as conn:
        outcome = verify_number(conn, body.number, on=state.rt.now().astimezone(TZ).date()).outcome
    return CertOut(
        number=body.number,
        cert_type=body.cert_type,
        type_label=body.type_label,
        holder_name=body.holder.name,
        holder_id_number=body.holder.masked_id_number,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        data=dict(body.data),
        issuer_name=body.issuer.name,
        issued_at=body.issued_at,
        algorithm=body.algorithm,
        key_id=body.key_id,
        revoked_at=stored.revoked_at,
        revoke_reason=stored.revoke_reason,
        outcome=outcome.value,
        outcome_label=outcome.label,
    )


def _row_out(row: CertificateRow) -> CertRowOut:
    return CertRowOut(
        number=row.number,
        cert_type=row.cert_type,
        type_label=row.type_label,
        holder_name=row.holder_name,
        holder_id_number=row.holder_id_masked,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        issuer_name=row.issuer_name,
        issued_at=row.issued_at,
        revoked=row.revoked,
    )


@router.post("/verify", summary="核验证照文件（导出的 JSON），凭公钥离线核对签名", response_model=VerifyOut)
def verify_posted(document: Annotated[dict[str, Any], Body(description="证照文件")], state: StateDep) -> VerifyOut:
    rt = state.rt
    with read(rt.engine) as conn:
        return verify_out(verify_document(conn, document, on=rt.now().astimezone(TZ).date()))


@router.get("/{number}/verify", summary="凭证照编号核验（二维码中的 s 为签名摘要）", response_model=VerifyOut)
def verify_by_number(number: Number, request: Request, state: StateDep, s: Digest = None) -> VerifyOut:
    return verify_out(throttled_verify(state, number, s, client_ip(request)))


@router.get("", summary="证照列表（工作人员：本单位签发；公众：本人申请所得）", response_model=CertListOut)
def list_certs(
    principal: PrincipalDep,
    state: StateDep,
    cert_type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CertListOut:
    actor = require_actor(principal)
    rows, total = list_certificates(state.rt, actor, cert_type=cert_type, limit=limit, offset=offset)
    return CertListOut(total=total, items=[_row_out(r) for r in rows])


@router.get("/{number}", summary="证照详情", response_model=CertOut)
def get_cert(number: Number, principal: PrincipalDep, state: StateDep) -> CertOut:
    stored, _staff = load_certificate(state.rt, require_actor(principal), number)
    return stored_out(state, stored)


@router.get("/{number}/document", summary="导出证照签名文件（含完整证件号，记入审计日志）")
def get_document(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> dict[str, Any]:
    return export_for(state.rt, require_actor(principal), number, ip=client_ip(request)).export()


@router.post("/{number}/revoke", summary="注销证照（发证单位工作人员）", response_model=CertOut)
def revoke(number: Number, body: RevokeIn, request: Request, principal: ApiPrincipal, state: StateDep) -> CertOut:
    stored = revoke_certificate(
        state.rt, number=number, actor=require_actor(principal), reason=body.reason, ip=client_ip(request)
    )
    return stored_out(state, stored)
