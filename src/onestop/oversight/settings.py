"""The rules and scorecard settings as TOML documents: what an administrator reads, edits and hands back.

``rules show`` / the settings page print the settings in force with ``dump_toml``; what comes back (a file, a
pasted text) is read with ``read_toml`` and checked here for its shape before the rules and config parsers check
every value, so a scorecard file handed to ``rules set`` (or a typo in a key) is refused, never ignored.
The standard library reads TOML but does not write it; the documents are small and of a known shape (tables,
arrays of tables, strings, numbers, booleans, lists of those), which is all ``dump_toml`` writes.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from onestop.oversight.errors import InvalidConfig
from onestop.oversight.rules import Rule

MAX_TEXT = 64 * 1024  # far above any real settings file; a bigger upload is a mistake, not a configuration
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def read_toml(text: str, *, field: str = "toml") -> dict[str, Any]:
    if len(text) > MAX_TEXT:
        raise InvalidConfig(f"设置文件不能超过 {MAX_TEXT // 1024} KB", field=field)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidConfig(f"设置文件不是有效的 TOML：{exc}", field=field) from None


def rules_document(rules: Sequence[Rule]) -> dict[str, Any]:
    return {"rule": [r.to_json() for r in rules]}


def rule_entries(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``[[rule]]`` tables of a rules file (at least one: an empty or foreign file is a mistake; a rule is
    switched off with ``enabled = false``)."""
    unknown = sorted(set(document) - {"rule"})
    if unknown:
        raise InvalidConfig(f"督办规则文件只能含 [[rule]] 表，未知的字段 {unknown}", field=unknown[0])
    entries = document.get("rule")
    if not isinstance(entries, list) or not entries:
        raise InvalidConfig("督办规则文件须含至少一条 [[rule]]", field="rule")
    return entries


def check_override_keys(override: Mapping[str, Any], base: Mapping[str, Any], prefix: str = "") -> None:
    """Every key of a scorecard override must exist at the same place in the bundled file: the merge would keep
    a misspelt key (``[weight]``) and the parser would never read it."""
    for key, value in override.items():
        path = f"{prefix}{key}"
        if key not in base:
            raise InvalidConfig(f"考评设置含未知的字段「{path}」", field=path)
        if isinstance(value, Mapping) and isinstance(base[key], Mapping):
            check_override_keys(value, base[key], f"{path}.")


# -- writing ---------------------------------------------------------------------------------------------------


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _table(lines: list[str], table: Mapping[str, Any], path: str) -> None:
    for key, value in table.items():
        if value is None or isinstance(value, Mapping) or _is_table_array(value):
            continue
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        sub = f"{path}.{_key(key)}" if path else _key(key)
        if isinstance(value, Mapping):
            lines.extend(["", f"[{sub}]"])
            _table(lines, value, sub)
        elif _is_table_array(value):
            for item in value:
                lines.extend(["", f"[[{sub}]]"])
                _table(lines, item, sub)


def dump_toml(document: Mapping[str, Any]) -> str:
    lines: list[str] = []
    _table(lines, document, "")
    return "\n".join(lines).lstrip("\n") + "\n"
