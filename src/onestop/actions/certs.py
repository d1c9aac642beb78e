"""电子证照: issuing signed certificates, the 免提交 lookup, revocation and verification.

* ``issue_certificate`` — inside the caller's write transaction (the window module issues on approval, in the
  approval's transaction): checks the input, numbers the certificate (type prefix, region, year, serial),
  signs its canonical document with the current key and stores it. Nothing is written on bad input.
* ``valid_certificates`` — 免提交: the holder's newest genuine, unrevoked certificate of each asked type valid on
  a day. A row whose signature no longer matches is not proof of anything and is skipped.
* ``revoke_certificate`` — 注销, by staff of the issuing unit, with a reason; recorded on the row and in the
  audit log.
* ``verify_number`` / ``verify_document`` — the outcome (有效, 尚未生效, 已过期, 已注销, 已被篡改, 不存在) of a
  stored certificate, or of a presented document checked against the public keys alone.
* Reads: ``load_certificate``, ``list_certificates`` (scoped to the viewer's units), ``export_certificate``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.access import AccessDenied
from onestop.actions.certs_keys import public_key, signing_key
from onestop.actions.runtime import Runtime
from onestop.auth import audit
from onestop.certs.access import NOT_FOUND_MESSAGE, access_visible_units, may_revoke, may_see_certificate
from onestop.certs.document import CertificateBody, Holder, Issuer, SignedCertificate, check_data, parse_document
from onestop.certs.errors import CertError, CertNotFound
from onestop.certs.numbers import format_cert_number, normalise_cert_number, region_of
from onestop.certs.outcome import Outcome, Verdict, decide
from onestop.certs.qr import short_digest_matches
from onestop.certs.types import cert_types as type_registry
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_submissions, cases, certificates, parties, units
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.worktime import TZ

REASON_MAX = 500
_UNIT_DEPTH_MAX = 16


class CertConflict(CertError):
    status = 409
    code = "cert_conflict"


@dataclass(frozen=True)
class IssuedCertificate:
    id: int
    number: str
    cert_type: str


@dataclass(frozen=True)
class CertificateSummary:
    id: int
    number: str
    cert_type: str
    label: str
    valid_from: date
    valid_until: date | None  # None: 长期有效
    issuer_name: str


@dataclass(frozen=True)
class StoredCertificate:
    """A certificate row: the signed certificate plus what is not signed (ids, revocation)."""

    id: int
    cert: SignedCertificate
    holder_party_id: int
    issuing_unit_id: int
    source_case_id: int | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @property
    def number(self) -> str:
        return self.cert.body.number

    def summary(self) -> CertificateSummary:
        body = self.cert.body
        return CertificateSummary(
            self.id, body.number, body.cert_type, body.type_label, body.valid_from, body.valid_until, body.issuer.name
        )


@dataclass(frozen=True)
class VerifyResult:
    """What the public may learn: the outcome and the face of the certificate (holder ID masked)."""

    number: str
    verdict: Verdict
    type_label: str | None = None
    holder_name: str | None = None
    holder_id_masked: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    issuer_name: str | None = None
    issued_at: datetime | None = None

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome

    def public_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "outcome": self.outcome.value,
            "outcome_label": self.outcome.label,
            "reason": self.verdict.reason,
            "type_label": self.type_label,
            "holder_name": self.holder_name,
            "holder_id_number": self.holder_id_masked,
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            "issuer_name": self.issuer_name,
        }


# -- issue ---------------------------------------------------------------------------------------------------


def issue_certificate(
    conn: Connection,
    *,
    cert_type: str,
    holder_party_id: int,
    data: Mapping[str, object],
    issuing_unit_id: int,
    valid_from: date,
    valid_until: date | None,
    source_case_id: int | None,
    now: datetime,
) -> IssuedCertificate:
    """Issues one signed certificate inside the caller's write transaction (``conn`` from ``write``).

    ``valid_until`` None takes the type's default validity (``types.toml``; 长期有效 when the type has none).
    Raises ``CertError`` (4xx, naming the field) on bad input, before anything is written.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("issue_certificate needs an aware `now`")
    kind = type_registry().parse(cert_type)
    party = conn.execute(
        sa.select(parties.c.kind, parties.c.name, parties.c.id_number).where(parties.c.id == holder_party_id)
    ).first()
    if party is None:
        raise CertError(f"持证主体 {holder_party_id} 不存在", field="holder_party_id")
    issuer_code, issuer_name, region = _issuer(conn, issuing_unit_id)
    if not isinstance(valid_from, date) or isinstance(valid_from, datetime):
        raise CertError("生效日期须为日期", field="valid_from")
    if valid_until is None:
        valid_until = kind.default_valid_until(valid_from)
    elif not isinstance(valid_until, date) or isinstance(valid_until, datetime):
        raise CertError("有效期截止日须为日期", field="valid_until")
    elif valid_until < valid_from:
        raise CertError(
            f"有效期截止日 {valid_until.isoformat()} 早于生效日期 {valid_from.isoformat()}", field="valid_until"
        )
    plain = check_data(data)
    if (
        source_case_id is not None
        and conn.execute(sa.select(cases.c.id).where(cases.c.id == source_case_id)).first() is None
    ):
        raise CertError(f"来源办件 {source_case_id} 不存在", field="source_case_id")

    key = signing_key(conn, now)
    year = now.astimezone(TZ).year
    number = format_cert_number(kind.prefix, region, year, _next_serial(conn, kind.prefix, region, year))
    body = CertificateBody(
        number=number,
        cert_type=kind.code,
        type_label=kind.label,
        holder=Holder(party.kind, party.name, party.id_number),
        valid_from=valid_from,
        valid_until=valid_until,
        data=plain,
        issuer=Issuer(issuer_code, issuer_name),
        issued_at=now,
        algorithm=key.algorithm.value,
        key_id=key.key_id,
    )
    signature = key.sign(body.signed_bytes())
    cert_id = conn.execute(
        sa.insert(certificates)
        .values(
            number=number,
            cert_type=kind.code,
            type_label=kind.label,
            holder_party_id=holder_party_id,
            holder_kind=party.kind,
            holder_name=party.name,
            holder_id_number=party.id_number,
            valid_from=valid_from,
            valid_until=valid_until,
            data=plain,
            issuing_unit_id=issuing_unit_id,
            issuer_code=issuer_code,
            issuer_name=issuer_name,
            source_case_id=source_case_id,
            issued_at=now,
            algorithm=key.algorithm.value,
            key_id=key.key_id,
            signature=base64.b64encode(signature).decode("ascii"),
        )
        .returning(certificates.c.id)
    ).scalar_one()
    return IssuedCertificate(cert_id, number, kind.code)


def _issuer(conn: Connection, unit_id: int) -> tuple[str, str, str]:
    """The unit's code and name, and the region code for the number (its own or its nearest ancestor's)."""
    row = conn.execute(
        sa.select(units.c.code, units.c.name, units.c.parent_id, units.c.region_code).where(units.c.id == unit_id)
    ).first()
    if row is None:
        raise CertError(f"发证单位 {unit_id} 不存在", field="issuing_unit_id")
    code, name = row.code, row.name
    region, parent = row.region_code, row.parent_id
    for _ in range(_UNIT_DEPTH_MAX):
        if region or parent is None:
            break
        up = conn.execute(sa.select(units.c.parent_id, units.c.region_code).where(units.c.id == parent)).one()
        region, parent = up.region_code, up.parent_id
    return code, name, region_of(region)


def _next_serial(conn: Connection, prefix: str, region: str, year: int) -> int:
    # One statement on both databases: the row lock it takes orders concurrent issuers of one series.
    value = conn.execute(
        sa.text(
            "INSERT INTO cert_counters (prefix, region, year, value) VALUES (:prefix, :region, :year, 1) "
            "ON CONFLICT (prefix, region, year) DO UPDATE SET value = cert_counters.value + 1 RETURNING value"
        ),
        {"prefix": prefix, "region": region, "year": year},
    ).scalar_one()
    return int(value)


# -- 免提交 ---------------------------------------------------------------------------------------------------


def valid_certificates(
    conn: Connection, *, holder_party_id: int, cert_types: Collection[str], on: date
) -> dict[str, CertificateSummary]:
    """cert_type → the holder's newest certificate of that type that is genuine, not revoked and valid on ``on``.

    Types without one are absent. An unknown type code is a ``CertError`` (a catalogue typo must not read as
    "no certificate").
    """
    registry = type_registry()
    wanted = sorted({registry.parse(code, field="cert_types").code for code in cert_types})
    if not wanted:
        return {}
    rows = (
        conn.execute(
            sa.select(certificates)
            .where(
                certificates.c.holder_party_id == holder_party_id,
                certificates.c.cert_type.in_(wanted),
                certificates.c.revoked_at.is_(None),
                certificates.c.valid_from <= on,
                sa.or_(certificates.c.valid_until.is_(None), certificates.c.valid_until >= on),
            )
            .order_by(certificates.c.issued_at.desc(), certificates.c.id.desc())
        )
        .mappings()
        .all()
    )
    found: dict[str, CertificateSummary] = {}
    for row in rows:
        if row["cert_type"] in found:
            continue
        stored = _stored(row)
        if decide(stored.cert, public_key(conn, stored.cert.body.key_id), on=on).outcome is Outcome.VALID:
            found[row["cert_type"]] = stored.summary()
    return found


# -- revoke --------------------------------------------------------------------------------------------------


def revoke_certificate(
    rt: Runtime, *, number: str, actor: Actor, reason: str, ip: str | None = None
) -> StoredCertificate:
    """注销: marks the certificate revoked with the reason, and records who did it in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise CertError("请填写注销原因", field="reason")
    if len(reason) > REASON_MAX:
        raise CertError(f"注销原因不超过 {REASON_MAX} 字", field="reason")
    now = rt.now()
    with write(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        stored, _staff = _load_visible(conn, actor, tree, number, lock=True)
        if not may_revoke(actor, tree, stored.issuing_unit_id):
            raise AccessDenied("只有发证单位的窗口受理员或审批员可以注销证照", field="number")
        if stored.revoked_at is not None:
            raise CertConflict(f"证照 {stored.number} 已于 {stored.revoked_at:%Y-%m-%d} 注销", field="number")
        conn.execute(
            sa.update(certificates)
            .where(certificates.c.id == stored.id)
            .values(revoked_at=now, revoked_by=actor.username, revoke_reason=reason)
        )
        audit.record(
            conn,
            at=now,
            action="cert_revoked",
            username=actor.username,
            user_id=actor.user_id,
            target=stored.number,
            ip=ip,
            detail={"reason": reason, "type": stored.cert.body.cert_type},
        )
    return StoredCertificate(
        stored.id,
        stored.cert,
        stored.holder_party_id,
        stored.issuing_unit_id,
        stored.source_case_id,
        now,
        actor.username,
        reason,
    )


# -- verify --------------------------------------------------------------------------------------------------


def verify_number(conn: Connection, number: str, *, on: date, digest: str | None = None) -> VerifyResult:
    """The public outcome for a certificate number (and the QR's short digest ``s``, when scanned)."""
    canonical = normalise_cert_number(number)
    row = None
    if canonical is not None:
        row = conn.execute(sa.select(certificates).where(certificates.c.number == canonical)).mappings().first()
    if row is None:
        return VerifyResult(number.strip()[:40], Verdict(Outcome.UNKNOWN, "未查到该编号的证照"))
    stored = _stored(row)
    verdict = decide(
        stored.cert,
        public_key(conn, stored.cert.body.key_id),
        on=on,
        revoked_at=stored.revoked_at,
        revoke_reason=stored.revoke_reason,
    )
    if digest is not None and verdict.outcome is not Outcome.ALTERED and not short_digest_matches(stored.cert, digest):
        verdict = Verdict(Outcome.ALTERED, "二维码与该证照的签名不符：纸面证照可能被伪造或改动")
    return public_result(stored.cert, verdict)


def verify_document(conn: Connection, document: object, *, on: date) -> VerifyResult:
    """The outcome for a presented certificate document (as exported), checked against the public key its
    ``key_id`` names; revocation is read from the register when the number is on it."""
    cert = parse_document(document)
    row = conn.execute(
        sa.select(certificates.c.revoked_at, certificates.c.revoke_reason).where(
            certificates.c.number == cert.body.number
        )
    ).first()
    verdict = decide(
        cert,
        public_key(conn, cert.body.key_id),
        on=on,
        revoked_at=None if row is None else row.revoked_at,
        revoke_reason=None if row is None else row.revoke_reason,
    )
    return public_result(cert, verdict)


def public_result(cert: SignedCertificate, verdict: Verdict) -> VerifyResult:
    """The public face of ``cert`` with its verdict (no data, the holder's ID masked)."""
    body = cert.body
    return VerifyResult(
        number=body.number,
        verdict=verdict,
        type_label=body.type_label,
        holder_name=body.holder.name,
        holder_id_masked=body.holder.masked_id_number,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        issuer_name=body.issuer.name,
        issued_at=body.issued_at,
    )


# -- reads ---------------------------------------------------------------------------------------------------


def _stored(row: RowMapping) -> StoredCertificate:
    try:
        signature = base64.b64decode(row["signature"], validate=True)
    except (binascii.Error, ValueError):
        signature = b""  # an edited, non-Base64 signature: verification says altered
    body = CertificateBody(
        number=row["number"],
        cert_type=row["cert_type"],
        type_label=row["type_label"],
        holder=Holder(row["holder_kind"], row["holder_name"], row["holder_id_number"]),
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        data=row["data"],
        issuer=Issuer(row["issuer_code"], row["issuer_name"]),
        issued_at=row["issued_at"],
        algorithm=row["algorithm"],
        key_id=row["key_id"],
    )
    return StoredCertificate(
        id=row["id"],
        cert=SignedCertificate(body, signature),
        holder_party_id=row["holder_party_id"],
        issuing_unit_id=row["issuing_unit_id"],
        source_case_id=row["source_case_id"],
        revoked_at=row["revoked_at"],
        revoked_by=row["revoked_by"],
        revoke_reason=row["revoke_reason"],
    )


def _owned(conn: Connection, user_id: int | None, source_case_id: int | None) -> bool:
    """Whether the account submitted the case the certificate was issued on (or that case's parent: the
    application whose department step issued it) — the holder's own certificate."""
    if user_id is None or source_case_id is None:
        return False
    parent = conn.execute(sa.select(cases.c.parent_id).where(cases.c.id == source_case_id)).scalar()
    ids = [source_case_id] if parent is None else [source_case_id, parent]
    found = conn.execute(
        sa.select(case_submissions.c.case_id).where(
            case_submissions.c.case_id.in_(ids), case_submissions.c.user_id == user_id
        )
    ).first()
    return found is not None


def _owned_filter(user_id: int) -> sa.ColumnElement[bool]:
    submitted = sa.select(case_submissions.c.case_id).where(case_submissions.c.user_id == user_id)
    parents = sa.select(cases.c.id).where(cases.c.parent_id.in_(submitted))
    return sa.or_(certificates.c.source_case_id.in_(submitted), certificates.c.source_case_id.in_(parents))


def _load_visible(
    conn: Connection, actor: Actor, tree: UnitTree, number: str, *, lock: bool = False
) -> tuple[StoredCertificate, bool]:
    """The certificate if ``actor`` may see it (staff in scope, or its holder's account) and whether as staff."""
    canonical = normalise_cert_number(number) or number.strip()[:40]
    query = sa.select(certificates).where(certificates.c.number == canonical)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise CertNotFound(NOT_FOUND_MESSAGE.format(number=canonical), field="number")
    if may_see_certificate(actor, tree, row["issuing_unit_id"]):
        return _stored(row), True
    if _owned(conn, actor.user_id, row["source_case_id"]):
        return _stored(row), False
    raise CertNotFound(NOT_FOUND_MESSAGE.format(number=canonical), field="number")


def load_certificate(rt: Runtime, actor: Actor, number: str) -> tuple[StoredCertificate, bool]:
    """A certificate ``actor`` may see, and whether they see it as staff (else as its holder); 404 otherwise,
    the same as for no such number."""
    with read(rt.engine) as conn:
        return _load_visible(conn, actor, org_repo.load_unit_tree(conn), number)


def export_for(rt: Runtime, actor: Actor, number: str, *, ip: str | None = None) -> SignedCertificate:
    """The signed document (whole ID number inside) for a viewer who may see the certificate; each export
    is recorded in the audit log, as a view of personal data."""
    with write(rt.engine) as conn:
        stored, _staff = _load_visible(conn, actor, org_repo.load_unit_tree(conn), number)
        audit.record(
            conn,
            at=rt.now(),
            action="cert_exported",
            username=actor.username,
            user_id=actor.user_id,
            target=stored.number,
            ip=ip,
        )
    return stored.cert


def export_certificate(conn: Connection, number: str) -> SignedCertificate:
    """The signed document of a certificate, for the CLI (an operator's own database, no viewer)."""
    canonical = normalise_cert_number(number) or number.strip()
    row = conn.execute(sa.select(certificates).where(certificates.c.number == canonical)).mappings().first()
    if row is None:
        raise CertNotFound(f"证照 {canonical} 不存在", field="number")
    return _stored(row).cert


@dataclass(frozen=True)
class CertificateRow:
    """One line of the staff list: the holder's ID masked."""

    number: str
    cert_type: str
    type_label: str
    holder_name: str
    holder_id_masked: str
    valid_from: date
    valid_until: date | None
    issuer_name: str
    issued_at: datetime
    revoked: bool


def list_certificates(
    rt: Runtime,
    actor: Actor,
    *,
    cert_type: str | None = None,
    holder_party_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CertificateRow], int]:
    """The certificates issued by units in the viewer's scope (for the public: on their own applications),
    newest first, and how many there are."""
    with read(rt.engine) as conn:
        scope = sorted(access_visible_units(actor, org_repo.load_unit_tree(conn)))
        if scope:
            visible: sa.ColumnElement[bool] = certificates.c.issuing_unit_id.in_(scope)
        elif actor.user_id is not None:
            visible = _owned_filter(actor.user_id)  # the public: certificates issued on their own applications
        else:
            return [], 0
        where: list[sa.ColumnElement[bool]] = [visible]
        if cert_type:
            where.append(certificates.c.cert_type == type_registry().parse(cert_type).code)
        if holder_party_id is not None:
            where.append(certificates.c.holder_party_id == holder_party_id)
        total = conn.execute(sa.select(sa.func.count()).select_from(certificates).where(*where)).scalar_one()
        rows = conn.execute(
            sa.select(certificates)
            .where(*where)
            .order_by(certificates.c.issued_at.desc(), certificates.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        out = []
        for row in rows:
            holder = Holder(row["holder_kind"], row["holder_name"], row["holder_id_number"])
            out.append(
                CertificateRow(
                    number=row["number"],
                    cert_type=row["cert_type"],
                    type_label=row["type_label"],
                    holder_name=holder.name,
                    holder_id_masked=holder.masked_id_number,
                    valid_from=row["valid_from"],
                    valid_until=row["valid_until"],
                    issuer_name=row["issuer_name"],
                    issued_at=row["issued_at"],
                    revoked=row["revoked_at"] is not None,
                )
            )
        return out, int(total)


__all__ = [
    "CertificateRow",
    "CertificateSummary",
    "IssuedCertificate",
    "StoredCertificate",
    "VerifyResult",
    "export_certificate",
    "export_for",
    "issue_certificate",
    "list_certificates",
    "load_certificate",
    "public_result",
    "revoke_certificate",
    "valid_certificates",
    "verify_document",
    "verify_number",
]
