"""The tags a rater may tick beside a level: a fixed vocabulary, so tags can be counted across units.

Praise tags go with 好评, complaint tags with 差评 and 基本满意 (a rater who is only basically satisfied may say
why); a tag of the wrong polarity for the level is refused rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from onestop.choices import ChoiceSet
from onestop.ratings.errors import InvalidRating
from onestop.ratings.levels import Level

MAX_TAGS = 5


class Tag(ChoiceSet, verbose_name="评价标签"):
    # praise
    FRIENDLY = "friendly", "服务热情", "green"
    EFFICIENT = "efficient", "办事高效", "green"
    ONE_VISIT = "one_visit", "一次办好", "green"
    CLEAR_GUIDANCE = "clear_guidance", "指引清晰", "green"
    FEW_MATERIALS = "few_materials", "材料精简", "green"
    # complaints
    POOR_ATTITUDE = "poor_attitude", "态度生硬", "red"
    BUCK_PASSING = "buck_passing", "推诿扯皮", "red"
    MANY_TRIPS = "many_trips", "多次跑腿", "red"
    TOO_MANY_MATERIALS = "too_many_materials", "材料繁琐", "orange"
    SLOW = "slow", "办理超时", "orange"
    LONG_WAIT = "long_wait", "排队时间长", "orange"
    UNCLEAR = "unclear", "告知不清", "orange"
    SYSTEM_FAULT = "system_fault", "系统故障", "gray"
    UNRESOLVED = "unresolved", "问题未解决", "red"


PRAISE = frozenset({Tag.FRIENDLY, Tag.EFFICIENT, Tag.ONE_VISIT, Tag.CLEAR_GUIDANCE, Tag.FEW_MATERIALS})
COMPLAINT = frozenset(Tag) - PRAISE


def tags_for(level: Level) -> list[Tag]:
    """The tags the form offers for ``level``, in declaration order."""
    allowed = _allowed(level)
    return [tag for tag in Tag if tag in allowed]


def _allowed(level: Level) -> frozenset[Tag]:
    if level.good:
        return PRAISE
    if level.bad:
        return COMPLAINT
    return COMPLAINT | PRAISE


def clean_tags(level: Level, raw: Iterable[str]) -> list[str]:
    """Tag values checked against the vocabulary and the level, duplicates dropped, order kept."""
    out: list[str] = []
    allowed = _allowed(level)
    for text in raw:
        if not text.strip():
            continue
        tag = Tag.parse(text, field="tags")
        if tag not in allowed:
            raise InvalidRating(f"标签「{tag.label}」与评价等级「{level.label}」不符", field="tags")
        if tag.value not in out:
            out.append(tag.value)
    if len(out) > MAX_TAGS:
        raise InvalidRating(f"评价标签最多选 {MAX_TAGS} 个（现为 {len(out)} 个）", field="tags")
    return out
