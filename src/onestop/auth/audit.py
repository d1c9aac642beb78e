"""The security audit log (logins, account and unit changes, tokens) and the PII access log.

Entries are written in the same transaction as the change they describe. Free text is masked before it is
stored (``mask_text``): the audit log is itself a log, and logs carry no ID or phone numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from onestop.db import auth_repo
from onestop.org.masking import mask_text

# Chinese names of audit actions, for the admin page.
ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号锁定",
    "logout": "退出登录",
    "register": "注册账号",
    "user_created": "创建用户",
    "user_updated": "修改用户",
    "password_reset": "重置密码",
    "user_unlocked": "解除锁定",
    "unit_created": "创建单位",
    "token_created": "创建接口令牌",
    "token_revoked": "吊销接口令牌",
    "cert_revoked": "注销电子证照",
    "cert_exported": "导出电子证照",
    "cert_key_rotated": "轮换发证密钥",
    "oversight_rules_set": "修改督办规则",
    "oversight_rules_reset": "恢复默认督办规则",
    "oversight_scorecard_set": "修改综合考评权重",
    "oversight_scorecard_reset": "恢复默认综合考评权重",
}


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def record(
    conn: Connection,
    *,
    at: datetime,
    action: str,
    username: str,
    user_id: int | None = None,
    target: str = "",
    ip: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    auth_repo.insert_audit(
        conn,
        at=at,
        user_id=user_id,
        username=username[:64],
        action=action,
        target=mask_text(target)[:200],
        ip=ip,
        detail=_masked(dict(detail or {})),
    )


def record_pii_view(
    conn: Connection,
    *,
    at: datetime,
    user_id: int,
    username: str,
    case_id: int,
    case_number: str,
    fields: Sequence[str],
    ip: str | None,
) -> None:
    auth_repo.insert_pii_view(
        conn,
        at=at,
        user_id=user_id,
        username=username,
        case_id=case_id,
        case_number=case_number,
        fields=fields,
        ip=ip,
    )


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    label: str
    target: str
    ip: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class PiiView:
    at: datetime
    username: str
    case_number: str
    fields: tuple[str, ...]
    ip: str | None


def recent_entries(conn: Connection, *, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    return [
        AuditEntry(
            at=r["at"],
            username=r["username"],
            action=r["action"],
            label=ACTION_LABELS.get(r["action"], r["action"]),
            target=r["target"],
            ip=r["ip"],
            detail=r["detail"] or {},
        )
        for r in auth_repo.audit_rows(conn, limit=limit, action=action)
    ]


def recent_pii_views(conn: Connection, *, limit: int = 200, case_number: str | None = None) -> list[PiiView]:
    return [
        PiiView(at=r["at"], username=r["username"], case_number=r["case_number"], fields=tuple(r["fields"]), ip=r["ip"])
        for r in auth_repo.pii_view_rows(conn, limit=limit, case_number=case_number)
    ]
