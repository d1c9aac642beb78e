"""Which quantitative targets the platform measures: a plan's target → an evaluation measure, as data.

A plan writes 开办企业的时限压缩至0.5个工作日, 12345热线办结率达到97%以上, 实名差评回访整改率100%. Where the
platform has the figure (企业开办 time from the window's bundles, the hotline's 办结率, the ratings' 整改率 …),
the ledger shows the actual beside the target. A rule matches when the target's metric names one of its
``words``, the metric or the task's text names one of its ``context`` words (when it has any), and the target's
unit is one the measure can be compared in. Rules are tried in order; the first match wins, so the specific
ones (企业开办 time) come before the general (办理时间).

Hours are compared with working-day measures at 8 working hours a day (the usual 9:00–12:00, 13:00–18:00
office day); a measure in 工作日 shows the target converted, never the actual rounded to hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.ledger.model import Target

TIME_UNITS = ("工作日", "小时", "天", "日")
HOURS_PER_WORKDAY = 8
HOTLINE = ("12345", "热线", "接诉即办")


@dataclass(frozen=True)
class MetricRule:
    measure: str  # the code of an evaluation measure (onestop.actions.evaluation_reads.computed)
    words: tuple[str, ...]  # the target's metric names one of these
    units: tuple[str, ...]  # the target's unit is one of these
    context: tuple[str, ...] = ()  # the metric or the task's text names one of these (empty: no condition)
    without: tuple[str, ...] = ()  # and the metric names none of these


RULES: tuple[MetricRule, ...] = (
    MetricRule("window.starting_business.procedures", ("环节",), ("个", "项"), context=("开办",)),
    MetricRule("window.starting_business.time", ("开办",), TIME_UNITS, without=("材料",)),
    MetricRule("window.starting_business.time", ("设立登记", "全流程", "全环节"), TIME_UNITS, context=("企业开办",)),
    MetricRule("window.property.procedures", ("环节",), ("个", "项"), context=("不动产",)),
    MetricRule("window.property.time", ("登记", "不动产", "全流程", "时限", "时间"), TIME_UNITS, context=("不动产",)),
    MetricRule("window.online_rate", ("网办率", "网上办理率", "网上可办率", "全程网办", "一网通办率"), ("%",)),
    MetricRule("window.one_window_rate", ("一窗受理率", "综合窗口受理率"), ("%",)),
    MetricRule("ratings.rectified_rate", ("整改率",), ("%",)),
    MetricRule("ratings.good_rate", ("好评率",), ("%",)),
    MetricRule("hotline.satisfaction_rate", ("满意率",), ("%",), context=HOTLINE),
    MetricRule("hotline.on_time_rate", ("按时办结率", "按期办结率", "限时办结率"), ("%",), context=HOTLINE),
    MetricRule("hotline.closure_rate", ("办结率",), ("%",), context=HOTLINE),
    MetricRule("window.on_time_rate", ("按时办结率", "按期办结率"), ("%",)),
    MetricRule("generic_application.immediate_share", ("即办",), ("%",)),
    MetricRule("window.visits", ("跑动", "跑腿", "跑"), ("次",)),
)


@dataclass(frozen=True)
class MetricMatch:
    measure: str
    factor: float  # multiply the target's value by this to compare it with the measure (hours → days)


def match_measure(target: Target, task_text: str = "") -> MetricMatch | None:
    """The measure that gives the actual for ``target``, or None when the platform does not measure it."""
    metric = target.metric
    for rule in RULES:
        if target.unit not in rule.units or target.comparator not in ("<=", "<", ">=", ">"):
            continue
        if not any(w in metric for w in rule.words) or any(w in metric for w in rule.without):
            continue
        if rule.context and not any(w in metric or w in task_text for w in rule.context):
            continue
        factor = 1 / HOURS_PER_WORKDAY if target.unit == "小时" else 1.0
        return MetricMatch(rule.measure, factor)
    return None


def target_met(comparator: str, target: float, actual: float) -> bool | None:
    """Whether the actual meets the target; None for comparators a single figure cannot settle (压缩30%)."""
    if comparator == "<=":
        return actual <= target
    if comparator == "<":
        return actual < target
    if comparator == ">=":
        return actual >= target
    if comparator == ">":
        return actual > target
    return None
