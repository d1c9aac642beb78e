"""Verification outcomes (核验结果) and the pure rule that decides one.

Precedence: a signature that does not match the data (or a key nobody knows) is 已被篡改 whatever else holds;
then 已注销; then the validity window. A revoked or expired certificate is still shown as genuine — the holder
and issuer are real — it just no longer proves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from onestop.certs.document import SignedCertificate
from onestop.certs.signing import PublicKey
from onestop.choices import ChoiceSet


class Outcome(ChoiceSet, verbose_name="核验结果"):
    VALID = "valid", "有效", "green"
    NOT_YET_VALID = "not_yet_valid", "尚未生效", "yellow"
    EXPIRED = "expired", "已过期", "orange"
    REVOKED = "revoked", "已注销", "gray"
    ALTERED = "altered", "已被篡改", "red"
    UNKNOWN = "unknown", "不存在", "dark"


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    reason: str  # one Chinese sentence: why this outcome

    @property
    def label(self) -> str:
        return self.outcome.label


def signature_matches(cert: SignedCertificate, key: PublicKey | None) -> bool:
    if key is None or key.key_id != cert.body.key_id or key.algorithm.value != cert.body.algorithm:
        return False
    return key.verify(cert.signature, cert.body.signed_bytes())


def decide(
    cert: SignedCertificate,
    key: PublicKey | None,
    *,
    on: date,
    revoked_at: datetime | None = None,
    revoke_reason: str | None = None,
) -> Verdict:
    """The outcome for ``cert`` on day ``on``, checked against ``key`` (the public key its ``key_id`` names)."""
    if key is None:
        return Verdict(Outcome.ALTERED, f"签名密钥 {cert.body.key_id} 不是本平台的发证密钥")
    if not signature_matches(cert, key):
        return Verdict(Outcome.ALTERED, "签名与证照内容不符：证照内容已被改动")
    if revoked_at is not None:
        why = f"：{revoke_reason}" if revoke_reason else ""
        return Verdict(Outcome.REVOKED, f"证照已于 {revoked_at:%Y-%m-%d} 注销{why}")
    body = cert.body
    if on < body.valid_from:
        return Verdict(Outcome.NOT_YET_VALID, f"证照自 {body.valid_from.isoformat()} 起生效")
    if body.valid_until is not None and on > body.valid_until:
        return Verdict(Outcome.EXPIRED, f"证照有效期至 {body.valid_until.isoformat()}，已过期")
    until = "长期" if body.valid_until is None else f"至 {body.valid_until.isoformat()}"
    return Verdict(Outcome.VALID, f"签名有效，证照在有效期内（{until}）")
