"""The national calendar against the State Council notices (holiday-cn data, 2007–2026)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from onestop.worktime import CalendarYearUnknown, NationalCalendar, NoticeFormatError, import_holiday_cn
from onestop.worktime.national import bundled_notices, notices_from_json, notices_to_json

FIRST_YEAR, LAST_YEAR = 2007, 2026


def _files(holiday_cn: Path) -> list[Path]:
    files = sorted(holiday_cn.glob("20*.json"))
    assert [int(f.stem) for f in files] == list(range(FIRST_YEAR, 2028))
    return files


def _official_days(holiday_cn: Path) -> dict[date, tuple[bool, str]]:
    """date -> (is off day, name) over all notices; a later notice would win, as in the calendar."""
    days: dict[date, tuple[bool, str]] = {}
    for f in _files(holiday_cn):
        for item in json.loads(f.read_text(encoding="utf-8"))["days"]:
            days[date.fromisoformat(item["date"])] = (item["isOffDay"], item["name"])
    return days


def test_bundled_data_is_the_conversion_of_every_notice(holiday_cn: Path) -> None:
    bundled = {n.year: n for n in bundled_notices()}
    assert sorted(bundled) == list(range(FIRST_YEAR, LAST_YEAR + 1))
    for f in _files(holiday_cn):
        year = int(f.stem)
        if year > LAST_YEAR:
            continue
        notice = import_holiday_cn(f)
        assert notice == bundled[year]
        assert notice.papers == tuple(json.loads(f.read_text(encoding="utf-8"))["papers"])


def test_bundled_file_is_our_format_not_a_copy() -> None:
    from importlib import resources

    text = resources.files("onestop.worktime").joinpath("data/national.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["format"] == 1
    assert "$schema" not in text
    assert "isOffDay" not in text
    assert notices_to_json(notices_from_json(text)) == text  # stable round trip


def test_every_date_2007_to_2026_matches_the_notices(holiday_cn: Path) -> None:
    official = _official_days(holiday_cn)
    calendar = NationalCalendar.bundled()
    days = calendar.days()
    assert days is not None
    assert days.first == date(2006, 12, 30)  # the 2007 notice reaches back to two make-up days
    d = days.first
    checked = 0
    while d <= date(LAST_YEAR, 12, 31):
        i = (d - days.first).days
        if d in official:
            is_off, name = official[d]
            assert days.workday[i] is not is_off, d
            assert days.name[i] == (name if is_off else f"{name}调休上班"), d
        else:
            assert days.workday[i] is (d.weekday() < 5), d
        checked += 1
        d += timedelta(days=1)
    assert checked == (date(LAST_YEAR, 12, 31) - date(2006, 12, 30)).days + 1


def test_reach_back_into_december_is_part_of_the_next_notice(holiday_cn: Path) -> None:
    calendar = NationalCalendar.bundled()
    notice_2019 = calendar.notices[2019]
    assert notice_2019.work_days[date(2018, 12, 29)] == "元旦"
    assert set(notice_2019.off_days) >= {date(2018, 12, 30), date(2018, 12, 31)}
    assert date(2022, 12, 31) in calendar.notices[2023].off_days
    assert date(2011, 12, 31) in calendar.notices[2012].work_days
    assert date(2007, 12, 29) in calendar.notices[2008].work_days


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2006, 12, 29), "unknown"),  # before the first notice, not set by any notice
        (date(2006, 12, 30), "confirmed"),  # set by the 2007 notice
        (date(2007, 1, 1), "confirmed"),
        (date(2018, 12, 29), "confirmed"),
        (date(2026, 12, 19), "confirmed"),
        (date(2026, 12, 20), "provisional"),  # the 2027 notice may still reach back
        (date(2026, 12, 31), "provisional"),
        (date(2027, 2, 6), "provisional"),
        (date(2027, 12, 31), "provisional"),
        (date(2028, 1, 1), "unknown"),
    ],
)
def test_status_of_a_date(day: date, status: str) -> None:
    assert NationalCalendar.bundled().status(day) == status


def test_provisional_year_has_only_weekends_and_fixed_date_holidays() -> None:
    days = NationalCalendar.bundled().days()
    assert days is not None

    def info(d: date) -> tuple[bool, str | None, bool]:
        i = (d - days.first).days
        return days.workday[i], days.name[i], days.provisional[i]

    for d, name in [
        (date(2027, 1, 1), "元旦"),
        (date(2027, 5, 1), "劳动节"),
        (date(2027, 5, 2), "劳动节"),
        (date(2027, 10, 1), "国庆节"),
        (date(2027, 10, 2), "国庆节"),
        (date(2027, 10, 3), "国庆节"),
    ]:
        assert info(d) == (False, name, True)
    # 春节 2027 is lunar: not guessed, so its (weekday) dates stay working days, flagged provisional.
    assert info(date(2027, 2, 8)) == (True, None, True)
    assert info(date(2027, 2, 6)) == (False, "周六", True)


def test_provisional_horizon_is_configurable() -> None:
    assert NationalCalendar.bundled(provisional_years=0).status(date(2027, 1, 4)) == "unknown"
    assert NationalCalendar.bundled(provisional_years=0).status(date(2026, 12, 28)) == "provisional"
    assert NationalCalendar.bundled(provisional_years=2).status(date(2028, 6, 1)) == "provisional"
    with pytest.raises(ValueError, match="不能为负数"):
        NationalCalendar.bundled(provisional_years=-1)


def test_with_notice_returns_a_new_calendar(fictional_2027: Path) -> None:
    before = NationalCalendar.bundled()
    after = before.with_notice(import_holiday_cn(fictional_2027))
    assert 2027 not in before.notices
    assert 2027 in after.notices
    assert before.fingerprint != after.fingerprint
    assert after.status(date(2026, 12, 28)) == "confirmed"
    assert after.status(date(2027, 12, 20)) == "provisional"
    assert after.status(date(2028, 3, 1)) == "provisional"
    assert after.with_notice(import_holiday_cn(fictional_2027)).fingerprint == after.fingerprint


def test_empty_calendar_knows_nothing() -> None:
    empty = NationalCalendar([])
    assert empty.days() is None
    assert empty.status(date(2025, 1, 1)) == "unknown"
    assert isinstance(empty.unknown_year(date(2025, 1, 1)), CalendarYearUnknown)


def test_the_empty_2027_file_is_no_notice(holiday_cn: Path) -> None:
    with pytest.raises(NoticeFormatError, match="2027 年没有任何放假安排"):
        import_holiday_cn(holiday_cn / "2027.json")


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


PAPER = ["https://example.invalid/notice"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "顶层必须是 JSON 对象"),
        ({"papers": PAPER, "days": []}, "year"),
        ({"year": 2030, "papers": "x", "days": []}, "papers"),
        (
            {"year": 2030, "papers": [], "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": True}]},
            "papers",
        ),
        (
            {"year": 2030, "papers": PAPER, "days": [{"name": "元旦", "date": "2030-1-1", "isOffDay": True}]},
            "日期",
        ),
        (
            {"year": 2030, "papers": PAPER, "days": [{"name": "元旦", "date": "2030-01-01", "isOffDay": 1}]},
            "isOffDay",
        ),
        (
            {"year": 2030, "papers": PAPER, "days": [{"name": "", "date": "2030-01-01", "isOffDay": True}]},
            "名称",
        ),
        (
            {
                "year": 2030,
                "papers": PAPER,
                "days": [{"name": "元旦", "date": "2029-12-01", "isOffDay": True}],
            },
            "不属于 2030 年",
        ),
        (
            {
                "year": 2030,
                "papers": PAPER,
                "days": [
                    {"name": "元旦", "date": "2030-01-01", "isOffDay": True},
                    {"name": "元旦", "date": "2030-01-01", "isOffDay": False},
                ],
            },
            "矛盾",
        ),
    ],
)
def test_invalid_notice_files_are_refused(tmp_path: Path, document: object, message: str) -> None:
    with pytest.raises(NoticeFormatError, match=message):
        import_holiday_cn(_write(tmp_path, document))


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NoticeFormatError, match="无法读取"):
        import_holiday_cn(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NoticeFormatError, match="JSON"):
        import_holiday_cn(bad)


def test_reach_back_in_the_window_is_accepted(tmp_path: Path) -> None:
    notice = import_holiday_cn(
        _write(
            tmp_path,
            {
                "year": 2030,
                "papers": PAPER,
                "days": [
                    {"name": "元旦", "date": "2029-12-29", "isOffDay": False},
                    {"name": "元旦", "date": "2030-01-01", "isOffDay": True},
                    {"name": "元旦", "date": "2030-01-01", "isOffDay": True},  # a repeat is harmless
                ],
            },
        )
    )
    assert notice.work_days == {date(2029, 12, 29): "元旦"}
    assert notice.off_days == {date(2030, 1, 1): "元旦"}
