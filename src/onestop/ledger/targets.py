"""Quantitative commitments in a task's text → (metric, comparator, value, unit).

``压缩至30个工作日`` → ("…", "<=", 30, "工作日"); ``0.5个工作日内办结`` → ("办结时限", "<=", 0.5, "工作日");
``办结率达到97%以上`` → ("办结率", ">=", 97, "%"); ``申请材料不超过8件`` → ("申请材料", "<=", 8, "件");
``环节压缩为2个`` → ("环节", "<=", 2, "个"); ``压缩30%`` → ("…", "reduce_by", 30, "%"). Chinese numerals
(``三个环节``, ``两个工作日``) are read with cn2an. The metric is the subject the text gives the number: the
words before the verb in the same clause, with the verbs of intent (将, 实现, 力争 …) trimmed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from onestop.ledger.model import Target

_NUM = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?"
_VALUES = rf"(?P<values>(?:{_NUM})(?:\s*[-—~至到]\s*(?:{_NUM}))?(?:个|项|件)?(?:、(?:{_NUM})(?:个|项|件)?)*)"
_UNIT = (
    r"(?P<unit>个工作日|工作日|个自然日|自然日|个小时|小时|分钟|个月|天|日|件|份|项|个|次|%|‰|万元|亿元|元|家|套|"
    r"户|人|所|公里|千瓦|千伏安|倍|座|条|台|辆|名|批|类)"
)
_AT_MOST = (
    r"不得高于|不得超过|不得多于|不得长于|压缩至|压缩到|压缩为|压减至|压减到|压减为|减少至|减少到|减少为|减至|"
    r"缩短至|缩短到|缩短为|缩减至|降低至|降低到|降至|精简至|精简为|精简到|控制在|变更为|优化为|不超过|不多于|不高于|"
    r"最多|少于|低于"
)
_AT_LEAST = (
    r"不得低于|不得少于|达到|达|提高到|提高至|提升至|提升到|稳定在|保持在|不低于|不少于|超过|增至|增加到|增加至|"
    r"扩大到|扩大至|突破"
)
_REDUCE = r"压缩|压减|减少|降低|缩短|下降|缩减"
_INCREASE = r"增长|提高|提升|增加"

_PATTERNS = [
    # 压缩至30个工作日 / 不超过8件 / 分别不超过5个、15个工作日 / 压缩为受理、审核登簿、发证3个环节
    (re.compile(rf"(?P<verb>{_AT_MOST})" + _VALUES + _UNIT + r"(?P<tail>以内|以下|之内|内)?"), "<="),
    # 压缩为受理、审核登簿、发证3个环节: the steps are named between the verb and the number
    (
        re.compile(r"(?P<verb>压缩为|压减为|减少为|精简为|变更为|优化为)(?P<gap>[^,;。\d]{1,30}?)" + _VALUES + _UNIT),
        "<=",
    ),
    # 压缩审批时限至30-60个工作日: the object between the verb and 至 is the metric
    (
        re.compile(
            r"(?P<verb>压缩|压减|缩短|减少|降低|精简|控制)(?P<object>[^,;。\d至到为在]{2,16}?)(?:至|到|在)"
            + _VALUES
            + _UNIT
            + r"(?P<tail>以内|以下|之内|内)?"
        ),
        "<=",
    ),
    (re.compile(rf"(?P<verb>{_AT_LEAST})" + _VALUES + _UNIT + r"(?P<tail>以上)?"), ">="),
    (re.compile(rf"(?P<verb>{_REDUCE})" + _VALUES + r"(?P<unit>%)"), "reduce_by"),
    (re.compile(rf"(?P<verb>{_INCREASE})" + _VALUES + r"(?P<unit>%)(?P<tail>以上)?"), "increase_by"),
    # 0.5个工作日内办结 / 2小时办结 / 5个工作日办结
    (
        re.compile(
            r"(?P<verb>)"
            + _VALUES
            + r"(?P<unit>个工作日|工作日|个小时|小时|分钟|天|日)(?P<tail>内|以内|之内)?"
            + r"(?P<done>办结|完成|办理完毕|出件|答复|反馈|回复)"
        ),
        "<=",
    ),
    # 全过程办电平均时间5个工作日
    (re.compile(r"(?P<verb>(?:时间|时限|用时|周期))(?:为)?" + _VALUES + r"(?P<unit>个工作日|工作日|小时|天)"), "<="),
]
_LEADING = re.compile(
    r"^(?:[①-⑳]|[一二三四五六七八九十]是|\(\d+\)|其中|并且|并|且|同时|将|把|使|让|对|在|实现|做到|确保|力争|争取|推动|推进|全面|进一步|逐步|基本|要|需|可|原则上|"
    r"各类?|所有|全部|平均|整体|积极)+"
)
_TRAILING = re.compile(r"(?:要|应|须|需|均|将|进一步|全部|力争|逐步|再|分别|一律|原则上|整体|全面|大幅|平均|的)+$")
_UNIT_NAMES = {"个工作日": "工作日", "个自然日": "自然日", "个小时": "小时", "个月": "月"}


@lru_cache(maxsize=1024)
def _number(text: str) -> int | float:
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    from onestop.ledger.deadlines import cn_number

    value = cn_number(text.replace("两", "二"))
    return int(value) if float(value).is_integer() else float(value)


def _values(text: str, comparator: str) -> list[int | float]:
    items = [re.sub(r"[个项件]$", "", part) for part in text.split("、")]
    out: list[int | float] = []
    for item in items:
        bounds = re.split(r"\s*[-—~至到]\s*", item)
        numbers = [_number(b) for b in bounds if b]
        if not numbers:
            continue
        # A range "30-60个工作日": the commitment is its far end for "at most", its near end for "at least".
        out.append(max(numbers) if comparator in ("<=", "<") else min(numbers))
    return out


def _metric(text: str, start: int) -> str:
    clause = re.split(r"[,;。:!?、\n]", text[:start])[-1]
    clause = re.sub(r"\([^()]*\)", "", clause)
    clause = re.sub(r"(?<=..)由.*$", "", clause)
    clause = _TRAILING.sub("", _LEADING.sub("", clause.strip()))
    return clause[-24:] if len(clause) > 24 else clause


def find_targets(text: str) -> list[Target]:
    matches: list[tuple[re.Match[str], str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, comparator in _PATTERNS:
        for match in pattern.finditer(text):
            span = (match.start("values"), match.end("unit"))
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            matches.append((match, comparator))
    matches.sort(key=lambda item: item[0].start("values"))
    found: list[Target] = []
    last_metric: dict[int, str] = {}  # sentence start → the metric last named in it
    for match, comparator in matches:
        try:
            values = _values(match.group("values"), comparator)
        except (ValueError, TypeError):
            continue
        verb = match.group("verb")
        comp = {"少于": "<", "低于": "<", "超过": ">"}.get(verb, comparator)
        groups = match.groupdict()
        metric = groups["object"] if groups.get("object") else _metric(text, match.start())
        if verb in ("时间", "时限", "用时", "周期") and not metric.endswith(verb):
            metric += verb
        sentence = max(text.rfind(stop, 0, match.start()) for stop in "。;\n")
        if not metric:
            # "再压减20%,不超过8.5小时": the clause goes on about the metric its sentence named last
            metric = groups["done"] + "时限" if groups.get("done") else last_metric.get(sentence, "")
        last_metric[sentence] = metric
        unit = match.group("unit")
        found.extend(Target(metric, comp, value, _UNIT_NAMES.get(unit, unit)) for value in values)
    return found
