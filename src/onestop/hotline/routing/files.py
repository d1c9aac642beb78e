"""Reading history and unit files (UTF-8 CSV) for the routing model."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from onestop.hotline.routing.model import Example, RoutingError, UnitProfile

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d",
)


def parse_day(text: str) -> date | None:
    """A calendar day from the usual spellings (2024-03-01, 2024/3/1, with or without a time, ISO 8601)."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 -- a calendar day, not an instant
        except ValueError:
            continue
    return None


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RoutingError(f"无法打开文件 {path}: {exc.strerror}", field="file") from exc
    with fh:
        try:
            reader = csv.DictReader(fh)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            missing = [c for c in required if c not in columns]
            if missing:
                message = f"{path.name} 缺少列: {', '.join(missing)} (需要 {', '.join(required)})"
                raise RoutingError(message, field="file")
            for line, row in enumerate(reader, start=2):
                yield line, {(k or "").strip(): (v or "") for k, v in row.items()}
        except UnicodeDecodeError as exc:
            raise RoutingError(f"{path.name} 不是 UTF-8 编码", field="file") from exc


def read_history(path: str | Path) -> list[Example]:
    """History rows from a CSV with columns ``text,unit`` and optionally ``date``; blank rows are skipped."""
    p = Path(path)
    out = []
    for line, row in _rows(p, ("text", "unit")):
        text, unit = row["text"].strip(), row["unit"].strip()
        if not text or not unit:
            continue
        raw_day = row.get("date", "").strip()
        day = parse_day(raw_day) if raw_day else None
        if raw_day and day is None:
            raise RoutingError(f"{p.name} 第 {line} 行日期格式错误: {raw_day!r}", field="date")
        out.append(Example(text, unit, day))
    return out


def read_units(path: str | Path) -> list[UnitProfile]:
    """Unit profiles from a CSV with columns ``name,duties`` and optionally ``keywords`` (separated by 、 , ; or
    spaces)."""
    p = Path(path)
    out = []
    for _, row in _rows(p, ("name", "duties")):
        name = row["name"].strip()
        if not name:
            continue
        keywords = tuple(k for k in _split_keywords(row.get("keywords", "")) if k)
        out.append(UnitProfile(name, row["duties"].strip(), keywords))
    return out


def _split_keywords(text: str) -> list[str]:
    for sep in "、，,;；":
        text = text.replace(sep, " ")
    return text.split()
