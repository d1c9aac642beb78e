"""Case numbers: kind prefix + date + serial, e.g. SQ20250301000042.

The serial comes from the database (a per-prefix, per-day counter); this module only formats and parses, so
numbers look the same whichever store issued them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

SERIAL_DIGITS = 6
_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{1,6})(?P<day>\d{8})(?P<serial>\d{6,})$")


def format_number(prefix: str, day: date, serial: int) -> str:
    if not prefix.isalpha() or not prefix.isupper() or not prefix.isascii():
        raise ValueError(f"case-number prefix must be upper-case ASCII letters, got {prefix!r}")
    if serial < 1:
        raise ValueError("serials start at 1")
    return f"{prefix}{day:%Y%m%d}{serial:0{SERIAL_DIGITS}d}"


def parse_number(number: str) -> tuple[str, date, int]:
    match = _PATTERN.match(number)
    if match is None:
        raise ValueError(f"not a case number: {number!r}")
    # The date is read back as a calendar date only; no timezone is involved.
    day = datetime.strptime(match["day"], "%Y%m%d").date()  # noqa: DTZ007
    return match["prefix"], day, int(match["serial"])
