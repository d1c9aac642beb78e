"""The certificate as a signed document, and its canonical bytes.

The signed bytes are the canonical JSON of the document without its ``signature`` member:

* UTF-8, no BOM; object keys sorted by code point (Python's ``sort_keys``); no insignificant whitespace
  (separators ``,`` and ``:``); non-ASCII characters written as themselves, not ``\\u`` escapes; the escapes
  that remain are JSON's own (``\\"``, ``\\\\``, control characters as ``\\n`` or ``\\u00XX``);
* only strings, integers, booleans, null, arrays and objects: floats are refused (their text is not unique
  across implementations), dates are ``YYYY-MM-DD`` strings, ``issued_at`` is UTC with microseconds
  (``2026-09-28T02:00:00.000000+00:00``).

The document (``format`` ``onestop-cert/1``)::

    {"algorithm": "SM2-SM3", "data": {...}, "format": "onestop-cert/1",
     "holder": {"id_number": "91…", "kind": "enterprise", "name": "…"},
     "issued_at": "…", "issuer": {"code": "…", "name": "…"}, "key_id": "…", "number": "YYZZ-441624-2026-000001",
     "type": "business_license", "type_label": "营业执照", "valid_from": "2026-09-28", "valid_until": null,
     "signature": "<base64 of the signature bytes>"}

``algorithm`` and ``key_id`` are inside the signed bytes, so neither can be swapped without breaking it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from onestop.certs.errors import CertError
from onestop.org.masking import mask_resident_id

FORMAT = "onestop-cert/1"
DATA_MAX_BYTES = 16_384
DATA_MAX_DEPTH = 6
_MEMBERS = frozenset(
    {
        "algorithm",
        "data",
        "format",
        "holder",
        "issued_at",
        "issuer",
        "key_id",
        "number",
        "type",
        "type_label",
        "valid_from",
        "valid_until",
        "signature",
    }
)


def canonical_bytes(value: object) -> bytes:
    """The one byte string for a JSON value (see the module docstring)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def check_data(data: Mapping[str, object], *, field: str = "data") -> dict[str, Any]:
    """A plain JSON copy of a certificate's data; ``CertError`` for what canonical JSON cannot hold."""
    if not isinstance(data, Mapping):
        raise CertError("证照数据须为键值对象", field=field)
    copied = _plain(data, field, 0)
    if len(canonical_bytes(copied)) > DATA_MAX_BYTES:
        raise CertError(f"证照数据过大（不超过 {DATA_MAX_BYTES} 字节）", field=field)
    return copied  # type: ignore[no-any-return]


def _plain(value: object, path: str, depth: int) -> Any:
    if depth > DATA_MAX_DEPTH:
        raise CertError(f"证照数据嵌套过深（{path}）", field=path)
    if isinstance(value, str):
        _check_text(value, path)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise CertError(f"证照数据不能含小数（{path}），请以字符串填写数额", field=path)
    if isinstance(value, date):
        return value.isoformat()  # datetimes too; a date is how a certificate states a day
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CertError(f"证照数据的键须为文字（{path}）", field=path)
            _check_text(key, path)
            out[key] = _plain(item, f"{path}.{key}", depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise CertError(f"证照数据含不支持的值（{path}：{type(value).__name__}）", field=path)


def _check_text(text: str, path: str) -> None:
    # PostgreSQL stores no NUL in text or JSONB, and a lone surrogate has no UTF-8 form: refuse both here
    # rather than fail at the insert or when the bytes are signed.
    if "\x00" in text:
        raise CertError(f"证照数据含空字符（{path}）", field=path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CertError(f"证照数据含无效字符（{path}）", field=path) from None


def utc_text(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r} in a certificate")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class Holder:
    kind: str  # PartyKind value: person | enterprise
    name: str
    id_number: str  # whole: it is part of what the signature covers

    @property
    def masked_id_number(self) -> str:
        """As the public verify page shows it: a resident ID masked, a credit code (public) whole."""
        return mask_resident_id(self.id_number) if self.kind == "person" else self.id_number


@dataclass(frozen=True, slots=True)
class Issuer:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class CertificateBody:
    """Everything the signature covers."""

    number: str
    cert_type: str
    type_label: str
    holder: Holder
    valid_from: date
    valid_until: date | None  # None: 长期有效
    data: Mapping[str, Any]
    issuer: Issuer
    issued_at: datetime
    algorithm: str
    key_id: str

    def document(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "number": self.number,
            "type": self.cert_type,
            "type_label": self.type_label,
            "holder": {"kind": self.holder.kind, "name": self.holder.name, "id_number": self.holder.id_number},
            "valid_from": self.valid_from.isoformat(),
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            "data": dict(self.data),
            "issuer": {"code": self.issuer.code, "name": self.issuer.name},
            "issued_at": utc_text(self.issued_at),
            "algorithm": self.algorithm,
            "key_id": self.key_id,
        }

    def signed_bytes(self) -> bytes:
        return canonical_bytes(self.document())


@dataclass(frozen=True, slots=True)
class SignedCertificate:
    body: CertificateBody
    signature: bytes

    def export(self) -> dict[str, Any]:
        """The document as handed to the holder (``onestop certs export``), verifiable offline."""
        return {**self.body.document(), "signature": base64.b64encode(self.signature).decode("ascii")}

    def export_json(self) -> str:
        return json.dumps(self.export(), ensure_ascii=False, sort_keys=True, indent=2)


def parse_document(document: object) -> SignedCertificate:
    """A presented document back into a certificate; ``CertError`` naming the member when it is malformed.

    Malformed is not the same as altered: a document that parses but whose signature fails is altered; one
    that does not even parse is bad input (422).
    """
    if not isinstance(document, Mapping):
        raise CertError("证照文件须为 JSON 对象", field="document")
    if document.get("format") != FORMAT:
        raise CertError(f"证照文件格式须为 {FORMAT}", field="format")
    unknown = sorted(set(document) - _MEMBERS)
    if unknown:
        raise CertError(f"证照文件含未知字段：{'、'.join(unknown)}", field=unknown[0])
    holder, issuer = document.get("holder"), document.get("issuer")
    if not isinstance(holder, Mapping):
        raise CertError("证照文件缺少持证主体（holder）", field="holder")
    if not isinstance(issuer, Mapping):
        raise CertError("证照文件缺少发证单位（issuer）", field="issuer")
    try:
        signature = base64.b64decode(_text(document, "signature"), validate=True)
    except binascii.Error:
        raise CertError("签名值须为 Base64", field="signature") from None
    data = document.get("data")
    if not isinstance(data, Mapping):
        raise CertError("证照数据（data）须为对象", field="data")
    until = document.get("valid_until")
    body = CertificateBody(
        number=_text(document, "number"),
        cert_type=_text(document, "type"),
        type_label=_text(document, "type_label"),
        holder=Holder(
            _text(holder, "kind", "holder."), _text(holder, "name", "holder."), _text(holder, "id_number", "holder.")
        ),
        valid_from=_date(document.get("valid_from"), "valid_from"),
        valid_until=None if until is None else _date(until, "valid_until"),
        data=check_data(data),
        issuer=Issuer(_text(issuer, "code", "issuer."), _text(issuer, "name", "issuer.")),
        issued_at=_instant(document.get("issued_at")),
        algorithm=_text(document, "algorithm"),
        key_id=_text(document, "key_id"),
    )
    return SignedCertificate(body, signature)


def _text(mapping: Mapping[str, object], key: str, prefix: str = "") -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value:
        raise CertError(f"证照文件缺少或错误的字段：{prefix}{key}", field=prefix + key)
    return value


def _date(value: object, field: str) -> date:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _bad(field)
    except ValueError:
        return _bad(field)


def _bad(field: str) -> date:
    raise CertError(f"日期格式须为 YYYY-MM-DD：{field}", field=field)


def _instant(value: object) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise CertError("签发时间（issued_at）须为带时区的 ISO 时间", field="issued_at")
    return at
