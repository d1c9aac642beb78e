"""Where computed indicators come from, as data: which case kinds, which events, which statistic.

``data/sources.json`` lists the platform measures (the window, hotline and ratings figures of the indicator
tree). Each names:

* ``statistic`` — how the value is computed (see ``STATISTICS``);
* ``kind`` — the source role it reads (``application``, ``approval``, ``hotline``, ``rectification``), not a
  kind code: the ``kinds`` table of the file maps each role to the case kind that plays it, so a deployment
  (or a test) points a role at another kind without touching the measures. The defaults are the kind codes
  fixed in the cross-module contract (``window_application`` …);
* ``finished`` — per kind code, the states in which a case counts as finished (办结): a window application is
  finished when decided (已办结，待出件), before it is issued and delivered; a kind not listed: its terminal
  states coloured green;
* optional filters: ``payload`` (payload key → accepted values, e.g. the 企业开办 bundle), ``channels``,
  ``owner_kinds``, ``in_person_actions``, ``min_level``, ``rated`` (the roles whose ratings count),
  ``material_statuses`` (which recorded material statuses count as handed in: 免提交 is not among them).

A measure is available only while every kind it reads is registered (its module is installed); until then
its indicator falls back to an approved entered value, exactly as for a measure nobody has written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from onestop.evaluation.errors import InvalidTree

SOURCES_FILE = "sources.json"
ROLES = ("application", "approval", "hotline", "rectification")
STATISTICS = {
    "mean_workdays": "已办结办件从受理（计时开始）到办结的平均工作日数，受理当日不计",
    "mean_children": "已办结办件平均经过的部门审批环节数（其下的审批子件数；分阶段的项目计各阶段之下的审批）",
    "mean_materials": "已办结办件受理时申请人实际提交（含容缺后补）的材料平均件数，凭电子证照免提交的不计",
    "mean_fees": "已办结办件所办事项按事项清单（办件记录的版本）应缴费用之和的平均值（元）",
    "mean_visits": "已办结办件申请人平均到现场次数：窗口提交计 1 次，每次须到场的补正等再计 1 次",
    "on_time_share": "本期办结的办件中，办结时未超期的比例",
    "closure_share": "本期受理（登记）的办件中，期末前已办结的比例",
    "channel_share": "本期登记的办件中，经网上渠道提交的比例",
    "owner_kind_share": "本期登记的办件中，由综合窗口（政务服务中心）受理的比例",
    "rating_share": "本期有效评价中，评价等级不低于设定等级的比例",
    "rectified_share": "本期有效差评中，整改办件已办结的比例",
}


@dataclass(frozen=True)
class SourceSpec:
    """One platform measure as data."""

    code: str
    label: str
    unit: str
    statistic: str
    kind: str  # a role: application, approval, hotline, rectification
    children: str | None = None  # the role of the sub-cases (mean_children, mean_visits)
    payload: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    channels: tuple[str, ...] = ()
    owner_kinds: tuple[str, ...] = ()
    in_person_actions: tuple[str, ...] = ()
    rated: tuple[str, ...] = ()
    min_level: int = 3
    material_statuses: tuple[str, ...] = ()  # mean_materials: the material statuses that count as handed in
    finished_states: tuple[str, ...] = ()  # empty: the kind's terminal states coloured green (办结, 已批准 …)
    note: str = ""

    def roles(self) -> tuple[str, ...]:
        """Every role the measure reads (ratings measures need the ratings module: its rectification kind)."""
        found = [self.kind, *([self.children] if self.children else []), *self.rated]
        if self.statistic in ("rating_share", "rectified_share"):
            found.append("rectification")
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Sources:
    kinds: Mapping[str, str]
    measures: tuple[SourceSpec, ...]
    online_channels: tuple[str, ...]
    # kind code → the states in which its cases count as finished (办结); other kinds: their green terminal states
    finished: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_overrides: dict[str, str] = {}


def configure_kinds(mapping: Mapping[str, str]) -> None:
    """Points source roles at case kinds (``{"application": "window_application"}``) for this process."""
    unknown = sorted(set(mapping) - set(ROLES))
    if unknown:
        raise InvalidTree(f"未知的数据来源角色：{', '.join(unknown)}（可选 {', '.join(ROLES)}）", field="kinds")
    _overrides.update(mapping)


@contextmanager
def kinds_configured(mapping: Mapping[str, str]) -> Iterator[None]:
    """``configure_kinds`` for the duration of a block (tests, a one-off report)."""
    saved = dict(_overrides)
    configure_kinds(mapping)
    try:
        yield
    finally:
        _overrides.clear()
        _overrides.update(saved)


def source_kinds() -> dict[str, str]:
    """Role → case kind code, the file's defaults with this process's overrides."""
    return {**load_sources().kinds, **_overrides}


@cache
def load_sources() -> Sources:
    text = resources.files("onestop.evaluation").joinpath("data").joinpath(SOURCES_FILE).read_text(encoding="utf-8")
    return parse_sources(json.loads(text))


def parse_sources(document: Mapping[str, Any]) -> Sources:
    kinds = document.get("kinds")
    if not isinstance(kinds, dict) or set(kinds) != set(ROLES):
        raise InvalidTree(f"数据来源须为每个角色指定办件类型：{', '.join(ROLES)}", field="kinds")
    specs = tuple(_spec(item) for item in document.get("measures") or [])
    codes = [s.code for s in specs]
    if len(set(codes)) != len(codes):
        raise InvalidTree("数据来源中计算方法代码重复", field="measures")
    online = tuple(str(c) for c in document.get("online_channels") or ())
    finished = {str(k): tuple(str(s) for s in v) for k, v in (document.get("finished") or {}).items()}
    return Sources({str(k): str(v) for k, v in kinds.items()}, specs, online, finished)


def _spec(item: Mapping[str, Any]) -> SourceSpec:
    code = str(item.get("code") or "")
    statistic = str(item.get("statistic") or "")
    if statistic not in STATISTICS:
        raise InvalidTree(f"计算方法 {code} 的 statistic 无效：{statistic}", field="statistic")
    if statistic == "mean_materials" and not item.get("material_statuses"):
        raise InvalidTree(f"计算方法 {code} 须列出计为已提交的材料状态（material_statuses）", field="material_statuses")
    roles = [item.get("kind"), item.get("children"), *(item.get("rated") or [])]
    for role in roles:
        if role is not None and role not in ROLES:
            raise InvalidTree(f"计算方法 {code} 引用了未知的数据来源角色：{role}", field="kind")
    payload = {str(k): tuple(str(v) for v in values) for k, values in (item.get("payload") or {}).items()}
    return SourceSpec(
        code=code,
        label=str(item["label"]),
        unit=str(item["unit"]),
        statistic=statistic,
        kind=str(item["kind"]),
        children=item.get("children"),
        payload=payload,
        channels=tuple(item.get("channels") or ()),
        owner_kinds=tuple(item.get("owner_kinds") or ()),
        in_person_actions=tuple(item.get("in_person_actions") or ()),
        rated=tuple(item.get("rated") or ()),
        min_level=int(item.get("min_level", 3)),
        material_statuses=tuple(str(s) for s in item.get("material_statuses") or ()),
        finished_states=tuple(item.get("finished_states") or ()),
        note=str(item.get("note", "")),
    )
