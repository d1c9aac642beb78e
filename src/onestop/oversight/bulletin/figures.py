"""The bulletin's figures: headline, one line per unit with the thresholds it falls below, rankings, hot topics,
typical cases. Every rendering (docx, xlsx, pdf, the dashboard) draws from these and from the column
definitions here, so the numbers agree in every format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce

from onestop.oversight.config import MEASURE_LABELS, MEASURES, ScoreConfig, Thresholds
from onestop.oversight.periods import Period
from onestop.oversight.scorecard import Scorecard, UnitMeasures, scorecards
from onestop.worktime import TZ


@dataclass(frozen=True)
class Topic:
    label: str
    source: str  # the kind it was read from, in words (热线诉求, 政务服务事项)
    count: int
    share: float  # % of the cases of its source in the period


@dataclass(frozen=True)
class TypicalCase:
    number: str
    kind_label: str
    unit_name: str
    subject: str
    state_label: str
    due_at: datetime
    overdue_days: int  # full working days overdue at the bulletin's cut-off


@dataclass(frozen=True)
class UnitLine:
    measures: UnitMeasures
    low: frozenset[str]  # the columns below their threshold: finish_rate, on_time_rate, …


@dataclass(frozen=True)
class Bulletin:
    title: str
    region_name: str
    period: Period
    generated_at: datetime
    cut_off: datetime  # figures are as of this instant: the period's end, or now while it runs
    headline: UnitMeasures
    units: Sequence[UnitLine]
    ranking: Sequence[Scorecard]
    topics: Sequence[Topic]
    typical: Sequence[TypicalCase]
    config: ScoreConfig
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def interviews(self) -> list[Scorecard]:
        return [c for c in self.ranking if c.interview]


# -- columns shared by every format ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[UnitMeasures], float | int | None]
    percent: bool = False


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("received", "受理量", lambda m: m.received),
    Column("finished", "办结量", lambda m: m.finished),
    Column("finish_rate", "办结率", lambda m: m.finish_rate, True),
    Column("on_time_rate", "按期办结率", lambda m: m.on_time_rate, True),
    Column("ratings", "评价数", lambda m: m.ratings),
    Column("satisfaction_rate", "满意率", lambda m: m.satisfaction_rate, True),
    Column("bad", "差评", lambda m: m.bad),
    Column("rectification_rate", "差评整改率", lambda m: m.rectification_rate, True),
    Column("orders", "督办", lambda m: m.orders),
    Column("listed", "挂牌督办", lambda m: m.listed),
    Column("returns", "退回", lambda m: m.returns),
)


def low_columns(m: UnitMeasures, t: Thresholds) -> frozenset[str]:
    checks = (
        ("finish_rate", m.finish_rate, t.finish_rate_min),
        ("on_time_rate", m.on_time_rate, t.on_time_min),
        ("satisfaction_rate", m.satisfaction_rate, t.satisfaction_min),
        ("rectification_rate", m.rectification_rate, t.rectification_min),
    )
    return frozenset(key for key, value, minimum in checks if value is not None and value < minimum)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def cell_text(column: Column, m: UnitMeasures) -> str:
    value = column.value(m)
    if column.percent:
        return percent(None if value is None else float(value))
    return str(value)


def unit_header() -> list[str]:
    return ["单位", *(c.label for c in UNIT_COLUMNS)]


def headline_items(b: Bulletin) -> list[tuple[str, str]]:
    h = b.headline
    return [
        ("受理量", f"{h.received} 件"),
        ("办结量", f"{h.finished} 件"),
        ("办结率", percent(h.finish_rate)),
        ("按期办结率", percent(h.on_time_rate)),
        ("评价数", f"{h.ratings} 次"),
        ("满意率", percent(h.satisfaction_rate)),
        ("差评", f"{h.bad} 件"),
        ("差评整改率", percent(h.rectification_rate)),
        ("督办单", f"{h.orders} 件（挂牌督办 {h.listed} 件）"),
        ("退回", f"{h.returns} 次"),
        ("约谈单位", f"{len(b.interviews)} 个"),
    ]


def summary_text(b: Bulletin) -> str:
    """The opening paragraph, in the words bulletins use."""
    h, t = b.headline, b.config.thresholds
    low_finish = [u.measures.unit_name for u in b.units if "finish_rate" in u.low]
    low_satisfied = [u.measures.unit_name for u in b.units if "satisfaction_rate" in u.low]
    parts = [
        f"{b.period.label}，{b.region_name}共受理办件 {h.received} 件，办结 {h.finished} 件，"
        f"办结率 {percent(h.finish_rate)}，按期办结率 {percent(h.on_time_rate)}；"
        f"收到评价 {h.ratings} 次，满意率 {percent(h.satisfaction_rate)}，差评 {h.bad} 件，"
        f"整改率 {percent(h.rectification_rate)}；发出督办单 {h.orders} 件，其中挂牌督办 {h.listed} 件。"
    ]
    if low_finish:
        parts.append(f"办结率低于 {t.finish_rate_min:g}% 的单位：{'、'.join(low_finish)}。")
    if low_satisfied:
        parts.append(f"满意率低于 {t.satisfaction_min:g}% 的单位：{'、'.join(low_satisfied)}。")
    if b.interviews:
        parts.append(f"综合考评需约谈的单位：{'、'.join(c.unit_name for c in b.interviews)}。")
    return "".join(parts)


def ranking_header() -> list[str]:
    return ["排名", "单位", "综合得分", *(MEASURE_LABELS[m] + "得分" for m in MEASURES), "约谈"]


def ranking_row(card: Scorecard) -> list[str]:
    return [
        "—" if card.rank is None else str(card.rank),
        card.unit_name,
        number(card.total),
        *(number(card.scores.get(m), 1) for m in MEASURES),
        "、".join(card.reasons) if card.interview else ("不参与排名" if card.total is None else ""),
    ]


def method_notes(config: ScoreConfig) -> list[str]:
    weights = "、".join(f"{MEASURE_LABELS[m]} {config.weights[m]:g}" for m in MEASURES if m in config.weights)
    t = config.thresholds
    notes = [
        "办结率 = 本期受理的办件中截至统计截止时已办结的比例；按期办结率 = 本期办结的办件中未超过时限的比例；"
        f"满意率 = 本期有效评价中“基本满意”及以上的比例（评价等级 ≥ {config.satisfied_min_level}）；"
        "差评整改率 = 本期有效差评中整改已完成的比例。",
        f"综合得分为各项得分的加权平均（权重：{weights}）；比率类指标以百分数计分，"
        f"督办每件扣 {config.order_penalty:g} 分、挂牌督办另扣 {config.listed_penalty:g} 分，"
        f"退回每次扣 {config.return_penalty:g} 分；无数据的指标不参与平均，无办件和评价的单位不参与排名。",
        f"标红：办结率低于 {t.finish_rate_min:g}%，按期办结率低于 {t.on_time_min:g}%，"
        f"满意率低于 {t.satisfaction_min:g}%，差评整改率低于 {t.rectification_min:g}%。",
    ]
    if config.interview_bottom or config.interview_below is not None:
        rule = []
        if config.interview_bottom:
            rule.append(f"排名末 {config.interview_bottom} 位")
        if config.interview_below is not None:
            rule.append(f"综合得分低于 {config.interview_below:g} 分")
        notes.append(f"约谈：{'或'.join(rule)}的单位。")
    return notes


def assemble(
    *,
    region_name: str,
    period: Period,
    measures: Sequence[UnitMeasures],
    topics: Sequence[Topic],
    typical: Sequence[TypicalCase],
    config: ScoreConfig,
    generated_at: datetime,
    cut_off: datetime,
) -> Bulletin:
    """The bulletin of one region and period from its units' measures (units without any activity left out)."""
    active = [m for m in measures if _active(m)]
    headline = reduce(UnitMeasures.add, active, UnitMeasures(0, region_name))
    lines = [UnitLine(m, low_columns(m, config.thresholds)) for m in sorted(active, key=lambda m: m.unit_name)]
    title = f"{region_name}政务服务效能监察通报（{period.label}）"
    notes = list(method_notes(config))
    if cut_off < period.end_at:
        notes.insert(0, f"本期尚未结束，数据截至 {cut_off.astimezone(TZ):%Y年%m月%d日 %H:%M}。")
    return Bulletin(
        title=title,
        region_name=region_name,
        period=period,
        generated_at=generated_at,
        cut_off=cut_off,
        headline=headline,
        units=lines,
        ranking=scorecards(active, config),
        topics=list(topics)[: config.hot_topics],
        typical=list(typical)[: config.typical_cases],
        config=config,
        notes=tuple(notes),
    )


def _active(m: UnitMeasures) -> bool:
    return any((m.received, m.finished, m.ratings, m.bad, m.orders, m.returns))
