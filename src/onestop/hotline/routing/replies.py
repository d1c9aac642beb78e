"""The handling unit named in an official reply: a weak label for routing from legacy message boards.

Public message boards (问政平台, 市长信箱) publish each request with the reply of the unit that handled it,
but rarely a 承办单位 column. The reply names the unit in a few set ways: a signature at the end
(``……特此回复。A7县教育局 2018年3月20日``), a hand-over (``已转至A市住建局``, ``交由高亭司镇办理``), the unit as
the subject of the investigation (``A3区住建局高度重视``, ``经A5区教育局、黎托街道核实``). Mentions are scored by
those cues and the best one is taken; a reply that names no unit (``我局``, ``相关单位``) gives no label.

A name without its place (``区住建局``, ``市交警支队``, ``洋湖街道``) is completed with the place the request
itself names (``A3区``), so the label names one unit, not one kind of unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onestop.hotline.routing.aliases import CONTRACTIONS
from onestop.hotline.routing.text import government_terms

# Unit bodies named after a kind of office; a mention of one counts only with its place (A3区, 县, 市) before it.
_NEEDS_PLACE = frozenset(
    {
        "人民政府办公室",
        "政府办",
        "人民政府",
        "政府",
        "办",
        "委",
        "公安分局",
        "执法大队",
        "执法中队",
        "交警大队",
        "交警中队",
        "城管执法大队",
        "城管执法中队",
        "街道办",
        "卫生院",
        "人民医院",
        "中医院",
        "法院",
        "检察院",
        "纪委",
        "监委",
    }
)
_EXTRA_BODIES = (
    "人民政府办公室",
    "政府办",
    "人民政府",
    "政府",
    "公安分局",
    "公安局",
    "交警支队",
    "交警大队",
    "交警中队",
    "城管执法大队",
    "城管执法中队",
    "执法大队",
    "执法中队",
    "国土所",
    "国土分局",
    "规划分局",
    "不动产登记中心",
    "社保中心",
    "医保中心",
    "疾控中心",
    "政务服务中心",
    "公积金中心",
    "住房公积金管理中心",
    "房屋交易管理中心",
    "卫生院",
    "人民医院",
    "中医院",
    "消防支队",
    "消防大队",
    "供电公司",
    "自来水公司",
    "供水公司",
    "燃气公司",
    "公交公司",
    "公交集团",
    "移动公司",
    "电信公司",
    "联通公司",
)
_SUFFIXES = ("局", "委", "办", "厅", "中心", "支队", "大队", "中队", "分局", "公司", "集团", "院", "所")


def _bodies() -> list[str]:
    terms = set(_EXTRA_BODIES)
    terms |= {t for t in government_terms(tag="nt") if t.endswith(_SUFFIXES) and t != "派出所"}
    terms |= {k for k in CONTRACTIONS if k.endswith(_SUFFIXES) and len(k) > 1}
    terms |= {v for v in CONTRACTIONS.values() if v.endswith(_SUFFIXES) and len(v) > 1}
    return sorted(terms, key=len, reverse=True)


_PLACE_CODE = r"[A-Z][0-9]{0,2}(?:市|区|县)"
_BARE = r"(?:省|市|区|县)"
# What follows a unit that acted on the request (A3区住建局高度重视 …, 经A5区教育局核实 …).
_ACTING = re.compile(
    r"^(?:高度重视|立即|迅速|及时|接到|收到|已|对此|组织|会同|调查|核实|经调查|经核实|进行|认真|现|回复|答复|将)"
)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]+$")
_NOT_LOCAL_START = tuple("我该本全各每此乡城村县市区镇省对向由经在从将已于到和与及或等原新老您你他她其")


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    local: bool  # a street, town or police station, named by its own place


class ReplyUnitExtractor:
    """Finds the handling unit in reply texts; build once, call :meth:`extract` per reply."""

    def __init__(self) -> None:
        bodies = "|".join(re.escape(b) for b in _bodies())
        self._dept = re.compile(rf"(?<![我该本贵此全各])(?P<place>(?:{_PLACE_CODE})*{_BARE}?)(?P<body>{bodies})")
        self._local_level = re.compile(r"街道办事处|街道|镇人民政府|镇政府|乡人民政府|乡政府|镇|乡|派出所")
        self._code_before = re.compile(rf"(?:{_PLACE_CODE})+$")
        self._code = re.compile(_PLACE_CODE)

    def mentions(self, reply: str, request: str = "") -> list[Mention]:
        """Unit names in a reply. A street, town or police station counts only where the request names its
        place too (so 您对我乡 or 参加城镇 are not taken for towns)."""
        text = re.sub(r"\s+", "", reply)
        found: list[Mention] = []
        for m in self._dept.finditer(text):
            if not m.group("place") and m.group("body") in _NEEDS_PLACE:
                continue
            found.append(Mention(m.group(0), m.start(), m.end(), local=False))
        for m in self._local_level.finditer(text):
            start = m.start()
            for length in (4, 3, 2):
                place = text[max(0, start - length) : start]
                if (
                    len(place) < length
                    or not _CJK_NAME.match(place)
                    or place.startswith(_NOT_LOCAL_START)
                    or place not in request
                ):
                    continue
                begin = start - length
                code = self._code_before.search(text, 0, begin)
                if code is not None and code.end() == begin:
                    begin = code.start()
                if not any(begin < f.end and f.start < m.end() for f in found):
                    found.append(Mention(text[begin : m.end()], begin, m.end(), local=True))
                break
        found.sort(key=lambda x: x.start)
        return found

    def extract(self, reply: str, request: str = "") -> str | None:
        """The unit that handled the request, or None where the reply names none."""
        text = re.sub(r"\s+", "", reply)
        mentions = self.mentions(text, request)
        if not mentions:
            return None
        scores: dict[str, float] = {}
        tail = len(text) - 40
        for order, mention in enumerate(mentions):
            before = text[max(0, mention.start - 4) : mention.start]
            after = text[mention.end : mention.end + 6]
            score = 1.0 if order == 0 else 0.5
            if mention.start >= tail and re.match(r"^[，。,.:：\s]*(?:[0-9二〇○零一]{4}年|$)", text[mention.end :]):
                score += 4.0  # the signature
            if re.search(r"(?:转|交由|转交|转至|转给|交|由|责成)$", before):
                score += 3.0
            if re.search(r"经$", before) or _ACTING.match(after):
                score += 2.0
            if re.search(r"(?:向|致电|联系|咨询|拨打|到)$", before):
                score += 0.5
            name = self._complete(mention, request or text)
            scores[name] = scores.get(name, 0.0) + score
        best = max(scores.items(), key=lambda kv: kv[1])
        return best[0]

    def _complete(self, mention: Mention, context: str) -> str:
        """Give a placeless name the place its request names: 区住建局 → A3区住建局, 洋湖街道 → A3区洋湖街道."""
        name = mention.name
        if self._code.match(name):
            return name
        codes: list[str] = [m.group(0) for m in self._code.finditer(context)]
        if mention.local:
            lower = [c for c in codes if c.endswith(("区", "县")) or re.match(r"^[A-Z][0-9]", c)]
            return (lower[0] + name) if lower else name
        level = name[0] if name[0] in "市区县" else ""
        if level == "市":
            cities = [c for c in codes if c.endswith("市")]
            letters = [c[0] for c in codes]
            if cities:
                return cities[0] + name[1:]
            return (letters[0] + name) if letters else name
        if level in ("区", "县"):
            same = [c for c in codes if c.endswith(level)]
            return (same[0] + name[1:]) if same else name
        if level == "省" or not codes:
            return name
        # A department named bare (教育局): the reply's own place, the most local one its request names.
        local = [c for c in codes if re.match(r"^[A-Z][0-9]", c)]
        return (local[0] if local else codes[0]) + name
