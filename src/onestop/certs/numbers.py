"""Certificate numbers: type prefix, region code, year, serial — ``YYZZ-441624-2026-000042``.

Readable aloud and typed from paper: the prefix names the type, the region the issuing county (GB/T 2260), the
year the year of issue; the serial is per prefix, region and year (a counter row in the database).
Lookups accept the number as people type it: any case, spaces, and with or without the dashes.
"""

from __future__ import annotations

import re

SERIAL_DIGITS = 6
NO_REGION = "000000"
_NUMBER = re.compile(r"^(?P<prefix>[A-Z]{2,6})-?(?P<region>\d{6})-?(?P<year>\d{4})-?(?P<serial>\d{6,9})$")


def format_cert_number(prefix: str, region: str, year: int, serial: int) -> str:
    if serial < 1:
        raise ValueError("serials start at 1")
    return f"{prefix}-{region}-{year:04d}-{serial:0{SERIAL_DIGITS}d}"


def normalise_cert_number(text: str) -> str | None:
    """The canonical form of a typed number, or None when it cannot be a certificate number."""
    compact = "".join(text.split()).upper()
    match = _NUMBER.match(compact)
    if match is None:
        return None
    return f"{match['prefix']}-{match['region']}-{match['year']}-{match['serial']}"


def region_of(region_code: str | None) -> str:
    """The six-digit region code for numbers; a unit without one numbers under 000000."""
    if region_code and re.fullmatch(r"\d{6}", region_code.strip()):
        return region_code.strip()
    return NO_REGION
