"""The rules of 好差评, as pure functions over facts the action layer reads: what may be rated, how often, by
which channel, what a rating's scope and item are, the configurable limits and the instants derived from them.

* Only a finished service may be rated: a case of a ratable kind (an application at the window, a 12345
  request, the generic application) in a terminal state of its kind (办结, 不予受理 …: a refusal is a service
  too, and the applicant may well want to rate it).
* 一次一评: a case is rated at most once per channel (the window device and the online hall are two
  channels). 一事一评: a 一件事 bundle application is rated once as a whole, whatever the channel.
* Limits (configurable, ``RatingLimits``): contact a real-name rater of a 差评 within 1 working day, finish the
  rectification within 15, appeal within 5 working days of the rating, review an appeal within 5.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from onestop.ratings.errors import AlreadyRated, AppealRefused, InvalidRating, NotRatable
from onestop.ratings.levels import Channel, Level, Scope
from onestop.worktime import Limit, WorkingTime

RATABLE_KINDS: Mapping[str, str] = {
    "window_application": "窗口办件",
    "hotline_request": "12345 诉求",
    "generic_application": "通用申请",
}
# The payload key by which the window module marks a 一件事 bundle application (``is_bundle: true``).
BUNDLE_KEY = "is_bundle"
# Where a case keeps the code statistics group it under, most specific first: a catalogue item, the window's
# target (an item or a bundle code), a hotline category, and the generic application's free-text item.
ITEM_KEYS = ("item_code", "target", "category_code", "category", "item")
ITEM_CODE_MAX = 64
COMMENT_MAX = 500
SETTINGS_KEY = "ratings.limits"


@dataclass(frozen=True)
class RatingLimits:
    """The time limits of the module; a deployment overrides them in the ``ratings.limits`` setting."""

    contact: Limit = field(default_factory=lambda: Limit.days(1))  # 实名差评: contact the rater in 1 working day
    finish: Limit = field(default_factory=lambda: Limit.days(15))  # 整改: done, called back and closed in 15
    appeal_window: Limit = field(default_factory=lambda: Limit.days(5))  # the unit appeals within 5 of the rating
    appeal_review: Limit = field(default_factory=lambda: Limit.days(5))  # the supervisor decides within 5

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object] | None) -> RatingLimits:
        """Limits from a setting such as ``{"contact": "1d", "finish": "15d"}``; missing keys keep defaults."""
        if not raw:
            return cls()
        values: dict[str, Limit] = {}
        for name, label in LIMIT_LABELS.items():
            text = raw.get(name)
            if text is None or text == "":
                continue
            try:
                limit = Limit.parse(str(text))
            except ValueError:
                raise InvalidRating(f"「{label}」格式不正确：“{text}”（例如 1d、15d、4h）", field=name) from None
            if limit.amount <= 0:
                raise InvalidRating(f"「{label}」须大于零", field=name)
            values[name] = limit
        unknown = sorted(set(raw) - set(LIMIT_LABELS))
        if unknown:
            raise InvalidRating(f"未知的时限设置：{'、'.join(unknown)}", field=unknown[0])
        return cls(**values)

    def to_mapping(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in LIMIT_LABELS}


LIMIT_LABELS = {
    "contact": "实名差评联系时限",
    "finish": "整改办结时限",
    "appeal_window": "申诉时限",
    "appeal_review": "申诉审核时限",
}


def check_ratable(kind_code: str, kind_label: str, *, terminal: bool, state_label: str) -> None:
    """Refuses a case that is not a service to the public, or not finished yet."""
    if kind_code not in RATABLE_KINDS:
        raise NotRatable(f"「{kind_label}」不是面向办事群众的服务办件，不能评价", field="number")
    if not terminal:
        raise NotRatable(f"办件尚未办结（当前状态：{state_label}），办结后才能评价", field="number")


def scope_for(kind_code: str, payload: Mapping[str, object]) -> Scope:
    """一事一评 for a bundle application, 一次一评 for everything else."""
    if kind_code == "window_application" and payload.get(BUNDLE_KEY) is True:
        return Scope.BUNDLE
    return Scope.CASE


def check_not_rated(scope: Scope, channel: Channel, rated_channels: Collection[str]) -> None:
    """``rated_channels``: the channels of the case's existing ratings (annulled ones included: the rater had
    their say; an annulled malicious rating must not be replaced by the same rater's next one)."""
    if scope is Scope.BUNDLE and rated_channels:
        raise AlreadyRated("该“一件事”已评价过，一事一评，不能重复评价", field="number")
    if channel.value in rated_channels:
        raise AlreadyRated(f"该办件已通过「{channel.label}」评价过，同一渠道只能评价一次（一次一评）", field="channel")


def item_code_for(payload: Mapping[str, object]) -> str | None:
    for key in ITEM_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:ITEM_CODE_MAX]
    return None


def clean_comment(text: str | None) -> str:
    comment = (text or "").strip()
    if "\x00" in comment:
        raise InvalidRating("「评价意见」含有非法字符", field="comment")
    if len(comment) > COMMENT_MAX:
        raise InvalidRating(f"「评价意见」不能超过 {COMMENT_MAX} 个字（现为 {len(comment)} 个）", field="comment")
    return comment


def is_real_name(*, anonymous: bool, party_id: int | None) -> bool:
    """A rating is real-name when the rater did not ask for anonymity and the case names its party: only then
    is there someone to call back."""
    return not anonymous and party_id is not None


def contact_due(wt: WorkingTime, rated_at: datetime, limits: RatingLimits) -> datetime:
    """When a real-name rater of a 差评 must have been contacted: the limit counted from the rating, the day of
    the rating not included (民法典 §201), close of office on the last day."""
    return wt.deadline(rated_at, limits.contact).at


def appeal_deadline(wt: WorkingTime, rated_at: datetime, limits: RatingLimits) -> datetime:
    return wt.deadline(rated_at, limits.appeal_window).at


def check_appeal_in_time(wt: WorkingTime, rated_at: datetime, now: datetime, limits: RatingLimits) -> None:
    last = appeal_deadline(wt, rated_at, limits)
    if now > last:
        when = last.strftime("%Y-%m-%d %H:%M")
        raise AppealRefused(
            f"已超过申诉期限：评价后 {limits.appeal_window.amount} 个工作日内可申诉（截至 {when}）", field="rating"
        )


def parse_level(raw: object) -> Level:
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidRating("请选择「评价等级」", field="level")
    return Level.of(raw if isinstance(raw, int | str) else str(raw))
