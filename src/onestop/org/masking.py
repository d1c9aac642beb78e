"""Masking of personal numbers for display and logs (个人信息保护法: show no more than the task needs).

Every function is idempotent: masking a masked value gives it back unchanged, so a value can pass through
several layers that each mask defensively. Masking never validates first: a mistyped ID number is still
personal data.
"""

from __future__ import annotations

import re

from onestop.org.identifiers import InvalidIdentifier, compact_identifier
from onestop.org.phones import MOBILE_LENGTH, validate_phone

MASK = "*"
_ID_KEEP = 4
_MOBILE_HEAD, _MOBILE_HIDDEN = 3, 4

# Patterns run over an ASCII view of the text in which the full-width forms a Chinese input method types
# (１３８, Ｘ, （）) are folded one to one, so match positions are positions in the original text.
_ASCII_VIEW = str.maketrans("０１２３４５６７８９Ｘｘ＋（）－", "0123456789Xx+()-")
# The 15-digit form is the pre-1999 resident ID, still found in old records.
_RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9+])(?:(?:\+|00)?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9])")
# A fixed line is only recognised with its area code: a bare 7–8 digit run is as likely an amount.
_FIXED_LINE_IN_TEXT = re.compile(
    r"(?<![0-9])\(?0(?:10|2[0-9]|[3-9][0-9]{2})\)?[-\s]?(?P<local>[1-9][0-9]{6,7})(?![0-9])"
)


def mask_resident_id(value: str) -> str:
    """``650102199001011234`` -> ``6501**********1234``: the first and last four characters stay."""
    return _keep_ends(compact_identifier(value), _ID_KEEP, _ID_KEEP)


def mask_phone(value: str) -> str:
    """``13812345678`` -> ``138****5678``; ``0991-1234567`` -> ``0991-****567`` (area code and last 3–4 stay).

    A value that is not a valid number keeps only its last two characters; one that already holds a mask
    character is returned as it is.
    """
    text = value.strip()
    if MASK in text:
        return text
    try:
        phone = validate_phone(text)
    except InvalidIdentifier:
        compact = "".join(text.split())
        return _keep_ends(compact, 0, 2)
    if len(phone) == MOBILE_LENGTH:
        return _mask_mobile_digits(phone)
    area, local, *extension = phone.split("-")
    return "-".join([area, _mask_local(local), *extension])


def mask_text(text: str) -> str:
    """``text`` with every resident ID number and phone number in it masked, for logs and exports."""
    view = text.translate(_ASCII_VIEW)
    # ID numbers first: once masked, no phone pattern can match inside one.
    for pattern, hidden in (
        (_RESIDENT_ID_IN_TEXT, _hidden_in_resident_id),
        (_MOBILE_IN_TEXT, _hidden_in_mobile),
        (_FIXED_LINE_IN_TEXT, _hidden_in_fixed_line),
    ):
        chars = list(view)
        for match in pattern.finditer(view):
            for index in hidden(match):
                chars[index] = MASK
        view = "".join(chars)
    return "".join(MASK if masked == MASK else char for char, masked in zip(text, view, strict=True))


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return MASK * len(text)
    return text[:head] + MASK * (len(text) - head - tail) + text[len(text) - tail :]


def _mask_mobile_digits(mobile: str) -> str:
    return mobile[:_MOBILE_HEAD] + MASK * _MOBILE_HIDDEN + mobile[_MOBILE_HEAD + _MOBILE_HIDDEN :]


def _mask_local(local: str) -> str:
    # Keep 4 of 8 or 3 of 7 digits, so at least 4 are always hidden.
    return _keep_ends(local, 0, len(local) - 4)


def _hidden_in_resident_id(match: re.Match[str]) -> range:
    return range(match.start() + _ID_KEEP, match.end() - _ID_KEEP)


def _hidden_in_mobile(match: re.Match[str]) -> list[int]:
    # The match may carry a country prefix and separators; the mobile number is its last 11 digits.
    digits = [match.start() + offset for offset, char in enumerate(match.group()) if char.isdigit()]
    return digits[-MOBILE_LENGTH:][_MOBILE_HEAD : _MOBILE_HEAD + _MOBILE_HIDDEN]


def _hidden_in_fixed_line(match: re.Match[str]) -> range:
    # The same digits _mask_local hides: the first 4 of the local number.
    return range(match.start("local"), match.start("local") + 4)
