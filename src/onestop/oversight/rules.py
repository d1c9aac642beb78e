"""督办规则: supervision rules as data (``data/rules.toml``), and the pure tests each rule applies to a case.

A rule names a check, the case kinds it watches, a threshold and the working days the unit gets to answer the
order it raises. The action layer reads the candidate cases with SQL and asks here whether each one hits.

* ``overdue`` — the clock is running and has been overdue for at least ``threshold`` full working days:
  ``overdue_workdays(due, now) >= threshold``; with threshold 0, overdue at all (``now >= due``).
* ``returned`` — the case is not finished and has been returned (``actions``, e.g. 退单 ``return``,
  退回 ``send_back``) at least ``threshold`` times.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from onestop.oversight.errors import InvalidConfig
from onestop.worktime import TZ, WorkingTime

RULES_FILE = Path(__file__).parent / "data" / "rules.toml"
MANUAL = "manual"  # the rule code of orders raised by hand
MANUAL_LABEL = "人工督办"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DAYS = 60


class Check(StrEnum):
    OVERDUE = "overdue"
    RETURNED = "returned"


CHECK_LABELS = {Check.OVERDUE: "超期", Check.RETURNED: "退回次数"}


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    check: Check
    kinds: tuple[str, ...]
    threshold: int
    order_limit: int  # working days the unit has to answer the order
    actions: tuple[str, ...] = ()  # for ``returned``: the action codes that count as a return
    repeat_after: int = 0  # working days after an order closed before the rule may raise again
    enabled: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "check": self.check.value,
            "kinds": list(self.kinds),
            "threshold": self.threshold,
            "order_limit": self.order_limit,
            "actions": list(self.actions),
            "repeat_after": self.repeat_after,
            "enabled": self.enabled,
        }


def _int(entry: Mapping[str, Any], key: str, where: str, *, low: int, default: int | None = None) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_DAYS:
        raise InvalidConfig(f"{where}：「{key}」应为 {low}–{MAX_DAYS} 之间的整数，现为 {value!r}", field=key)
    return value


def _strings(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and _CODE.match(v) for v in value):
        raise InvalidConfig(f"{where}：「{key}」应为代码列表（小写字母、数字、下划线）", field=key)
    return tuple(dict.fromkeys(value))


def parse_rule(entry: Mapping[str, Any], index: int = 0) -> Rule:
    where = f"第 {index + 1} 条督办规则"
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code) or code == MANUAL:
        raise InvalidConfig(f"{where}：「code」应为小写字母开头的代码（不能为 {MANUAL}），现为 {code!r}", field="code")
    where = f"督办规则「{code}」"
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 100:
        raise InvalidConfig(f"{where}：「label」应为 1–100 字的名称", field="label")
    try:
        check = Check(str(entry.get("check")))
    except ValueError:
        allowed = "、".join(f"{c.value}（{CHECK_LABELS[c]}）" for c in Check)
        raise InvalidConfig(f"{where}：「check」无效：{entry.get('check')!r}，可选：{allowed}", field="check") from None
    kinds = _strings(entry, "kinds", where)
    if not kinds:
        raise InvalidConfig(f"{where}：「kinds」至少列出一种办件类型", field="kinds")
    actions = _strings(entry, "actions", where)
    if check is Check.RETURNED and not actions:
        raise InvalidConfig(f"{where}：退回次数规则须在「actions」列出计为退回的操作", field="actions")
    threshold = _int(entry, "threshold", where, low=1 if check is Check.RETURNED else 0)
    order_limit = _int(entry, "order_limit", where, low=1)
    repeat_after = _int(entry, "repeat_after", where, low=0, default=order_limit)
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise InvalidConfig(f"{where}：「enabled」应为 true 或 false", field="enabled")
    unknown = (
        set(entry)
        - {"code", "label", "check", "kinds", "actions", "threshold", "order_limit"}
        - {
            "repeat_after",
            "enabled",
            "description",
        }
    )
    if unknown:
        raise InvalidConfig(f"{where}：未知的字段 {sorted(unknown)}", field=sorted(unknown)[0])
    return Rule(code, label.strip(), check, kinds, threshold, order_limit, actions, repeat_after, enabled)


def parse_rules(entries: Iterable[Mapping[str, Any]]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidConfig(f"第 {index + 1} 条督办规则应为表（键值对）", field="rules")
        rule = parse_rule(entry, index)
        if any(r.code == rule.code for r in rules):
            raise InvalidConfig(f"督办规则代码「{rule.code}」重复", field="code")
        rules.append(rule)
    return tuple(rules)


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """The bundled rules (or those of ``path``)."""
    with (path or RULES_FILE).open("rb") as handle:
        data = tomllib.load(handle)
    return parse_rules(data.get("rule", []))


# -- the checks --------------------------------------------------------------------------------------------


def overdue_workdays(due: datetime, now: datetime, wt: WorkingTime) -> int:
    """Full working days a clock due at ``due`` has been overdue at ``now`` (0 until one has passed).

    A day counts once its office has closed: a case due Monday 17:30 is 1 working day overdue from Tuesday
    17:30, as ``WorkingTime.add_workdays(due, 1)`` says; holidays and weekends do not count.
    """
    if now <= due:
        return 0
    local_now = now.astimezone(TZ)
    today = local_now.date()
    days = wt.workdays_between(due.astimezone(TZ).date(), today)
    if wt.is_workday(today) and local_now < wt.close_of(today):
        days -= 1  # today's office has not closed yet: today is not a full working day overdue
    return max(days, 0)


def overdue_hit(rule: Rule, due: datetime | None, now: datetime, wt: WorkingTime) -> bool:
    if due is None:
        return False
    if rule.threshold == 0:
        return now >= due
    return overdue_workdays(due, now, wt) >= rule.threshold


def returned_hit(rule: Rule, returns: int) -> bool:
    return returns >= rule.threshold


def may_raise_again(rule: Rule, closed_at: datetime | None, now: datetime, wt: WorkingTime) -> bool:
    """After an order closed, the rule waits ``repeat_after`` working days before raising another."""
    if closed_at is None:
        return True
    if rule.repeat_after == 0:
        return True
    return now >= wt.add_workdays(closed_at, rule.repeat_after).at


def reason_text(rule: Rule, *, number: str, overdue_days: int | None = None, returns: int | None = None) -> str:
    """The order's 督办事由, in the words a unit reads."""
    if rule.check is Check.OVERDUE:
        if overdue_days:
            return f"办件 {number} 已超期 {overdue_days} 个工作日（{rule.label}），请说明原因并限期办结。"
        return f"办件 {number} 已超过办理时限（{rule.label}），请说明原因并限期办结。"
    return f"办件 {number} 已被退回 {returns} 次（{rule.label}），请核实职责、说明原因并限期办理。"
