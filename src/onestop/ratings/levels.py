"""The choice sets of 好差评: the five levels, the channels a rating arrives by, its scope and status.

The levels are those of the national 政务服务“好差评”制度 (国办发〔2019〕51号): 非常满意 … 非常不满意; the
two lowest are 差评. Stored values are the numbers "5" … "1" (the ``ratings.level`` column holds the integer),
so a level sorts and averages as it reads.
"""

from __future__ import annotations

from onestop.choices import ChoiceSet

BAD_THRESHOLD = 2  # level <= 2 is a 差评
GOOD_THRESHOLD = 4  # level >= 4 is a 好评 (see onestop.ratings.stats for the rates built on it)


class Level(ChoiceSet, verbose_name="评价等级"):
    VERY_SATISFIED = "5", "非常满意", "green"
    SATISFIED = "4", "满意", "teal"
    BASICALLY_SATISFIED = "3", "基本满意", "cyan"
    DISSATISFIED = "2", "不满意", "orange"
    VERY_DISSATISFIED = "1", "非常不满意", "red"

    @property
    def number(self) -> int:
        return int(self.value)

    @property
    def bad(self) -> bool:
        """差评: 不满意 or 非常不满意."""
        return self.number <= BAD_THRESHOLD

    @property
    def good(self) -> bool:
        """好评 in the sense of ``stats.good_rate``: 满意 or 非常满意."""
        return self.number >= GOOD_THRESHOLD

    @classmethod
    def of(cls, number: int | str, *, field: str | None = "level") -> Level:
        """The level for 1–5 (as a number or its text), else ``InvalidChoice`` naming the allowed ones."""
        return cls.parse(str(number), field=field)


class Channel(ChoiceSet, verbose_name="评价渠道"):
    WINDOW_DEVICE = "window_device", "窗口评价器", "blue"
    ONLINE = "online", "网上办事大厅", "indigo"
    APP = "app", "移动端", "purple"
    PHONE = "phone", "电话回访", "cyan"
    SMS = "sms", "短信", "teal"


# Channels by which the party rates for themselves (their account, or the case number and verification code).
SELF_SERVICE_CHANNELS = frozenset({Channel.ONLINE, Channel.APP})
# Channels staff record on the party's behalf: the counter's device, the hotline's return call or SMS reply.
RECORDED_CHANNELS = frozenset({Channel.WINDOW_DEVICE, Channel.PHONE, Channel.SMS})


class Scope(ChoiceSet, verbose_name="评价范围"):
    CASE = "case", "一次一评", "blue"
    BUNDLE = "bundle", "一事一评", "indigo"


class RatingStatus(ChoiceSet, verbose_name="评价状态"):
    VALID = "valid", "有效", "green"
    ANNULLED = "annulled", "已核销", "gray"


class CallbackResult(ChoiceSet, verbose_name="回访结果"):
    """What the rater says when the unit calls back after rectifying; each is its own case action."""

    SATISFIED = "satisfied", "满意", "green"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意", "teal"
    DISSATISFIED = "dissatisfied", "不满意", "red"

    @property
    def action(self) -> str:
        return f"callback_{self.value}"


class AppealGround(ChoiceSet, verbose_name="申诉理由"):
    MALICIOUS = "malicious", "恶意评价", "red"
    MISTAKEN = "mistaken", "误评（评错对象或等级）", "orange"
    NOT_OUR_SERVICE = "not_our_service", "非本单位服务事项", "yellow"
