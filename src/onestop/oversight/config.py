"""Scorecard weights, penalties, 约谈 and bulletin thresholds: ``data/scorecard.toml``, overridable per deployment.

An override is a partial document of the same shape (``{"weights": {"orders": 20}}``); ``merge`` lays it over
the bundled defaults and ``parse_config`` checks the result, so a bad override is refused with a Chinese
message naming the key, never half applied.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onestop.oversight.errors import InvalidConfig

CONFIG_FILE = Path(__file__).parent / "data" / "scorecard.toml"
MEASURES = ("on_time", "satisfaction", "rectification", "orders", "returns")
MEASURE_LABELS = {
    "on_time": "按期办结率",
    "satisfaction": "满意率",
    "rectification": "差评整改率",
    "orders": "督办",
    "returns": "退回",
}
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class TopicSource:
    kinds: tuple[str, ...]
    field: str


@dataclass(frozen=True)
class Thresholds:
    finish_rate_min: float
    satisfaction_min: float
    on_time_min: float
    rectification_min: float


@dataclass(frozen=True)
class ScoreConfig:
    service_kinds: tuple[str, ...]
    return_actions: tuple[str, ...]
    satisfied_min_level: int
    weights: Mapping[str, float]
    order_penalty: float
    listed_penalty: float
    return_penalty: float
    interview_bottom: int
    interview_below: float | None
    thresholds: Thresholds
    hot_topics: int
    typical_cases: int
    topics: tuple[TopicSource, ...]


def _number(section: Mapping[str, Any], key: str, where: str, *, low: float = 0, high: float = 1000) -> float:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidConfig(f"「{where}.{key}」应为 {low:g}–{high:g} 之间的数，现为 {value!r}", field=f"{where}.{key}")
    return float(value)


def _codes(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _CODE.match(v) for v in value):
        raise InvalidConfig(f"「{where}」应为代码列表（小写字母、数字、下划线）", field=where)
    return tuple(dict.fromkeys(value))


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise InvalidConfig(f"缺少配置节「{key}」", field=key)
    return value


def parse_config(data: Mapping[str, Any]) -> ScoreConfig:
    weights_in = _section(data, "weights")
    unknown = set(weights_in) - set(MEASURES)
    if unknown:
        raise InvalidConfig(f"「weights」含未知的指标 {sorted(unknown)}，可选：{list(MEASURES)}", field="weights")
    weights = {m: _number(weights_in, m, "weights") for m in MEASURES if m in weights_in}
    if sum(weights.values()) <= 0:
        raise InvalidConfig("「weights」的权重之和须大于 0", field="weights")
    penalties = _section(data, "penalties")
    interview = _section(data, "interview")
    bulletin = _section(data, "bulletin")
    below = interview.get("below")
    level = data.get("satisfied_min_level")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise InvalidConfig(f"「satisfied_min_level」应为 1–5 的整数，现为 {level!r}", field="satisfied_min_level")
    topics_in = bulletin.get("topics", [])
    if not isinstance(topics_in, list):
        raise InvalidConfig("「bulletin.topics」应为列表", field="bulletin.topics")
    topics = []
    for entry in topics_in:
        field = entry.get("field") if isinstance(entry, Mapping) else None
        if not isinstance(field, str) or not _CODE.match(field):
            raise InvalidConfig("「bulletin.topics」每项须有 kinds 和 field（字段代码）", field="bulletin.topics")
        topics.append(TopicSource(_codes(entry.get("kinds"), "bulletin.topics.kinds"), field))
    return ScoreConfig(
        service_kinds=_codes(data.get("service_kinds"), "service_kinds"),
        return_actions=_codes(data.get("return_actions"), "return_actions"),
        satisfied_min_level=level,
        weights=weights,
        order_penalty=_number(penalties, "order", "penalties", high=100),
        listed_penalty=_number(penalties, "listed", "penalties", high=100),
        return_penalty=_number(penalties, "return", "penalties", high=100),
        interview_bottom=int(_number(interview, "bottom", "interview", high=100)),
        interview_below=None if below is None else _number(interview, "below", "interview", high=100),
        thresholds=Thresholds(
            finish_rate_min=_number(bulletin, "finish_rate_min", "bulletin", high=100),
            satisfaction_min=_number(bulletin, "satisfaction_min", "bulletin", high=100),
            on_time_min=_number(bulletin, "on_time_min", "bulletin", high=100),
            rectification_min=_number(bulletin, "rectification_min", "bulletin", high=100),
        ),
        hot_topics=int(_number(bulletin, "hot_topics", "bulletin", low=1, high=50)),
        typical_cases=int(_number(bulletin, "typical_cases", "bulletin", low=1, high=50)),
        topics=tuple(topics),
    )


def default_document(path: Path | None = None) -> dict[str, Any]:
    with (path or CONFIG_FILE).open("rb") as handle:
        return tomllib.load(handle)


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``: tables merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(override: Mapping[str, Any] | None = None, path: Path | None = None) -> ScoreConfig:
    return parse_config(merge(default_document(path), override or {}))
