"""Certificate types (证照类型): code, Chinese label, number prefix and default validity, from ``data/types.toml``.

The types are data so the window module can add one without code; the loader checks that codes and prefixes are
unique, because a certificate number's prefix must name exactly one type.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from onestop.certs.errors import CertError

TYPES_FILE = Path(__file__).with_name("data") / "types.toml"
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_PREFIX = re.compile(r"^[A-Z]{2,6}$")
MONTHS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class CertType:
    code: str
    label: str
    prefix: str
    validity_months: int | None  # None: 长期有效
    basis: str = ""

    def default_valid_until(self, valid_from: date) -> date | None:
        """The last day of validity: ``validity_months`` calendar months on, less a day (2026-10-01 + 12 months
        → 2027-09-30). Validity is counted in calendar months as the licence says, not in working days."""
        if self.validity_months is None:
            return None
        return add_months(valid_from, self.validity_months) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a day the target month lacks becomes its last day (01-31 + 1 → 02-28)."""
    index = day.year * MONTHS_PER_YEAR + day.month - 1 + months
    year, month0 = divmod(index, MONTHS_PER_YEAR)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month0 + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


class CertTypes(Mapping[str, CertType]):
    """The registry: code → type, with lookup by number prefix."""

    def __init__(self, types: list[CertType]) -> None:
        self._by_code: dict[str, CertType] = {}
        self._by_prefix: dict[str, CertType] = {}
        for cert_type in types:
            if cert_type.code in self._by_code:
                raise ValueError(f"certificate type code {cert_type.code!r} declared twice")
            if cert_type.prefix in self._by_prefix:
                raise ValueError(f"certificate number prefix {cert_type.prefix!r} declared twice")
            self._by_code[cert_type.code] = cert_type
            self._by_prefix[cert_type.prefix] = cert_type

    def __getitem__(self, code: str) -> CertType:
        return self._by_code[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)

    def by_prefix(self, prefix: str) -> CertType | None:
        return self._by_prefix.get(prefix)

    def parse(self, code: str, *, field: str = "cert_type") -> CertType:
        """The type for ``code``, or a ``CertError`` naming the field."""
        found = self._by_code.get(code.strip()) if isinstance(code, str) else None
        if found is None:
            raise CertError(f"证照类型“{code}”不存在", field=field, code="unknown_cert_type")
        return found


def parse_types(text: str) -> CertTypes:
    raw = tomllib.loads(text).get("type", [])
    types = []
    for entry in raw:
        code, prefix, months = entry["code"], entry["prefix"], entry.get("validity_months")
        if not _CODE.match(code):
            raise ValueError(f"certificate type code {code!r}: lower-case letters, digits and _ only")
        if not _PREFIX.match(prefix):
            raise ValueError(f"certificate type {code}: prefix {prefix!r} must be 2–6 upper-case letters")
        if months is not None and (not isinstance(months, int) or months < 1):
            raise ValueError(f"certificate type {code}: validity_months must be a positive integer")
        types.append(CertType(code, entry["label"], prefix, months, entry.get("basis", "")))
    return CertTypes(types)


@cache
def cert_types() -> CertTypes:
    return parse_types(TYPES_FILE.read_text(encoding="utf-8"))
