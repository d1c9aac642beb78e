"""A service center's office hours (办公时间), lunch break included."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time
from typing import Final

MICROS_PER_MINUTE: Final = 60_000_000
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})\s*$")


def time_of_day_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def time_from_us(us: int) -> time:
    seconds, micro = divmod(us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Opening periods of one working day, e.g. 09:00–12:00 and 13:30–17:30.

    Times are Beijing wall-clock times; every working day has the same periods, so a full day
    always holds ``day_minutes`` working minutes (0.5 个工作日 = half of that).
    """

    periods: tuple[tuple[time, time], ...]
    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple((start, end) for start, end in self.periods)
        if not periods:
            raise ValueError("办公时间至少要有一个时段")
        spans: list[tuple[int, int]] = []
        for start, end in periods:
            for t in (start, end):
                if t.tzinfo is not None or t.second or t.microsecond:
                    raise ValueError(f"办公时间须为不带时区的整分钟时刻：{t}")
            if not start < end:
                raise ValueError(f"办公时段的开始须早于结束：{start:%H:%M}-{end:%H:%M}")
            if spans and time_of_day_us(start) < spans[-1][1]:
                raise ValueError("办公时段须按时间顺序排列且互不重叠")
            spans.append((time_of_day_us(start), time_of_day_us(end)))
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "_spans", tuple(spans))

    @classmethod
    def default(cls) -> OfficeHours:
        return cls(((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30))))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[time, time]]) -> OfficeHours:
        return cls(tuple(pairs))

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read "09:00-12:00,13:30-17:30" (comma, semicolon or 、 between periods)."""
        periods: list[tuple[time, time]] = []
        for part in re.split(r"[,，;；、]", text):
            match = _PERIOD.match(part)
            if match is None:
                raise ValueError(f"无法识别的办公时段：{part!r}，应写作 09:00-12:00")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                periods.append((time(h1, m1), time(h2, m2)))
            except ValueError:
                raise ValueError(f"无效的办公时刻：{part!r}") from None
        return cls(tuple(periods))

    def __str__(self) -> str:
        return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.periods)

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]

    @property
    def day_us(self) -> int:
        return sum(end - start for start, end in self._spans)

    @property
    def day_minutes(self) -> int:
        return self.day_us // MICROS_PER_MINUTE

    def elapsed_us(self, tod_us: int) -> int:
        """Office time of a working day that has passed at wall-clock ``tod_us`` (µs since midnight)."""
        total = 0
        for start, end in self._spans:
            if tod_us <= start:
                break
            total += min(tod_us, end) - start
        return total

    def instant_us(self, elapsed: int) -> int:
        """Earliest wall-clock µs at which ``elapsed`` µs of office time have passed (0 < elapsed ≤ day)."""
        for start, end in self._spans:
            length = end - start
            if elapsed <= length:
                return start + elapsed
            elapsed -= length
        raise ValueError("超出一天的办公时间")

    def is_open_at(self, tod_us: int) -> bool:
        """Whether ``tod_us`` lies in an opening period (its end included)."""
        return any(start <= tod_us <= end for start, end in self._spans)
