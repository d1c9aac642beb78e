"""Deadlines written the ways plans write them → ISO dates, ``"ongoing"``, both, or nothing.

``2021年12月底`` → 2021-12-31; ``6月底完成`` → June of the plan's year; ``2022年10月底前`` → 2022-10-31;
``2022年底`` → 2022-12-31; ``上半年`` → 06-30; ``第三季度`` → 09-30; ``9月中旬`` → 09-20; ``长期坚持`` /
``长期推进`` / ``持续推进`` → ``"ongoing"``; ``2020年8月底,长期推进`` → ``["2020-08-31", "ongoing"]``.
Chinese numerals (``二〇二二年十月底``) are read with cn2an. A month "前" (``6月前``) is read as the end of that
month: offices write it for "by June".
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

ONGOING = "ongoing"
Deadline = str | list[str] | None

_ONGOING = re.compile(r"长期|持续推进|持续开展|持续|常态化|长效|每年|每半年|每季度?|每月|定期|逐年|动态调整|动态更新")

_DIGITS4 = r"\d{4}|[〇零一二三四五六七八九]{4}"
_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_PART = r"(?P<part>底|末|上旬|中旬|下旬|初)?"

_PATTERNS = re.compile(
    "|".join(
        [
            # 2021—2023年 → the end of the last year
            rf"(?P<ry1>{_DIGITS4})\s*[-—–~至到]\s*(?P<ry2>{_DIGITS4})年",
            r"(?P<iy>\d{4})[-./](?P<im>\d{1,2})[-./](?P<id>\d{1,2})",
            rf"(?:(?P<y>{_DIGITS4})年)?(?P<m>{_NUM})月份?(?:(?P<d>{_NUM})[日号]|{_PART})",
            rf"(?:(?P<qy>{_DIGITS4})年)?(?:第)?(?P<q>[一二三四1-4])季度",
            rf"(?:(?P<hy>{_DIGITS4})年)?(?:度)?(?P<half>上半年|下半年)",
            rf"(?:(?P<ey>{_DIGITS4})年度?|(?P<this>今年|年))(?P<end>底|末|年底|年末|内|全年|前)",
            rf"(?P<oy>{_DIGITS4})年",
        ]
    )
)


@lru_cache(maxsize=512)
def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇零一二三四五六七八九" for c in text):
        return int("".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in text))
    return int(cn_number(text))


def cn_number(text: str) -> float:
    """A Chinese numeral (十二, 二〇二二, 三点五) as a number, through cn2an (imported on first use: it is slow)."""
    import cn2an

    return float(cn2an.cn2an(text, "smart"))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str | None, *, year: int | None = None, issued: date | None = None) -> Deadline:
    """The deadline a text names; ``year`` is the plan's own year, used where the text gives only a month."""
    if not text:
        return None
    found = deadline_dates(text, year=year, issued=issued)
    values: list[str] = sorted({d.isoformat() for d in found})
    if _ONGOING.search(text):
        values.append(ONGOING)
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def deadline_dates(text: str, *, year: int | None = None, issued: date | None = None) -> list[date]:
    out: list[date] = []
    for match in _PATTERNS.finditer(text):
        try:
            day = _date_of(match, year, issued)
        except (ValueError, KeyError):
            continue
        if day is not None:
            out.append(day)
    return out


def _implied_year(year: int | None, issued: date | None, month: int, day: int | None = None) -> int | None:
    if year is not None:
        return year
    if issued is None:
        return None
    # A plan issued in the autumn that says "6月底" means June of the next year.
    candidate = _month_end(issued.year, month) if day is None else date(issued.year, month, day)
    return issued.year + 1 if candidate < issued else issued.year


def _date_of(m: re.Match[str], year: int | None, issued: date | None) -> date | None:
    g = m.groupdict()
    if g["ry2"]:
        return date(_number(g["ry2"]), 12, 31)
    if g["iy"]:
        return date(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["m"]:
        month = _number(g["m"])
        if not 1 <= month <= 12:
            return None
        if g["d"]:
            dd = _number(g["d"])
            y = _number(g["y"]) if g["y"] else _implied_year(year, issued, month, dd)
            return None if y is None else date(y, month, dd)
        y = _number(g["y"]) if g["y"] else _implied_year(year, issued, month)
        if y is None:
            return None
        part = g["part"]
        if part == "上旬":
            return date(y, month, 10)
        if part == "中旬":
            return date(y, month, 20)
        if part == "初":
            return date(y, month, 5)
        return _month_end(y, month)
    if g["q"]:
        quarter = _number(g["q"]) if g["q"].isdigit() else "一二三四".index(g["q"]) + 1
        y = _number(g["qy"]) if g["qy"] else _implied_year(year, issued, quarter * 3)
        return None if y is None else _month_end(y, quarter * 3)
    if g["half"]:
        month = 6 if g["half"] == "上半年" else 12
        y = _number(g["hy"]) if g["hy"] else _implied_year(year, issued, month)
        return None if y is None else _month_end(y, month)
    if g["end"]:
        y = _number(g["ey"]) if g["ey"] else (year if year is not None else (issued.year if issued else None))
        return None if y is None else date(y, 12, 31)
    if g["oy"]:
        # A bare year ("2022年完成") is its end; a year that starts a longer phrase was matched above.
        tail = m.string[m.end() : m.end() + 2]
        if tail.startswith(("前", "完成", "实现", "内", "全面")) or not tail:
            return date(_number(g["oy"]), 12, 31)
    return None


_FILLER = re.compile(
    r"力争|争取|确保|全面|基本|完成|办结|到位|落实|实现|以前|之前|于|在|到|前|止|截至|截止|为止|并|,|、"
)


def is_deadline_phrase(text: str) -> bool:
    """Whether a clause says nothing but when: "6月底完成", "2022年10月底前", "长期坚持"."""
    clause = text.strip(" ,;。.")
    if not clause or len(clause) > 24:
        return False
    rest = _PATTERNS.sub("", clause)
    rest = _ONGOING.sub("", rest)
    if rest == clause:
        return False
    rest = _FILLER.sub("", rest)
    return rest in ("", "坚持", "推进", "开展", "坚持推进")
