"""Attributions: the bracket after a task that names who does it and by when.

Keyed forms, in any order and with ; , or 。 between fields: ``(牵头单位:…;配合单位:…)``, ``(牵头部门:…)``,
``(责任单位:…)``, ``(牵头责任单位:…)``, ``(责任领导:…;牵头部门:…;配合单位:…;完成时间:…)``. Unkeyed forms:
``(X、Y牵头,Z按职责分工负责)``, ``(X牵头,Z配合,6月底前完成)``, ``(X负责)``. A bracket that merely mentions
牵头单位 in prose (``(由市监局牵头设立…)``, ``(各牵头单位要…)``) is not an attribution: a keyed bracket must
start with a key and a colon, and an unkeyed one must consist of nothing but unit lists, role words and a
deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from onestop.ledger.deadlines import is_deadline_phrase
from onestop.ledger.unitnames import is_collective, looks_like_unit, split_units

LEAD, COOPERATING, RESPONSIBLE, LEADER, DEADLINE = "lead", "cooperating", "responsible", "leader", "deadline"

KEYS: dict[str, str] = {
    # longest first where one key contains another (牵头责任单位 before 责任单位)
    "牵头责任单位": LEAD,
    "牵头责任部门": LEAD,
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "牵头处室": LEAD,
    "牵头科室": LEAD,
    "主办单位": LEAD,
    "主责单位": LEAD,
    "主责部门": LEAD,
    "牵头": LEAD,
    "配合单位": COOPERATING,
    "配合部门": COOPERATING,
    "协办单位": COOPERATING,
    "协同单位": COOPERATING,
    "协作单位": COOPERATING,
    "参与单位": COOPERATING,
    "参加单位": COOPERATING,
    "配合": COOPERATING,
    "责任单位": RESPONSIBLE,
    "责任部门": RESPONSIBLE,
    "实施单位": RESPONSIBLE,
    "落实单位": RESPONSIBLE,
    "承办单位": RESPONSIBLE,
    "具体负责单位": RESPONSIBLE,
    "责任主体": RESPONSIBLE,
    "牵头领导": LEADER,
    "责任领导": LEADER,
    "分管领导": LEADER,
    "联系领导": LEADER,
    "包抓领导": LEADER,
    "牵头市领导": LEADER,
    "牵头县领导": LEADER,
    "牵头区领导": LEADER,
    "责任人": LEADER,
    "完成时限": DEADLINE,
    "完成时间": DEADLINE,
    "完成期限": DEADLINE,
    "办结时限": DEADLINE,
    "时间节点": DEADLINE,
    "截止时间": DEADLINE,
    "时间安排": DEADLINE,
    "时限要求": DEADLINE,
    "时限": DEADLINE,
    "时间": DEADLINE,
}
_KEY = re.compile("(" + "|".join(sorted(KEYS, key=len, reverse=True)) + r")\s*:")
_FIELD_SEP = " ;,.。、"

# Unkeyed clauses: "X牵头", "Z按职责分工负责", "Z配合".
_ROLE_TAIL = re.compile(
    r"(?P<units>.+?)(?P<role>牵头负责|牵头|按职责分工负责|按职责分工落实|按职责负责|按职能分工负责|分工负责|各负其责|"
    r"负责落实|负责|配合落实|配合|协助|协办|参与|共同推进|按职责落实|落实)$"
)
_ROLE_FIELD = {
    "牵头": LEAD,
    "牵头负责": LEAD,
    "配合": COOPERATING,
    "配合落实": COOPERATING,
    "协助": COOPERATING,
    "协办": COOPERATING,
    "参与": COOPERATING,
    "共同推进": COOPERATING,
}


@dataclass
class Attribution:
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    leader: str | None = None
    deadline_text: str | None = None
    # Where it was found, as offsets into the text it was found in.
    start: int = 0
    end: int = 0
    raw: dict[str, str] = field(default_factory=dict)  # field → the text as written (unit lists before splitting)

    def add(self, role: str, value: str) -> None:
        value = value.strip(_FIELD_SEP)
        if not value:
            return
        if role == LEADER:
            self.leader = value if self.leader is None else f"{self.leader}、{value}"
        elif role == DEADLINE:
            self.deadline_text = value if self.deadline_text is None else f"{self.deadline_text},{value}"
        else:
            names: list[str] = getattr(self, role)
            names.extend(n for n in split_units(value) if n not in names)
            self.raw[role] = f"{self.raw[role]},{value}" if role in self.raw else value

    @property
    def has_units(self) -> bool:
        return bool(self.lead or self.cooperating or self.responsible)


_PAREN = re.compile(r"[()]")


def brackets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level bracket pair (…) in ``text``, ``end`` past the closing bracket."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for match in _PAREN.finditer(text):
        i = match.start()
        if match.group() == "(":
            if depth == 0:
                start = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def parse_keyed(body: str) -> Attribution | None:
    """``牵头单位:A;配合单位:B;完成时限:C`` (no brackets) → an attribution, if it starts with a key."""
    body = body.strip()
    first = _KEY.match(body)
    if first is None:
        return None
    found = Attribution()
    matches = list(_KEY.finditer(body))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        found.add(KEYS[match.group(1)], body[match.end() : end])
    if not (found.has_units or found.leader):
        return None
    return found


def parse_unkeyed(body: str) -> Attribution | None:
    """``X、Y牵头,Z按职责分工负责,6月底前完成`` → an attribution; None for anything else in brackets."""
    clauses = [c for c in re.split(r"[,;。]", body) if c.strip()]
    if not clauses:
        return None
    found = Attribution()
    pending: list[str] = []
    roles = 0
    for clause in clauses:
        role = _ROLE_TAIL.fullmatch(clause)
        if role is not None and _all_units([*pending, role.group("units")]):
            units = ",".join([*pending, role.group("units")])
            found.add(_ROLE_FIELD.get(role.group("role"), RESPONSIBLE), units)
            pending = []
            roles += 1
        elif is_deadline_phrase(clause):
            found.add(DEADLINE, clause)
        elif _all_units([clause]):
            pending.append(clause)  # a list cut by a comma, its role word comes with the next clause
        else:
            return None
    if pending or not roles:
        return None
    return found


def _all_units(parts: list[str]) -> bool:
    names = [n for part in parts for n in split_units(part)]
    return bool(names) and all(looks_like_unit(n) and len(n) <= 30 for n in names)


def find_attributions(text: str) -> list[Attribution]:
    """Every attribution bracket in a paragraph, in order, with its offsets."""
    return list(_find_cached(text))


def clear_cache() -> None:
    _find_cached.cache_clear()


@lru_cache(maxsize=4096)
def _find_cached(text: str) -> tuple[Attribution, ...]:
    out: list[Attribution] = []
    if "(" not in text:
        return ()
    for start, end in brackets(text):
        body = text[start + 1 : end - 1].strip()
        found = parse_keyed(body) or parse_unkeyed(body)
        if found is None:
            continue
        found.start, found.end = start, end
        out.append(found)
    return tuple(out)


def is_field_line(line: str) -> bool:
    """A line that is one field of a bare attribution: starts with a key and a colon."""
    return _KEY.match(line.strip()) is not None


def find_bare(paragraph: str) -> Attribution | None:
    """A paragraph that is an attribution without brackets: ``牵头单位:县政府办;配合单位:各乡镇``."""
    found = parse_keyed(paragraph.rstrip("。.;"))
    if found is None or not found.has_units:
        return None
    found.start, found.end = 0, len(paragraph)
    return found


__all__ = ["Attribution", "brackets", "find_attributions", "find_bare", "is_collective"]
