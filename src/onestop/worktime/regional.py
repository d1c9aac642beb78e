"""Regional holidays: days a province or region adds to the national calendar, by region-code prefix.

新疆 (region codes 65xxxx) closes for 肉孜节 and 古尔邦节, whose dates follow the Islamic calendar
and are announced each year by the regional government; they are therefore data (per year, from
the announcement) and never computed. A region's arrangement applies to every region code that
starts with its prefix ("65" covers 650102).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

_PREFIX = re.compile(r"^\d{2,12}$")


def _check_code(code: str, what: str) -> str:
    if not isinstance(code, str) or not _PREFIX.match(code):
        raise ValueError(f"{what}须为 2–12 位数字的行政区划代码（前缀）：{code!r}")
    return code


@dataclass(frozen=True, slots=True)
class RegionYear:
    """One region's announced arrangement for one year (an empty one means: no regional holiday)."""

    off_days: Mapping[date, str]
    work_days: Mapping[date, str]


@dataclass(frozen=True, slots=True)
class RegionLayer:
    """What one region code adds: off days, make-up days, and the years those are known for.

    ``known_years`` is None when no arrangement applies to the code at all.
    """

    off_days: Mapping[date, str]
    work_days: Mapping[date, str]
    known_years: frozenset[int] | None

    def canonical(self) -> dict[str, Any]:
        return {
            "off": {d.isoformat(): n for d, n in sorted(self.off_days.items())},
            "work": {d.isoformat(): n for d, n in sorted(self.work_days.items())},
            "years": sorted(self.known_years) if self.known_years is not None else None,
        }


class RegionalHolidays:
    """Immutable table prefix -> year -> RegionYear, with a region name per prefix."""

    __slots__ = ("_names", "_regions")

    def __init__(
        self,
        regions: Mapping[str, Mapping[int, RegionYear]] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        table: dict[str, dict[int, RegionYear]] = {}
        for prefix, years in (regions or {}).items():
            _check_code(prefix, "地区代码")
            checked: dict[int, RegionYear] = {}
            for year, arrangement in years.items():
                for d in (*arrangement.off_days, *arrangement.work_days):
                    if d.year != year:
                        raise ValueError(f"地区 {prefix} 的 {year} 年安排中出现了 {d.isoformat()}")
                both = set(arrangement.off_days) & set(arrangement.work_days)
                if both:
                    raise ValueError(f"地区 {prefix}：{min(both).isoformat()} 既放假又上班")
                checked[year] = RegionYear(
                    MappingProxyType(dict(arrangement.off_days)),
                    MappingProxyType(dict(arrangement.work_days)),
                )
            table[prefix] = checked
        self._regions = MappingProxyType(table)
        self._names = MappingProxyType(dict(names or {}))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RegionalHolidays:
        """Build from the JSON shape used by ``load``.

        ``{"65": {"name": "新疆维吾尔自治区", "years": {"2025": {"off": {DATE: NAME}, "work": {}}}}}``
        """
        regions: dict[str, dict[int, RegionYear]] = {}
        names: dict[str, str] = {}
        try:
            for prefix, entry in data.items():
                if "name" in entry:
                    names[prefix] = str(entry["name"])
                years: dict[int, RegionYear] = {}
                for year, arrangement in dict(entry.get("years", {})).items():
                    years[int(year)] = RegionYear(
                        {date.fromisoformat(k): str(v) for k, v in dict(arrangement.get("off", {})).items()},
                        {date.fromisoformat(k): str(v) for k, v in dict(arrangement.get("work", {})).items()},
                    )
                regions[prefix] = years
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValueError(f"地方节假日数据格式错误：{exc}") from exc
        return cls(regions, names)

    @classmethod
    def load(cls, path: str | Path) -> RegionalHolidays:
        return cls.from_mapping(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for prefix, years in self._regions.items():
            entry: dict[str, Any] = {}
            if prefix in self._names:
                entry["name"] = self._names[prefix]
            entry["years"] = {
                str(y): {
                    "off": {d.isoformat(): n for d, n in sorted(a.off_days.items())},
                    "work": {d.isoformat(): n for d, n in sorted(a.work_days.items())},
                }
                for y, a in sorted(years.items())
            }
            out[prefix] = entry
        return out

    def with_year(
        self,
        prefix: str,
        year: int,
        off_days: Mapping[date, str],
        work_days: Mapping[date, str] | None = None,
        *,
        name: str | None = None,
    ) -> RegionalHolidays:
        """A table that also knows ``prefix``'s arrangement for ``year`` (replacing an older one)."""
        regions = {p: dict(y) for p, y in self._regions.items()}
        regions.setdefault(prefix, {})[year] = RegionYear(dict(off_days), dict(work_days or {}))
        names = dict(self._names)
        if name is not None:
            names[prefix] = name
        return RegionalHolidays(regions, names)

    def region_name(self, prefix: str) -> str | None:
        return self._names.get(prefix)

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(self._regions)

    def layer(self, region_code: str) -> RegionLayer:
        """Everything that applies to ``region_code`` (all matching prefixes, the longest winning)."""
        _check_code(region_code, "地区代码")
        off: dict[date, str] = {}
        work: dict[date, str] = {}
        known: frozenset[int] | None = None
        for prefix in sorted(p for p in self._regions if region_code.startswith(p)):
            years = self._regions[prefix]
            # A more specific region's year is known only where every enclosing region's is too.
            known = frozenset(years) if known is None else known & frozenset(years)
            for arrangement in years.values():
                for d, n in arrangement.off_days.items():
                    work.pop(d, None)
                    off[d] = n
                for d, n in arrangement.work_days.items():
                    off.pop(d, None)
                    work[d] = n
        return RegionLayer(MappingProxyType(off), MappingProxyType(work), known)
