"""Mainland China phone numbers: mobile (``13812345678``) and fixed line with area code (``0991-1234567``).

``phonenumbers`` (libphonenumber) is not a dependency, and for the two shapes a form accepts its metadata adds
little: the numbering plan is stable and small. Mobile numbers are 11 digits ``1[3-9]…``; a fixed line is a
trunk 0, an area code (``010`` and ``02x`` are three digits, every other one four) and 7 or 8 local digits (8
after a three-digit code). A local number may not start with 0, which would mean the trunk prefix was typed
twice. Service numbers (12345, 95xxx, 400/800) are not personal contact numbers and are refused.

``validate_phone`` returns the canonical form: ``13812345678``, ``0991-1234567`` or ``0991-1234567-801``.
"""

from __future__ import annotations

import re
import unicodedata

from onestop.org.identifiers import InvalidIdentifier

MOBILE_LENGTH = 11
MOBILE = re.compile(r"1[3-9][0-9]{9}")
AREA_CODE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
_INTERNATIONAL = re.compile(r"(?:\+|00)86-?")
_EXTENSION_MARKS = ("转", "分机", "EXT.", "EXT", "#")
_EXTENSION = re.compile(r"[0-9]{1,6}")
_BRACKETS = str.maketrans("", "", "()")


def validate_phone(value: str, *, field: str | None = "phone", label: str = "电话号码") -> str:
    """The canonical mobile or fixed-line number in ``value``, or ``InvalidIdentifier``.

    Accepts spaces, hyphens, brackets around the area code, a ``+86``/``0086`` prefix and an extension after
    ``转``, ``分机``, ``ext``, ``#`` or a second hyphen.
    """
    text = "".join(unicodedata.normalize("NFKC", value).split()).upper().translate(_BRACKETS)
    if not text:
        raise InvalidIdentifier(f"{label}不能为空", field=field)
    international = _INTERNATIONAL.match(text)
    if international:
        text = text[international.end() :]
    main, extension = _split_extension(text, field, label)
    digits = main.replace("-", "")
    if international and digits[:1] not in ("0", "1"):
        # Dialled from abroad the trunk 0 is dropped: +86 991 … is 0991 ….
        digits = "0" + digits
    elif not international and len(digits) == MOBILE_LENGTH + 2 and digits.startswith("861"):
        digits = digits[2:]
    bad = next((char for char in digits if not ("0" <= char <= "9")), None)
    if bad is not None:
        raise InvalidIdentifier(f"{label}格式错误：含有无效字符“{bad}”", field=field)
    if digits.startswith("1"):
        return _mobile(digits, extension, field, label)
    if digits.startswith("0"):
        return _fixed_line(digits, extension, field, label)
    if len(digits) in (7, 8):
        raise InvalidIdentifier(f"{label}格式错误：固定电话须带区号，如 0991-1234567", field=field)
    raise InvalidIdentifier(f"{label}格式错误：应为 11 位手机号码或带区号的固定电话，如 0991-1234567", field=field)


def _split_extension(text: str, field: str | None, label: str) -> tuple[str, str | None]:
    for mark in _EXTENSION_MARKS:
        if mark in text:
            main, extension = text.split(mark, 1)
            break
    else:
        # 0991-1234567-801: a third hyphenated group is an extension; 138-1234-5678 is a mobile in groups.
        if text.count("-") != 2 or text.startswith("1"):
            return text, None
        main, extension = text.rsplit("-", 1)
    if not _EXTENSION.fullmatch(extension):
        raise InvalidIdentifier(f"{label}格式错误：分机号应为 1–6 位数字", field=field)
    return main, extension


def _mobile(digits: str, extension: str | None, field: str | None, label: str) -> str:
    if extension is not None:
        raise InvalidIdentifier(f"{label}格式错误：手机号码不能带分机号", field=field)
    if len(digits) != MOBILE_LENGTH:
        raise InvalidIdentifier(
            f"{label}长度错误：手机号码应为 {MOBILE_LENGTH} 位，实际为 {len(digits)} 位", field=field
        )
    if not MOBILE.fullmatch(digits):
        raise InvalidIdentifier(f"{label}格式错误：手机号码第 2 位应为 3–9", field=field)
    return digits


def _fixed_line(digits: str, extension: str | None, field: str | None, label: str) -> str:
    area = AREA_CODE.match(digits)
    if area is None:
        raise InvalidIdentifier(f"{label}格式错误：区号“{digits[:4]}”无效", field=field)
    local = digits[area.end() :]
    lengths = (8,) if len(area.group()) == 3 else (7, 8)
    if len(local) not in lengths:
        expected = "8" if lengths == (8,) else "7 或 8"
        raise InvalidIdentifier(
            f"{label}长度错误：区号 {area.group()} 后应为 {expected} 位号码，实际为 {len(local)} 位",
            field=field,
        )
    if local.startswith("0"):
        raise InvalidIdentifier(f"{label}格式错误：区号后的号码不能以 0 开头", field=field)
    canonical = f"{area.group()}-{local}"
    return canonical if extension is None else f"{canonical}-{extension}"
