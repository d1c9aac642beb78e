"""The hotline's configurable rules: limits per category and urgency, the sign-for window, the extension cap,
the return-visit window, when repeated returns raise 督办 — with the defaults the regulations give.

济南条例 §24 and 潍坊条例 §21: a unit replies within five working days; longer statutory limits apply where
a law sets them (complex requests, up to 15 here); 济南营商条例 §62: +10 working days with approval.
Stored as one JSON document (``settings`` row ``hotline``); a missing key takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from onestop.errors import DomainError
from onestop.hotline.kinds import MAX_EXTENSION, Category, Urgency
from onestop.worktime import Limit


class HotlineError(DomainError):
    code = "hotline_error"
    status = 422


def _default_limits() -> dict[str, str]:
    # "category:urgency" → limit; "*:urgency" applies to every category without its own entry.
    return {
        "*:urgent": "2h",
        "*:ordinary": "5d",
        "*:complex": "15d",
        "consult:ordinary": "3d",
    }


@dataclass(frozen=True)
class HotlineSettings:
    limits: Mapping[str, str] = field(default_factory=_default_limits)
    sign_window: str = "1d"  # 签收/退单 within this much working time of the dispatch
    max_extension: str = "10d"  # all extensions of one request together
    visit_window: str = "2d"  # 回访 within this much working time after the reply's approval
    returns_for_supervision: int = 2  # this many 退单 of one request raise 督办
    duplicate_days: int = 30  # open requests this recent are compared with a new one
    duplicate_threshold: float = 0.35  # text similarity (0–1) above which a same-place request is proposed

    def __post_init__(self) -> None:
        for key, value in self.limits.items():
            category, _, urgency = key.partition(":")
            if category != "*":
                Category.parse(category, field="limits")
            Urgency.parse(urgency, field="limits")
            _limit(value, "limits")
        for name in ("sign_window", "max_extension", "visit_window"):
            _limit(getattr(self, name), name)
        cap = Limit.parse(self.max_extension)
        if cap.unit != MAX_EXTENSION.unit or cap.amount > MAX_EXTENSION.amount:
            raise HotlineError(f"延期上限不能超过 {MAX_EXTENSION}（10 个工作日）", field="max_extension")
        if self.returns_for_supervision < 1:
            raise HotlineError("提请督办的退单次数须为正整数", field="returns_for_supervision")
        if not 0 < self.duplicate_threshold <= 1:
            raise HotlineError("并单相似度阈值须在 0–1 之间", field="duplicate_threshold")
        if self.duplicate_days < 1:
            raise HotlineError("并单比对天数须为正整数", field="duplicate_days")

    def limit_for(self, category: str, urgency: str) -> Limit:
        """The handling limit of a request: its category's own entry, else the urgency's default."""
        text = self.limits.get(f"{category}:{urgency}") or self.limits.get(f"*:{urgency}")
        if text is None:
            text = _default_limits()[f"*:{urgency}"]
        return Limit.parse(text)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["limits"] = dict(self.limits)
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> HotlineSettings:
        if not raw:
            return cls()
        known = cls.__dataclass_fields__
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise HotlineError(f"未知的热线设置项：{'、'.join(unknown)}", field=unknown[0])
        values = dict(raw)
        if "limits" in values:
            limits = values["limits"]
            if not isinstance(limits, Mapping):
                raise HotlineError("办理时限设置须为「类型:紧急程度 → 时限」的对应表", field="limits")
            values["limits"] = {**_default_limits(), **{str(k): str(v) for k, v in limits.items()}}
        for name in ("sign_window", "max_extension", "visit_window"):
            if name in values and not isinstance(values[name], str):
                raise HotlineError(f"「{name}」须为时限文本，例如 1d、2h", field=name)
        for name in ("returns_for_supervision", "duplicate_days"):
            if name in values and (isinstance(values[name], bool) or not isinstance(values[name], int)):
                raise HotlineError(f"「{name}」须为整数", field=name)
        threshold = values.get("duplicate_threshold")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)):
            raise HotlineError("「duplicate_threshold」须为 0–1 之间的数", field="duplicate_threshold")
        return cls(**values)


def _limit(text: str, field_name: str) -> Limit:
    try:
        return Limit.parse(str(text))
    except ValueError:
        raise HotlineError(f"时限「{text}」格式不正确（例如 5d、0.5d、2h）", field=field_name) from None
