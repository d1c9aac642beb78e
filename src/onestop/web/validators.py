"""Input rules every request shares: no NUL characters, finite numbers, bounded sizes.

PostgreSQL refuses NUL in text and JSONB refuses NaN; letting either through would answer a client's bad input
with a 500. These checks answer 422 with a Chinese message instead, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator

MAX_DEPTH = 6
MAX_ITEMS = 50
MAX_TEXT = 5000
INT_MAX = 2_147_483_647  # PostgreSQL integer
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符（\\0）")
    return value


SafeStr = Annotated[str, AfterValidator(no_nul)]


def check_json(value: Any, depth: int = 0) -> Any:
    """A JSON value safe to store: bounded depth and size, no NUL, no NaN/Infinity."""
    if depth > MAX_DEPTH:
        raise ValueError(f"嵌套不能超过 {MAX_DEPTH} 层")
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValueError(f"文本不能超过 {MAX_TEXT} 个字符")
        return no_nul(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise ValueError("整数超出范围")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("数字须为有限值")
        return value
    if isinstance(value, Mapping):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"字段不能超过 {MAX_ITEMS} 个")
        return {no_nul(str(k))[:200]: check_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"列表不能超过 {MAX_ITEMS} 项")
        return [check_json(v, depth + 1) for v in value]
    raise ValueError("含有不支持的数据类型")


def text_value(value: object, *, max_length: int = MAX_TEXT) -> str:
    """A form value as text; a file upload or NUL-bearing text counts as empty-invalid."""
    if not isinstance(value, str):
        return ""
    return value[:max_length].replace("\x00", "")
