"""Text normalisation for work plans: punctuation widths, stray spaces, lines broken inside words.

Plans arrive as typed text, Word documents and PDF extractions. The same plan must read the same from each, so
everything the parser looks at goes through ``normalise_line`` (one physical line) and ``join_lines`` (physical
lines → paragraphs):

* full-width ASCII forms (（）：；，％ and full-width digits) become their half-width forms; Chinese punctuation
  without a half-width twin (、。“”《》〔〕) stays;
* whitespace between two characters is dropped unless both are ASCII letters or digits ("Open 311" keeps its
  space, "2021 年 12 月底" and "自然资 源局" lose theirs) — PDF extraction scatters spaces through words;
* a line that does not start a new numbered item is joined to the previous one when the previous one was cut
  mid-sentence (a long line without closing punctuation, or an unclosed bracket): the line breaks a PDF puts
  inside words and sentences.
"""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01–FF5E) → ASCII; the ideographic space and a few look-alikes too.
_WIDTH: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update(
    {
        0x3000: 0x20,  # ideographic space
        0x2236: ord(":"),  # ∶ RATIO, used as a colon in some typeset plans
        0xFE55: ord(":"),  # ﹕
        0xFE50: ord(","),  # ﹐
        0xFE54: ord(";"),  # ﹔
        0x00A0: 0x20,
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: None,  # zero-width space
        0xFEFF: None,  # byte-order mark
    }
)
_WIDTH.pop(0xFF5E, None)  # ～ stays (a range sign in Chinese text)

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r"\s+")

# Where a line may end a sentence: after these the next line starts a new paragraph.
_CLOSING = frozenset("。！？!?;:")
# A line at least this long (in characters, spaces removed) that ends without closing punctuation was cut
# by the page width; a shorter one is a heading, a title or a signature line.
FULL_LINE = 25


def to_half_width(text: str) -> str:
    return text.translate(_WIDTH)


def squeeze_spaces(text: str) -> str:
    """Drop whitespace between characters unless it separates two ASCII words."""
    if not _SPACES.search(text):
        return text
    parts = _SPACES.split(text.strip())
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " " + part
        else:
            out += part
    return out


def normalise_line(line: str) -> str:
    return squeeze_spaces(to_half_width(line))


def bracket_depth(text: str) -> int:
    """Brackets opened and not closed in ``text`` (never below zero)."""
    depth = 0
    for char in text:
        if char in "([〔【":
            depth += 1
        elif char in ")]〕】" and depth:
            depth -= 1
    return depth


def join_lines(lines: list[str], starts_item: re.Pattern[str]) -> list[str]:
    """Physical lines → normalised paragraphs; ``starts_item`` tells a line that opens a numbered item."""
    paragraphs: list[str] = []
    open_brackets = 0
    last = ""  # the previous physical line, normalised; "" after a blank line
    for raw in lines:
        line = normalise_line(raw)
        if not line:
            last = ""
            continue
        if paragraphs and last and _continues(last, line, open_brackets, starts_item):
            paragraphs[-1] += line
            open_brackets = _depth_after(open_brackets, line)
        else:
            paragraphs.append(line)
            open_brackets = _depth_after(0, line)
        last = line
    return paragraphs


def _depth_after(depth: int, text: str) -> int:
    for char in _BRACKET.findall(text):
        if char in "([〔【":
            depth += 1
        elif depth:
            depth -= 1
    return depth


_BRACKET = re.compile(r"[()\[\]〔〕【】]")


def _continues(last: str, line: str, open_brackets: int, starts_item: re.Pattern[str]) -> bool:
    if starts_item.match(line):
        return False
    if open_brackets:
        return True  # inside an attribution or an aside: a line break there ends nothing
    return last[-1] not in _CLOSING and last[-1] != ")" and len(last) >= FULL_LINE


_SENTENCE_END = re.compile(r"[。!?;]")


def first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text if match is None else text[: match.start()]
