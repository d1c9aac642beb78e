"""Reading a work plan: its title, issuer and date, and every task with its units and deadline.

The plan is read as a tree of numbered items (一、 / (一) / 1. / (1) / ① / 一是 …; the order of the styles is
learned from the plan itself, so a plan that puts 1. above (一) reads as well). A **task** is the text one
attribution covers:

* an item whose own text carries an attribution is a task (its sub-items come with it, unless they carry
  attributions of their own);
* an item whose last sub-item carries the only attribution among its sub-items is one task as a whole: in
  ``(四)…方面 一是… 二是…(牵头部门:…)`` the bracket closes the section, not only 二是;
* several attributions in one paragraph split it: each covers the text since the previous one.

Prose that mentions 牵头单位 without an attribution bracket is never a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from onestop.ledger.attribution import Attribution, clear_cache, find_attributions, find_bare, is_field_line
from onestop.ledger.deadlines import is_deadline_phrase, parse_deadline
from onestop.ledger.model import Plan, Task, plan_year
from onestop.ledger.targets import find_targets
from onestop.ledger.text import FULL_LINE, join_lines, normalise_line

_CN = "一二三四五六七八九十百零〇"
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第[{_CN}]+(?:部分|章|节)")),
    ("cn", re.compile(rf"^[{_CN}]+、")),
    ("pcn", re.compile(rf"^\([{_CN}]+\)|^〔[{_CN}]+〕")),
    ("ar", re.compile(r"^\d{1,3}(?:\.|、)(?!\d)")),
    ("par", re.compile(r"^\(\d{1,3}\)|^〔\d{1,3}〕")),
    ("rpar", re.compile(r"^\d{1,3}\)(?!\d)")),
    ("circ", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
    ("shi", re.compile(r"^[一二三四五六七八九十]{1,3}是")),
]
STARTS_ITEM = re.compile("|".join(p.pattern for _, p in _LABELS))
_INLINE_SHI = re.compile(r"(?<=[。;,:!?])([一二三四五六七八九十]{1,3})是(?!否|指|由|为|以)")
_SHI_ORDER = "一二三四五六七八九十"
_TITLE_END = re.compile(
    r"(方案|意见|措施|计划|办法|要点|清单|规定|细则|纲要|行动|台账|决定|通知|安排|任务|分工|举措)(\((?:试行|征求意见稿|修订稿?|草案)\))?$"
)
_FULL_DATE = re.compile(
    r"((?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日)"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISSUER_END = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|工委|党委|管委会|局|委|厅|办|中心|部|院|府)$")


@dataclass
class Node:
    style: str | None  # None: the plan's preamble (the root)
    label: str = ""
    text: str = ""  # its own text, label removed (continuation paragraphs appended, "\n" between)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    attributions: list[Attribution] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.label + title_of(self.text)

    def has_attribution(self) -> bool:
        return bool(self.attributions) or any(c.has_attribution() for c in self.children)


def title_of(text: str) -> str:
    """An item's title: its first sentence, or that sentence's first clause when the sentence is long."""
    sentence = _first_clause(text.split("\n", 1)[0], "。!?;").strip(" ,:")
    if len(sentence) > 40:
        clause = _first_clause(sentence, ",:").strip()
        if 4 <= len(clause) < len(sentence):
            return clause
    return sentence


def _first_clause(text: str, stops: str) -> str:
    """``text`` up to the first of ``stops`` outside quotes and brackets."""
    depth = 0
    for i, char in enumerate(text):
        if char in "“《(〔[":
            depth += 1
        elif char in "”》)〕]" and depth:
            depth -= 1
        elif depth == 0 and char in stops:
            return text[:i]
    return text


def _label_of(paragraph: str) -> tuple[str, str] | None:
    for style, pattern in _LABELS:
        match = pattern.match(paragraph)
        if match:
            return style, match.group(0)
    return None


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_INLINE_CIRCLED = re.compile(f"[{_CIRCLED}]")


def _inline_clauses(text: str, style: str | None, label: str) -> list[tuple[int, str, str]]:
    """Positions of 一是/二是/… or ①②… inside a paragraph, kept only while they count up.

    A paragraph labelled 一是 (or ①) continues with 二是 (②); any other paragraph must start the count.
    """
    found: list[tuple[int, str, str]] = []
    expected = 0
    if style == "shi" and len(label) == 2:
        expected = _SHI_ORDER.find(label[0]) + 1
    for match in _INLINE_SHI.finditer(text):
        numeral = match.group(1)
        index = _SHI_ORDER.find(numeral) if len(numeral) == 1 else -1
        if index == expected:
            found.append((match.start(), numeral + "是", "shi"))
            expected = index + 1
    if found:
        return found
    expected = _CIRCLED.find(label) + 1 if style == "circ" else 0
    for match in _INLINE_CIRCLED.finditer(text):
        index = _CIRCLED.find(match.group(0))
        if index == expected:
            found.append((match.start(), match.group(0), "circ"))
            expected = index + 1
    return found


def _separator(text: str) -> str:
    """Between an item's text and a paragraph that continues it: a new line only after a heading line.

    A paragraph break after a full sentence is often only a line that happened to end there (PDF), so the
    text reads the same whichever way the file broke it.
    """
    last = text.rsplit("\n", 1)[-1]
    return "\n" if not last or (len(last) < FULL_LINE and last[-1] not in "。;!?)") else ""


def build_tree(paragraphs: list[str]) -> Node:
    root = Node(style=None)
    stack: list[Node] = [root]

    def push(style: str, label: str, text: str) -> None:
        styles = [n.style for n in stack]
        if style in styles:
            del stack[styles.index(style) :]
        node = Node(style=style, label=label, text=text, parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)

    for paragraph in paragraphs:
        found = _label_of(paragraph)
        body = paragraph if found is None else paragraph[len(found[1]) :]
        # a paragraph without a label continues the item it follows, and so does its count of 一是/二是
        counting = found or (stack[-1].style, stack[-1].label)
        clauses = _inline_clauses(body, *counting)
        head = body[: clauses[0][0]] if clauses else body
        if found is None:
            top = stack[-1]
            joint = "\n" if is_field_line(head) else _separator(top.text)
            top.text = top.text + joint + head if top.text else head
        else:
            push(found[0], found[1], head)
        for i, (start, label, style) in enumerate(clauses):
            end = clauses[i + 1][0] if i + 1 < len(clauses) else len(body)
            push(style, label, body[start + len(label) : end])
    return root


def _attach_attributions(node: Node) -> None:
    """Brackets in each line; consecutive lines of bare fields (牵头单位:… / 配合单位:… / 完成时间:…) as one."""
    block: list[str] = []
    for line in [*node.text.split("\n"), ""]:
        if line and is_field_line(line):
            block.append(line.rstrip("。;"))
            continue
        if block:
            bare = find_bare(";".join(block))
            if bare is not None:
                node.attributions.append(bare)
            block = []
        if line:
            node.attributions.extend(find_attributions(line))
    for child in node.children:
        _attach_attributions(child)


@dataclass
class _Cover:
    """A task before it is written out: the node it covers and the attribution that covers it."""

    node: Node
    attribution: Attribution
    segment: str | None = None  # when several attributions split one paragraph, the text of this one


def _resolve(node: Node) -> tuple[list[_Cover], bool]:
    """The tasks within ``node``, and whether ``node`` is covered whole by one attribution."""
    if node.attributions:
        covers = [_Cover(node, node.attributions[0])] if len(node.attributions) == 1 else _split_segments(node)
        for child in node.children:
            if child.has_attribution():
                covers.extend(_resolve(child)[0])
        return covers, len(node.attributions) == 1
    results = [_resolve(child) for child in node.children]
    attributed = [i for i, child in enumerate(node.children) if child.has_attribution()]
    last = len(node.children) - 1
    if (
        node.style is not None
        and attributed == [last]
        and last >= 1
        and results[last][1]
        and len(results[last][0]) == 1
    ):
        # Only the last sub-item carries a bracket: it closes the whole item.
        return [_Cover(node, results[last][0][0].attribution)], True
    return [cover for covers, _ in results for cover in covers], False


def _split_segments(node: Node) -> list[_Cover]:
    covers: list[_Cover] = []
    text = node.text
    previous = 0
    for attribution in node.attributions:
        # offsets are per line; locate the bracket again in the joined text
        covers.append(_Cover(node, attribution, segment=text[previous : _find(text, attribution, previous)]))
        previous = _find(text, attribution, previous) + (attribution.end - attribution.start)
    return covers


def _find(text: str, attribution: Attribution, start: int) -> int:
    for match in re.finditer(r"\(", text[start:]):
        at = start + match.start()
        found = find_attributions(text[at:])
        if found and found[0].start == 0:
            return at
    return len(text)


def _strip_attributions(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if is_field_line(line):
            continue
        kept = line
        for found in reversed(find_attributions(line)):
            kept = kept[: found.start] + kept[found.end :]
        if kept.strip():
            lines.append(kept.strip())
    return "\n".join(lines)


def _full_text(node: Node, covered: set[int], *, top: bool = True) -> str:
    """The text of ``node`` and of its sub-items that no other task covers."""
    own = node.text if top else node.label + node.text
    parts = [own] if own else []
    parts.extend(_full_text(child, covered, top=False) for child in node.children if not _contains(child, covered))
    return "\n".join(p for p in parts if p)


def _contains(node: Node, covered: set[int]) -> bool:
    return id(node) in covered or any(_contains(child, covered) for child in node.children)


def _path(node: Node) -> list[str]:
    out: list[str] = []
    parent = node.parent
    while parent is not None and parent.style is not None:
        out.append(parent.heading)
        parent = parent.parent
    return list(reversed(out))


def _clean_text(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip(" ,;"))


def _deadline_near(text: str) -> str | None:
    """A deadline written beside the bracket rather than in it: "…。2022年10月底前完成(牵头单位:…)"."""
    sentences = [s for s in re.split(r"[。;]", text) if s.strip()]
    if sentences and is_deadline_phrase(sentences[-1]):
        return sentences[-1].strip(" ,")
    return None


def _task(cover: _Cover, covered: set[int], year: int | None, issued: date | None) -> Task:
    node, attribution = cover.node, cover.attribution
    if cover.segment is not None:
        text = _strip_attributions(cover.segment).strip(" ;,")
    else:
        text = _strip_attributions(_full_text(node, covered))
    text = _clean_text(text)
    deadline_text = attribution.deadline_text or _deadline_near(text)
    lead, cooperating, responsible = attribution.lead, attribution.cooperating, attribution.responsible
    return Task(
        number=node.label,
        path=_path(node),
        title=title_of(text)
        if cover.segment is not None or not node.text
        else title_of(_strip_attributions(node.text)),
        text=text,
        lead_units=list(lead),
        cooperating_units=list(cooperating),
        responsible_units=list(responsible),
        leader=attribution.leader,
        deadline=parse_deadline(deadline_text, year=year, issued=issued),
        deadline_text=deadline_text,
        targets=find_targets(text),
    )


# -- metadata ------------------------------------------------------------------------------------------------


def _iso(text: str) -> str | None:
    iso = _ISO_DATE.search(text)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
    match = _FULL_DATE.search(text)
    if not match:
        return None
    parts = re.match(r"(.+)年(.+)月(.+)日", match.group(1))
    assert parts is not None
    from onestop.ledger.deadlines import _number

    try:
        return date(_number(parts.group(1)), _number(parts.group(2)), _number(parts.group(3))).isoformat()
    except ValueError:
        return None


def _metadata(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """Title, issuer and date from the lines before the first top-level heading."""
    head: list[str] = []
    for raw in lines:
        line = normalise_line(raw)
        if not line:
            continue
        if re.match(rf"^[{_CN}]+、", line) and head:
            break
        head.append(line)
    title = None
    for line in head:
        candidate = line.strip("《》")
        if candidate.startswith(("附件", "关于印发", "印发")) and ":" in candidate:
            continue
        if (
            6 <= len(candidate) <= 80
            and "。" not in candidate
            and "》" not in candidate
            and not candidate.endswith(":")
        ) and _TITLE_END.search(candidate):
            title = candidate
    if title is None:
        for line in head:
            quoted = re.search(r"《([^《》]{4,80}?(?:方案|意见|措施|计划|办法|要点))》", line)
            if quoted:
                title = quoted.group(1)
                break
    if title is None and head:
        first = head[0]
        if 6 <= len(first) <= 60 and not re.search(r"[。:;,]", first) and not STARTS_ITEM.match(first):
            title = first
    issued = None
    issuer = None
    for i, line in enumerate(head):
        if _FULL_DATE.fullmatch(line):
            issued = _iso(line)
            previous = head[i - 1] if i else ""
            if previous and len(previous) <= 40 and "。" not in previous and _ISSUER_END.search(previous):
                issuer = previous
            break
    if issued is None:
        for line in head[:12]:
            if line.startswith(("来源", "发布时间", "发布日期", "日期", "时间", "成文日期")) or _ISO_DATE.search(line):
                issued = _iso(line)
                if issued:
                    break
    return title, issuer, issued


# -- entry points --------------------------------------------------------------------------------------------


def parse_lines(lines: list[str]) -> Plan:
    # brackets are looked up again when each task's text is written out: cached within this parse only, so a
    # benchmark that parses the same plan again measures the work, not the cache
    clear_cache()
    title, issuer, issued = _metadata(lines)
    year = plan_year(title, issued)
    issued_date = date.fromisoformat(issued) if issued else None
    paragraphs = join_lines(lines, STARTS_ITEM)
    root = build_tree(paragraphs)
    _attach_attributions(root)
    covers, _ = _resolve(root)
    covered = {id(cover.node) for cover in covers}
    tasks = [_task(cover, covered, year, issued_date) for cover in covers]
    return Plan(title=title, issuer=issuer, date=issued, tasks=tasks)


def parse_text(text: str) -> Plan:
    return parse_lines(text.splitlines())
