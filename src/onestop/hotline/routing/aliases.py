"""Unit-name normalisation: noisy aliases of one handling unit merge into one key.

Real dispatch histories name the same unit many ways: 市公安局 / 某某市公安局, 县政府办 / 县人民政府办公室,
住建局 / 住房和城乡建设局, 某某街道办事处 / 某某街道. A **key** is the canonical form used to merge them:

1. width and punctuation folded (NFKC), spaces and bracketed remarks dropped (``市场监管局（知识产权局）``);
2. long official forms contracted to one short form (``人民政府办公室`` → ``政府办``, ``住房和城乡建设局`` →
   ``住建局``), and offices renamed in the 2018 reform mapped to their successor (``环保局`` → ``生态环境局``);
   the tables are general Chinese administrative usage, nothing about one city;
3. the leading place-name chain parsed (``某某市`` ``A3区`` ``洋湖街道`` …) and the deployment's own
   jurisdiction (its **home** places) reduced to the bare level: ``某某市公安局`` → ``市公安局``.

Which places are home is not hard-coded: :meth:`UnitNormalizer.learn` finds them in the names themselves, a
place being home when a bare alias of a prefixed name occurs (``某某市公安局`` beside ``市公安局``), or when one
place dominates its level (a county's own name in a county's history). Sub-jurisdictions (districts of a
city, towns of a county) keep their names: ``朝阳区`` and ``海淀区`` stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Long official form → the one short form used in keys. Longest first when applied. Short aliases that differ
# from the chosen short form (市监局 → 市场监管局) are listed too.
CONTRACTIONS: Mapping[str, str] = {
    "人民政府办公室": "政府办",
    "人民政府办公厅": "政府办",
    "政府办公室": "政府办",
    "政府办公厅": "政府办",
    "人民政府": "政府",
    "住房和城乡建设委员会": "住建委",
    "住房和城乡建设局": "住建局",
    "住房和城乡建设厅": "住建厅",
    "住房城乡建设委员会": "住建委",
    "住房城乡建设局": "住建局",
    "住房城乡建设委": "住建委",
    "人力资源和社会保障局": "人社局",
    "人力资源和社会保障厅": "人社厅",
    "人力资源社会保障局": "人社局",
    "人力资源与社会保障局": "人社局",
    "发展和改革委员会": "发改委",
    "发展和改革局": "发改局",
    "发展改革委员会": "发改委",
    "发展改革委": "发改委",
    "发展改革局": "发改局",
    "市场监督管理局": "市场监管局",
    "市场监管管理局": "市场监管局",
    "市监局": "市场监管局",
    "卫生健康委员会": "卫健委",
    "卫生和健康委员会": "卫健委",
    "卫生健康局": "卫健局",
    "卫生和计划生育委员会": "卫计委",
    "卫生计生委员会": "卫计委",
    "卫生计生委": "卫计委",
    "卫生计生局": "卫计局",
    "卫生和计划生育局": "卫计局",
    "环境保护局": "环保局",
    "生态环境保护局": "生态环境局",
    "自然资源和规划局": "自然资源规划局",
    "国土资源局": "国土局",
    "城市管理和综合执法局": "城管局",
    "城市管理综合执法局": "城管局",
    "城市管理行政执法局": "城管局",
    "城市管理局": "城管局",
    "城管执法局": "城管局",
    "城管综合执法局": "城管局",
    "城市管理执法大队": "城管执法大队",
    "交通运输委员会": "交通委",
    "交通运输局": "交通局",
    "公安局交通警察支队": "交警支队",
    "公安局交通警察大队": "交警大队",
    "公安交通警察支队": "交警支队",
    "公安交通警察大队": "交警大队",
    "交通警察支队": "交警支队",
    "交通警察大队": "交警大队",
    "公安交警支队": "交警支队",
    "公安交警大队": "交警大队",
    "教育和体育局": "教体局",
    "教育体育局": "教体局",
    "文化和旅游局": "文旅局",
    "文化旅游局": "文旅局",
    "文化广电和旅游局": "文旅广电局",
    "文化广电旅游局": "文旅广电局",
    "医疗保障局": "医保局",
    "应急管理局": "应急局",
    "退役军人事务局": "退役军人局",
    "行政审批服务局": "行政审批局",
    "工业和信息化委员会": "工信委",
    "工业和信息化局": "工信局",
    "经济和信息化委员会": "经信委",
    "经济和信息化局": "经信局",
    "科学技术局": "科技局",
    "住房保障局": "住保局",
    "房地产管理局": "房管局",
    "房产管理局": "房管局",
    "房屋管理局": "房管局",
    "住房公积金管理中心": "公积金中心",
    "人民防空办公室": "人防办",
    "食品药品监督管理局": "食药监局",
    "食品药品监管局": "食药监局",
    "工商行政管理局": "工商局",
    "质量技术监督局": "质监局",
    "安全生产监督管理局": "安监局",
    "纪律检查委员会": "纪委",
    "监察委员会": "监委",
    "经济技术开发区": "经开区",
    "高新技术产业开发区": "高新区",
    "街道办事处": "街道",
    "街道办": "街道",
    "管理委员会": "管委会",
    "居民委员会": "居委会",
    "村民委员会": "村委会",
    "人民法院": "法院",
    "人民检察院": "检察院",
    "委员会": "委",
    "办公室": "办",
}
# Offices renamed or merged in the 2018 institutional reform (机构改革): history written before it names the old
# office, requests today go to its successor, so both share one key. Applied to the contracted form.
SUCCESSORS: Mapping[str, str] = {
    "环保局": "生态环境局",
    "国土局": "自然资源局",
    "卫计委": "卫健委",
    "卫计局": "卫健局",
    "工商局": "市场监管局",
    "质监局": "市场监管局",
    "食药监局": "市场监管局",
    "安监局": "应急局",
}
_SUCCESSOR_RE = re.compile("|".join(re.escape(k) for k in sorted(SUCCESSORS, key=len, reverse=True)))
_CONTRACTION_RE = re.compile("|".join(re.escape(k) for k in sorted(CONTRACTIONS, key=len, reverse=True)))

# Administrative levels a place name ends with, longest first so 自治州 wins over 州 and 新区 over 区.
LEVELS = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "经开区",
    "高新区",
    "开发区",
    "新区",
    "地区",
    "街道",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
)
# Levels whose dominant place may be the deployment's own jurisdiction (a town is never a deployment).
HOME_LEVELS = frozenset(
    {"特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "州", "盟", "县", "区", "旗"}
)
# Words that end like a place but are not one (小区, 社区, 城市 …): a parsed place whose name+level is one of
# these, or whose name holds one of the function characters, is rejected.
_NOT_PLACES = frozenset(
    {
        "小区",
        "社区",
        "城区",
        "园区",
        "景区",
        "校区",
        "片区",
        "辖区",
        "市区",
        "郊区",
        "山区",
        "库区",
        "城市",
        "都市",
        "超市",
        "门市",
        "集市",
        "城乡",
        "农村乡",
        "地区",
    }
)
_NAME_STOP = frozenset("与及的之或、")
_PLACE_RE = re.compile(r"(?P<name>[A-Z][0-9]{0,3}|某{1,3}|[\u4e00-\u9fff]{2,5}?)(?P<level>" + "|".join(LEVELS) + ")")
_BRACKETS_RE = re.compile(r"[（(【\[〔][^）)】\]〕]*[）)】\]〕]")
_DROP_RE = re.compile(r"[\s\u3000·•、，,。.;；:：\"'“”‘’《》<>!！?？\-—_/|]+")
_PARTY_PREFIX = ("中共", "中国共产党")


@dataclass(frozen=True)
class ParsedName:
    """A unit name split into its leading place chain and the rest (the unit's body)."""

    places: tuple[tuple[str, str], ...]  # (name, level) from the outermost in
    bare_level: str  # a level with no place name (市公安局 → "市"), "" if none
    body: str


def fold(name: str) -> str:
    """Width, case, punctuation and bracketed remarks folded; the long official forms contracted."""
    text = unicodedata.normalize("NFKC", name).upper()
    text = _BRACKETS_RE.sub("", text)
    text = _DROP_RE.sub("", text)
    for prefix in _PARTY_PREFIX:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
    text = _CONTRACTION_RE.sub(lambda m: CONTRACTIONS[m.group(0)], text)
    return _SUCCESSOR_RE.sub(lambda m: SUCCESSORS[m.group(0)], text)


def parse(folded: str) -> ParsedName:
    """Split a folded name into its place chain and body."""
    places: list[tuple[str, str]] = []
    rest = folded
    while True:
        match = _PLACE_RE.match(rest)
        if match is None:
            break
        name, level = match.group("name"), match.group("level")
        if name + level in _NOT_PLACES or any(ch in _NAME_STOP for ch in name) or ("和" in name[1:] and len(name) > 2):
            break
        places.append((name, level))
        rest = rest[match.end() :]
    bare = ""
    if not places:
        for level in LEVELS:
            # 市场监管局 starts with 市 but is not "市" + 场监管局: only a bare level followed by more text counts,
            # and never one that is the first character of a body word.
            if rest.startswith(level) and len(rest) > len(level) and not rest.startswith(("市场", "区域", "县域")):
                bare, rest = level, rest[len(level) :]
                break
    return ParsedName(tuple(places), bare, rest)


def _compose(places: Iterable[tuple[str, str]], bare: str, body: str) -> str:
    return bare + "".join(f"{n}{lv}" for n, lv in places) + (body or "政府")


@dataclass(frozen=True)
class UnitNormalizer:
    """Maps unit names to keys; ``home`` holds the deployment's own places, reduced to their bare level."""

    home: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def key(self, name: str) -> str:
        """The canonical key of a unit name (aliases of one unit share it)."""
        folded = fold(name)
        if not folded:
            return ""
        parsed = parse(folded)
        places = list(parsed.places)
        bare = parsed.bare_level
        while places and places[0] in self.home:
            _, level = places.pop(0)
            # The home level stays as a bare prefix only where the body follows directly (某某市公安局 → 市公安局);
            # before a sub-place it goes (某某市A3区住建局 → A3区住建局).
            bare = "" if places else level
        return _compose(places, bare, parsed.body)

    @classmethod
    def learn(cls, names: Iterable[str] | Mapping[str, int], *, dominance: float = 0.8) -> UnitNormalizer:
        """Find the home places in a set of unit names (a Counter of names weighs them by use)."""
        counts: Counter[str] = Counter(names) if not isinstance(names, Mapping) else Counter(dict(names))
        parsed = {n: parse(fold(n)) for n in counts if fold(n)}
        bare_keys = {_compose((), p.bare_level, p.body) for p in parsed.values() if not p.places}
        bare_keys |= {_compose(p.places, p.bare_level, p.body) for p in parsed.values()}
        evidence: set[tuple[str, str]] = set()
        first_by_level: dict[str, Counter[str]] = {}
        for name, p in parsed.items():
            if not p.places:
                continue
            first = p.places[0]
            if first[1] in HOME_LEVELS:
                first_by_level.setdefault(first[1], Counter())[first[0]] += counts[name]
            # Evidence: the same unit named without its first place also occurs.
            rest = p.places[1:]
            stripped = _compose(rest, "" if rest else first[1], p.body)
            if p.body and stripped in bare_keys:
                evidence.add(first)
        home: set[tuple[str, str]] = set()
        for level, by_place in first_by_level.items():
            place, n = by_place.most_common(1)[0]
            share = n / sum(by_place.values())
            # A history of several jurisdictions (a province's message board) has no home: its bare names are
            # ambiguous, so a place is home only where it is the main one at its level.
            if n >= 2 and (share >= dominance or (share >= 0.5 and (place, level) in evidence)):
                home.add((place, level))
        return cls(frozenset(home))

    def to_list(self) -> list[list[str]]:
        return [[n, lv] for n, lv in sorted(self.home)]

    @classmethod
    def from_list(cls, items: Iterable[Iterable[str]]) -> UnitNormalizer:
        pairs = [tuple(x) for x in items]
        return cls(frozenset((str(p[0]), str(p[1])) for p in pairs if len(p) == 2))


def normalize_unit_name(name: str) -> str:
    """The key of one name with no knowledge of the deployment (abbreviations and punctuation only)."""
    return UnitNormalizer().key(name)


def merge_aliases(names: Iterable[str], normalizer: UnitNormalizer | None = None) -> dict[str, str]:
    """Map every raw name to its cluster's display name: the most frequent raw form of its key."""
    counts = Counter(names)
    norm = normalizer or UnitNormalizer.learn(counts)
    by_key: dict[str, Counter[str]] = {}
    for name, n in counts.items():
        by_key.setdefault(norm.key(name), Counter())[name] += n
    display = {k: _display_name(c) for k, c in by_key.items()}
    return {name: display[norm.key(name)] for name in counts}


def _display_name(forms: Counter[str]) -> str:
    # Most used first; among equals, the longer (more official) form, then the first in sort order.
    return sorted(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
